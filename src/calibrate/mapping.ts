import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configInvalid, type TpusegError } from '../errors';
import { parseJson } from '../json-text';
import { MAX_TEXT_BYTES } from '../limits';
import { readRegularText } from '../read-file';
import { RunnerCodec } from '../../cost-models/profile';

/**
 * The calibration mapping (experiments/calibration/mapping.json, documented in its README): which
 * model and segmentation each measurement file was taken with, keyed by the file's base name.
 * `model` is a model spec with `{x}` standing for the row's value of column `x` (and `{input}` for
 * the published table's input column).
 */

const positiveInt = new t.Type<number>('a positive integer', (u): u is number => Number.isInteger(u) && (u as number) > 0,
  (u, c) => (Number.isInteger(u) && (u as number) > 0 ? t.success(u as number) : t.failure(u, c)), t.identity);

/**
 * `profiling`: cut by libcoral's `partition_with_profiling`, which timed candidate cuts on the
 * hardware; its cuts are not re-derivable offline, so each row's cuts are read from its per-segment
 * compiler memory columns (src/calibrate/cases.ts).
 * `fastest`: every split at layer boundaries was timed and the fastest kept: predicted as the
 * fastest of them under the model (the memory columns are compared with that split).
 */
export const SplitCodec = t.keyof({ whole: null, compiler: null, layers: null, profiling: null, fastest: null });
export type Split = t.TypeOf<typeof SplitCodec>;

export const MeasurementEntryCodec = t.intersection([
  t.type({
    model: t.string,
    x: t.string,
    tpus: positiveInt,
    split: SplitCodec,
    batch: positiveInt,
    group: t.keyof({ single: null, multi: null }),
  }),
  // How the pipeline was run: the runner (default pycoral) and whether each timed batch started
  // on a fresh runner, its segments' first invokes inside it (default false).
  t.partial({ runner: RunnerCodec, freshRunner: t.boolean }),
]);
export type MeasurementEntry = t.TypeOf<typeof MeasurementEntryCodec>;

export const PublishedEntryCodec = t.type({
  models: t.record(t.string, t.string),
  columns: t.record(t.string, t.string),
});
export type PublishedEntry = t.TypeOf<typeof PublishedEntryCodec>;

export const MappingCodec = t.type({
  measurements: t.record(t.string, MeasurementEntryCodec),
  published: t.record(t.string, PublishedEntryCodec),
});
export type Mapping = t.TypeOf<typeof MappingCodec>;

export const DEFAULT_MAPPING = path.resolve(__dirname, '../../experiments/calibration/mapping.json');

function problems(errors: t.Errors): string[] {
  return [...new Set(errors.map((e) => {
    const keys = e.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k));
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a value';
    return `${keys.join('.') || '(root)'}: expected ${expected}, got ${e.value === undefined ? 'nothing (missing)' : JSON.stringify(e.value)}`;
  }))];
}

export function decodeMapping(u: unknown, file: string): E.Either<TpusegError, Mapping> {
  const r = MappingCodec.decode(u);
  if (E.isLeft(r)) return E.left(configInvalid(file, problems(r.left)));
  const bad = Object.entries(r.right.measurements)
    .filter(([, m]) => !m.model.includes('{x}'))
    .map(([k]) => `measurements.${k}.model: expected a spec with {x} for the row's value`);
  return bad.length > 0 ? E.left(configInvalid(file, bad)) : E.right(r.right);
}

export function loadMapping(file = DEFAULT_MAPPING): E.Either<TpusegError, Mapping> {
  const text = readRegularText(file, MAX_TEXT_BYTES, 'a mapping');
  const json = E.isLeft(text) ? text : parseJson(text.right);
  return E.isLeft(json) ? E.left(configInvalid(file, [json.left])) : decodeMapping(json.right, file);
}
