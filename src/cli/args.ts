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
  return rewriteOptions(argv, (i, out) => {
    const tok = argv[i]!;
    const name = tok.includes('=') ? undefined : nameOf(tok);
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && next !== '--' && !isOption(next)) {
      out.push(`--${name}=${next}`);
      return 2;
    }
    out.push(tok);
    return 1;
  });
}

/** argv with the tokens before `--` rewritten by `step` (which pushes onto `out` and says how many it took), the rest as it is. */
function rewriteOptions(argv: readonly string[], step: (i: number, out: string[]) => number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i] !== '--') i += step(i, out);
  out.push(...argv.slice(i));
  return out;
}

/**
 * Flags of Coral's tools (edgetpu_compiler, libcoral's partition_with_profiling) that mean what a
 * tpuseg flag means: a command that takes the tpuseg flag takes the Coral name too (`coral` in
 * `parse`), and a command that does not says which tpuseg flag to use.
 */
export const CORAL_FLAGS = {
  num_segments: { flag: 'tpus', value: 'N', what: 'segments, one per Edge TPU' },
  out_dir: { flag: 'out', value: 'DIR', what: 'the folder to write' },
  output_dir: { flag: 'out', value: 'DIR', what: 'the folder to write' },
  model_path: { flag: '', value: 'FILE', what: 'the model (the first argument)' },
} as const;
export type CoralFlag = keyof typeof CORAL_FLAGS;

/** The help line of a command's Coral names. */
export function coralHelp(names: readonly CoralFlag[]): string {
  const items = names.map((n) => `--${n} ${CORAL_FLAGS[n].value} as ${CORAL_FLAGS[n].flag === '' ? '<model>' : `--${CORAL_FLAGS[n].flag} ${CORAL_FLAGS[n].value}`}`);
  const lines = ["  Coral's flag names are taken too:"];
  items.forEach((item, i) => {
    const text = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (lines[lines.length - 1]!.length + 1 + text.length > 98) lines.push(`    ${text}`);
    else lines[lines.length - 1] += ` ${text}`;
  });
  return lines.join('\n');
}

/** `--num_segments 4` as `--tpus 4`, `--model_path m.tflite` as the positional `m.tflite`, for the Coral names a command takes. */
function coralToOwn(argv: readonly string[], coral: readonly CoralFlag[]): string[] {
  return rewriteOptions(argv, (i, out) => {
    const tok = argv[i]!;
    const m = /^--([a-z_]+)(=.*)?$/.exec(tok);
    const name = m?.[1] as CoralFlag | undefined;
    if (name === undefined || !coral.includes(name)) {
      out.push(tok);
      return 1;
    }
    const own = CORAL_FLAGS[name].flag;
    if (own !== '') out.push(`--${own}${m![2] ?? ''}`);
    else if (m![2] !== undefined) out.push(m![2].slice(1));
    else if (i + 1 < argv.length) {
      out.push(argv[i + 1]!);
      return 2;
    } else out.push(tok);
    return 1;
  });
}

/** Node's parse errors in tpuseg's words: which flag, what it expects, what was perhaps meant. */
function parseError(command: string, e: unknown, options: OptionSpec): string {
  const message = (e as Error).message ?? String(e);
  const flag = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  const name = flag.replace(/^-+/, '');
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const coral = CORAL_FLAGS[name as CoralFlag];
      if (coral !== undefined && (coral.flag === '' || coral.flag in options)) {
        return `${command}: unknown option ${flag} (Coral's name for ${coral.what}; here: ${coral.flag === '' ? '<model>' : `--${coral.flag}`})`;
      }
      // Coral's and Python's snake_case for tpuseg's kebab-case (--fresh_runner for --fresh-runner).
      return `${command}: unknown option ${flag}${didYouMean(name.replace(/_/g, '-'), [...Object.keys(options), 'help'], '--')}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(message) ? `${command}: ${flag} takes no value` : `${command}: ${flag} expects a value`;
    default:
      return `${command}: ${message.split('\n')[0]}`;
  }
}

/**
 * Strict parse of a command's arguments; unknown flags and missing values become Usage errors.
 * `coral`: the Coral flag names this command takes for its own (CORAL_FLAGS).
 */
export function parse(command: string, argv: readonly string[], options: OptionSpec, coral: readonly CoralFlag[] = []): E.Either<TpusegError, Parsed> {
  try {
    const { values, positionals } = parseArgs({
      args: joinDashValues(coralToOwn(argv, coral), options),
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
