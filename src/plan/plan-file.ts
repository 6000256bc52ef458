import * as E from 'fp-ts/Either';
import { configInvalid, fileError, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { MAX_TEXT_BYTES } from '../limits';
import { madeForMismatch } from './made-for';
import { checkCuts } from '../pipeline/evaluate';
import { parseJson } from '../json-text';
import { readRegularText } from '../read-file';

/**
 * Reads a plan for `predict --strategy <plan.json>`. Accepted shapes:
 * - `{ "cuts": [c1, ...] }`: N-1 op positions (a result object of `predict`/`segment --json` is one);
 * - `{ "counts": [n1, ...] }`: ops per segment, as libcoral's partition vector;
 * - a `segment --json` report `{ "results": [...], "best": "<strategy>" }`: the best result's cuts.
 */
export interface PlanFile {
  readonly strategy: string;
  readonly cuts: readonly number[];
}

const isIntArray = (u: unknown): u is number[] => Array.isArray(u) && u.every((x) => Number.isInteger(x));

export function parsePlan(json: unknown, file: string, nOps: number, tpus?: number): E.Either<TpusegError, PlanFile> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return E.left(configInvalid(file, ['(root): expected an object with "cuts", "counts" or "results"']));
  }
  const o = json as Record<string, unknown>;
  const name = typeof o['strategy'] === 'string' ? (o['strategy'] as string) : `plan:${file}`;
  let plan: PlanFile;
  if ('cuts' in o && 'counts' in o) return E.left(configInvalid(file, ['(root): give either "cuts" or "counts", not both']));
  if ('cuts' in o) {
    if (!isIntArray(o['cuts'])) return E.left(configInvalid(file, [`cuts: expected an array of integers, got ${JSON.stringify(o['cuts'])}`]));
    plan = { strategy: name, cuts: o['cuts'] };
  } else if ('counts' in o) {
    const counts = o['counts'];
    if (!isIntArray(counts) || counts.length === 0) {
      return E.left(configInvalid(file, [`counts: expected a non-empty array of integers, got ${JSON.stringify(counts)}`]));
    }
    const sum = counts.reduce((s, x) => s + x, 0);
    if (sum !== nOps) return E.left(configInvalid(file, [`counts: they add up to ${sum} ops, the model has ${nOps}`]));
    const cuts: number[] = [];
    counts.slice(0, -1).reduce((acc, c) => (cuts.push(acc + c), acc + c), 0);
    plan = { strategy: name, cuts };
  } else if (Array.isArray(o['results'])) {
    const results = o['results'] as unknown[];
    const best = results.find((r) => typeof r === 'object' && r !== null && (r as Record<string, unknown>)['strategy'] === o['best']);
    if (!best) return E.left(configInvalid(file, [`best: no result of strategy ${JSON.stringify(o['best'])} in results`]));
    return parsePlan(best, file, nOps, tpus);
  } else {
    return E.left(configInvalid(file, ['(root): expected "cuts", "counts" or "results"']));
  }
  const checked = checkCuts(nOps, plan.cuts);
  if (E.isLeft(checked)) return E.left(configInvalid(file, [`cuts: ${checked.left._tag === 'SegmentInvalid' ? checked.left.message : 'invalid'}`]));
  if (tpus !== undefined && plan.cuts.length + 1 !== tpus) {
    return E.left(configInvalid(file, [`the plan has ${plan.cuts.length + 1} segments but --tpus is ${tpus}`]));
  }
  return E.right(plan);
}

export function readPlanFile(file: string, graph: LayerGraph, tpus?: number): E.Either<TpusegError, PlanFile> {
  const json = readJsonFile(file);
  if (E.isLeft(json)) return json;
  const other = madeForMismatch((json.right as { madeFor?: unknown } | null)?.madeFor, graph, file);
  return other ? E.left(other) : parsePlan(json.right, file, graph.ops.length, tpus);
}

/** A JSON input (plan, config) read whole and parsed; `file` names it in errors. */
export function readJsonFile(file: string): E.Either<TpusegError, unknown> {
  const text = readTextFile(file);
  if (E.isLeft(text)) return text;
  const json = parseJson(text.right);
  return E.isLeft(json) ? E.left(configInvalid(file, [json.left])) : json;
}

/** A text input (plan, config): a regular file of at most MAX_TEXT_BYTES. */
export function readTextFile(file: string): E.Either<TpusegError, string> {
  const text = readRegularText(file, MAX_TEXT_BYTES, 'a plan or config');
  return E.isLeft(text) ? E.left(fileError(file, text.left)) : text;
}
