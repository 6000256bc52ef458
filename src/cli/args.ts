import { parseArgs } from 'node:util';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { usage, type TpusegError } from '../errors';
import { PROFILE_NAMES, RUNNER_NAMES, type RunnerName } from '../../cost-models/names';
import type { ObjectiveKind } from '../../strategies/types';
import { didYouMean } from './suggest';
import { count, MAX_WORKERS } from '../limits';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }>;

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  readonly positionals: string[];
}

/**
 * Joins `--flag -1` into `--flag=-1` when --flag takes a value and "-1" is not one of the
 * command's options, so a negative or dash-led value reaches the flag's own check ("expects a
 * positive integer") instead of Node's "ambiguous" message.
 */
function joinDashValues(argv: readonly string[], options: OptionSpec): string[] {
  const byShort = new Map(Object.entries(options).filter(([, o]) => o.short).map(([k, o]) => [o.short!, k]));
  const nameOf = (tok: string): string | undefined => (tok.startsWith('--') ? tok.slice(2) : /^-[^-]$/.test(tok) ? byShort.get(tok[1]!) ?? (tok === '-h' ? 'help' : undefined) : undefined);
  const isOption = (tok: string): boolean => { const n = nameOf(tok.split('=')[0]!); return n !== undefined && (n in options || n === 'help'); };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = tok.includes('=') ? undefined : nameOf(tok);
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '--' && !isOption(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(tok);
  }
  return out;
}

/** Node's parse errors in tpuseg's words: which flag, what it expects, what was perhaps meant. */
function parseError(command: string, e: unknown, options: OptionSpec): string {
  const message = (e as Error).message ?? String(e);
  const flag = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  const name = flag.replace(/^-+/, '');
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `${command}: unknown option ${flag}${didYouMean(name, [...Object.keys(options), 'help'], '--')}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(message) ? `${command}: ${flag} takes no value` : `${command}: ${flag} expects a value`;
    default:
      return `${command}: ${message.split('\n')[0]}`;
  }
}

/** Strict parse of a command's arguments; unknown flags and missing values become Usage errors. */
export function parse(command: string, argv: readonly string[], options: OptionSpec): E.Either<TpusegError, Parsed> {
  try {
    const { values, positionals } = parseArgs({
      args: joinDashValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return E.right({ values: values as Parsed['values'], positionals });
  } catch (e) {
    return E.left(usage(`${parseError(command, e, options)} (see tpuseg ${command} --help)`));
  }
}

/** A positive integer flag value, or a Usage error naming the flag and the value. */
export function positiveInt(command: string, flag: string, raw: unknown, fallback?: number, max?: number): E.Either<TpusegError, number> {
  if (raw === undefined && fallback !== undefined) return E.right(fallback);
  const s = String(raw);
  const v = Number(s);
  if (!(/^\d+$/.test(s) && Number.isSafeInteger(v) && v > 0)) return E.left(usage(`${command}: --${flag} expects a positive integer, got "${s}"`));
  return max !== undefined && v > max ? E.left(usage(`${command}: --${flag} is at most ${count(max)}, got ${s}`)) : E.right(v);
}

/** `--workers W`: an integer from 0 (this thread) to MAX_WORKERS; absent, undefined: chosen from the work (src/search/workers.ts). */
export function workersOption(command: string, raw: unknown): E.Either<TpusegError, number | undefined> {
  if (raw === undefined) return E.right(undefined);
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

/** `--runner`: a pipeline runner name, or undefined when absent (the profile's then applies). */
export function runnerOption(command: string, raw: unknown): E.Either<TpusegError, RunnerName | undefined> {
  if (raw === undefined) return E.right(undefined);
  return RUNNER_NAMES.includes(raw as RunnerName)
    ? E.right(raw as RunnerName)
    : E.left(usage(`${command}: --runner expects ${RUNNER_NAMES.join(' or ')}, got "${String(raw)}"`));
}

/** `--objective O`: one of `order` (listed in that order when it is not), throughput when absent. */
export function objectiveOption(command: string, raw: unknown, order: readonly ObjectiveKind[]): E.Either<TpusegError, ObjectiveKind> {
  const objective = String(raw ?? 'throughput');
  return order.includes(objective as ObjectiveKind)
    ? E.right(objective as ObjectiveKind)
    : E.left(usage(`${command}: --objective expects ${order.join(' | ')}, got "${objective}"`));
}

/** A `--profile` value: a built-in profile's name as it is, anything else a file path resolved against `cwd`. */
export const profileArg = (p: string, cwd: string): string => (PROFILE_NAMES.includes(p) ? p : path.resolve(cwd, p));

/** A `--devices` list, each entry trimmed and resolved as `profileArg` does; an empty entry stays empty (loadDevices refuses the list). */
export const devicesArg = (list: string, cwd: string): string =>
  list.split(',').map((d) => d.trim()).map((d) => (d === '' ? d : profileArg(d, cwd))).join(',');
