import { parseArgs } from 'node:util';
import * as E from 'fp-ts/Either';
import { usage, type TpusegError } from '../errors';
import { MAX_WORKERS } from '../limits';
import { defaultWorkers } from '../workers';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }>;

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

/** Strict parse of a command's arguments; unknown flags and missing values become Usage errors. */
export function parse(command: string, argv: readonly string[], options: OptionSpec): E.Either<TpusegError, Parsed> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return E.right({ values: values as Parsed['values'], positionals });
  } catch (e) {
    return E.left(usage(`${command}: ${(e as Error).message.split('\n')[0]} (see tpuseg ${command} --help)`));
  }
}

/** A positive integer flag value, or a Usage error naming the flag and the value. */
export function positiveInt(command: string, flag: string, raw: unknown, fallback?: number): E.Either<TpusegError, number> {
  if (raw === undefined && fallback !== undefined) return E.right(fallback);
  const s = String(raw);
  const v = Number(s);
  return /^\d+$/.test(s) && Number.isSafeInteger(v) && v > 0
    ? E.right(v)
    : E.left(usage(`${command}: --${flag} expects a positive integer, got "${s}"`));
}

/** `--workers W`: 0 (run in this thread) to MAX_WORKERS; the shared default when absent. */
export function workersOption(command: string, raw: unknown): E.Either<TpusegError, number> {
  if (raw === undefined) return E.right(defaultWorkers());
  const s = String(raw);
  return /^\d+$/.test(s) && Number(s) <= MAX_WORKERS
    ? E.right(Number(s))
    : E.left(usage(`${command}: --workers expects an integer from 0 to ${MAX_WORKERS}, got "${s}"`));
}

export function nonNegativeNumber(command: string, flag: string, raw: unknown, fallback?: number): E.Either<TpusegError, number> {
  if (raw === undefined && fallback !== undefined) return E.right(fallback);
  const s = String(raw);
  const v = Number(s);
  return s.trim() !== '' && Number.isFinite(v) && v >= 0
    ? E.right(v)
    : E.left(usage(`${command}: --${flag} expects a non-negative number, got "${s}"`));
}
