import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { list, nonEmptyString, positiveNumber, record } from '../../experiments/codecs';
import { configInvalid, usage, type TpusegError } from '../errors';
import { readJsonAs } from '../plan/plan-file';

/**
 * A workload: several models on one board, each with a target rate (inputs per second) or a
 * weight. With rates, the question is the fewest TPUs that meet every rate (and, when K cannot,
 * how close K comes); with weights, the largest rate every model gets in proportion to its weight
 * on K TPUs (the lowest achieved / weight ratio, maximized).
 *
 * As a file: `{"models": [{"model": "zoo:mobilenet_v2", "rate": 300}, {"model": "a.tflite", "weight": 2}]}`,
 * model paths relative to the file. On the command line: `--model SPEC=RATE` or
 * `--model SPEC=weight:W`, once per model (the last "=" separates the spec from its rate).
 */

export const WorkloadCodec = record('a workload {models: [{model, rate | weight}]}', {
  models: list(record('a model entry {model, rate | weight, name?}', { model: nonEmptyString }, { rate: positiveNumber, weight: positiveNumber, name: nonEmptyString }), true),
}, {
  description: nonEmptyString,
});

export interface WorkloadModel {
  /** A model spec as `loadModel` takes it (file paths already resolved). */
  readonly model: string;
  /** A short name, unique within the workload (file and runner names). */
  readonly name: string;
  readonly rate?: number;
  readonly weight?: number;
}

export interface Workload {
  readonly models: readonly WorkloadModel[];
  /** 'rates' when every model has a target rate, 'weights' when every model has a weight. */
  readonly mode: 'rates' | 'weights';
}

/** At most this many models: the exact search enumerates every grouping of them (Bell(6) = 203). */
export const MAX_WORKLOAD_MODELS = 6;

const isSpec = (m: string): boolean => /^(zoo|synth):/.test(m);

/** A file-safe short name of a spec: the zoo name (and size), the synth family, or the file's stem. */
export function shortName(spec: string): string {
  const raw = spec.startsWith('zoo:') ? spec.slice(4) : spec.startsWith('synth:') ? spec.slice(6).split('?')[0]! : path.basename(spec).replace(/\.tflite$/i, '');
  return raw.replace(/[^A-Za-z0-9_-]+/g, '_') || 'model';
}

function uniqueNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    let name = n;
    for (let i = 2; out.includes(name); i++) name = `${n}_${i}`;
    out.push(name);
  }
  return out;
}

/** Checks what io-ts cannot: rate and weight, one of them per model and the same one for every model. */
function workloadOf(entries: readonly { model: string; rate?: number; weight?: number; name?: string }[], where: (i: number) => string, fail: (msg: string) => TpusegError): E.Either<TpusegError, Workload> {
  if (entries.length > MAX_WORKLOAD_MODELS) return E.left(fail(`models: at most ${MAX_WORKLOAD_MODELS} models (the search is exact over every grouping of them), got ${entries.length}`));
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if ((e.rate === undefined) === (e.weight === undefined)) return E.left(fail(`${where(i)}: give either a rate (inputs/s) or a weight, not ${e.rate === undefined ? 'neither' : 'both'}`));
  }
  const rates = entries.filter((e) => e.rate !== undefined).length;
  if (rates !== 0 && rates !== entries.length) {
    const i = entries.findIndex((e) => (rates * 2 >= entries.length ? e.rate === undefined : e.rate !== undefined));
    return E.left(fail(`${where(i)}: every model needs a rate, or every model a weight (rates are targets to meet, weights shares of what K TPUs give)`));
  }
  const names = uniqueNames(entries.map((e) => (e.name === undefined ? shortName(e.model) : e.name.replace(/[^A-Za-z0-9_-]+/g, '_'))));
  return E.right({
    mode: rates > 0 ? 'rates' : 'weights',
    models: entries.map((e, i) => ({ model: e.model, name: names[i]!, ...(e.rate !== undefined ? { rate: e.rate } : { weight: e.weight! }) })),
  });
}

/** A workload file, validated; model paths resolved against the file's folder. */
export function loadWorkload(file: string): E.Either<TpusegError, Workload> {
  const decoded = readJsonAs(file, WorkloadCodec);
  if (E.isLeft(decoded)) return decoded;
  const dir = path.dirname(file);
  const entries = decoded.right.models.map((m) => ({ ...m, model: isSpec(m.model) ? m.model : path.resolve(dir, m.model) }));
  return workloadOf(entries, (i) => `models[${i}]`, (msg) => configInvalid(file, [msg]));
}

/** `--model SPEC=RATE` or `--model SPEC=weight:W`, once per model; paths resolved against `cwd`. */
export function workloadFromArgs(args: readonly string[], cwd: string): E.Either<TpusegError, Workload> {
  const entries: { model: string; rate?: number; weight?: number }[] = [];
  for (const a of args) {
    const at = a.lastIndexOf('=');
    const spec = at > 0 ? a.slice(0, at) : '';
    const value = at > 0 ? a.slice(at + 1) : '';
    const w = /^weight:(.+)$/.exec(value);
    const num = Number(w ? w[1] : value);
    if (spec.trim() === '' || value.trim() === '' || !Number.isFinite(num) || num <= 0) {
      return E.left(usage(`advise: --model expects SPEC=RATE (inputs/s) or SPEC=weight:W with a positive number, got "${a}"`));
    }
    entries.push({ model: isSpec(spec) ? spec : path.resolve(cwd, spec), ...(w ? { weight: num } : { rate: num }) });
  }
  return workloadOf(entries, (i) => `--model ${args[i]}`, (msg) => usage(`advise: ${msg}`));
}
