import * as E from 'fp-ts/Either';
import { parseJson } from '../json-text';
import * as t from 'io-ts';
import { configInvalid, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { checkCuts } from './extract';
import { madeForMismatch } from '../plan/made-for';
import { count, MAX_ADVISE_TPUS, MAX_BATCH } from '../limits';

/**
 * Reading the plan to export: the whole `tpuseg segment --json` report (its `best` is used: a
 * result object, a strategy name or an index into `results`), one result object of it, or a
 * `tpuseg advise --json` report (its recommended configuration, or the one named): the cuts and,
 * for an advised configuration, which TPUs run each segment's copies.
 */

const ResultCodec = t.intersection([
  t.type({ cuts: t.array(t.number) }),
  t.partial({
    strategy: t.string,
    segments: t.array(t.partial({ firstOp: t.number, lastOp: t.number })),
    bottleneckMs: t.number,
    latencyMs: t.number,
    msPerInput: t.number,
    batch: t.number,
    error: t.unknown,
  }),
]);
const ReportCodec = t.intersection([
  t.type({ results: t.array(t.unknown) }),
  t.partial({ model: t.string, tpus: t.number, profile: t.string, objective: t.string, best: t.unknown }),
]);

export type PlanResult = t.TypeOf<typeof ResultCodec>;

/** An advised configuration: per segment, the board positions of its copies' TPUs. */
export interface ChosenLayout {
  readonly id: string;
  readonly tpus: readonly (readonly number[])[];
  /** One profile per TPU position, when the advice was for a board whose TPUs differ. */
  readonly devices?: readonly string[];
}

export interface PlanChoice {
  readonly cuts: readonly number[];
  readonly layout?: ChosenLayout;
  readonly strategy?: string;
  readonly model?: string;
  readonly profile?: string;
  /** The result object as it was in the file (predictions included). */
  readonly result: PlanResult;
  /** The model the plan records it was made for (src/plan/made-for.ts), if it does. */
  readonly madeFor?: unknown;
}

const problems = (errors: t.Errors): string[] =>
  errors.slice(0, 5).map((e) => {
    // Intersection members show up as context entries whose type is the intersection itself; skip them.
    const where = e.context.filter((c, i) => c.key !== '' && !(e.context[i - 1]?.type instanceof t.IntersectionType)).map((c) => c.key).join('.');
    return `${where || '(root)'}: expected ${e.context[e.context.length - 1]?.type.name ?? 'a value'}, got ${JSON.stringify(e.value)}`;
  });

function decodeResult(u: unknown, file: string, where: string): E.Either<TpusegError, PlanResult> {
  const r = ResultCodec.decode(u);
  if (E.isLeft(r)) return E.left(configInvalid(file, problems(r.left).map((p) => `${where}${p}`)));
  if (r.right.error !== undefined) {
    return E.left(configInvalid(file, [`${where}the chosen result is a failed search (error: ${JSON.stringify(r.right.error)}); pick another result`]));
  }
  const batch = badBatch(r.right.batch);
  return batch !== undefined ? E.left(configInvalid(file, [`${where}${batch}`])) : E.right(r.right);
}

function pickBest(results: readonly unknown[], best: unknown, file: string): E.Either<TpusegError, { u: unknown; where: string }> {
  if (best === undefined || best === null) return E.left(configInvalid(file, ['best: the report names no best result (every strategy failed?)']));
  if (typeof best === 'object') return E.right({ u: best, where: 'best.' });
  if (typeof best === 'number') {
    return Number.isInteger(best) && best >= 0 && best < results.length
      ? E.right({ u: results[best], where: `results.${best}.` })
      : E.left(configInvalid(file, [`best: index ${best} is not one of the ${results.length} results`]));
  }
  if (typeof best === 'string') {
    const k = results.findIndex((r) => typeof r === 'object' && r !== null && (r as { strategy?: unknown }).strategy === best);
    return k >= 0
      ? E.right({ u: results[k], where: `results.${k}.` })
      : E.left(configInvalid(file, [`best: no result of strategy "${best}" in results`]));
  }
  return E.left(configInvalid(file, [`best: expected a result object, a strategy name or an index, got ${JSON.stringify(best)}`]));
}

const AdviceCodec = t.intersection([
  t.type({ tool: t.literal('tpuseg advise'), configurations: t.array(t.unknown), recommended: t.string }),
  t.partial({ model: t.string, tpus: t.number, profile: t.string, devices: t.array(t.string), batch: t.number, madeFor: t.unknown }),
]);

/** Why `batch` (a plan's or an advice's) cannot be exported, or undefined. */
const badBatch = (batch: number | undefined): string | undefined =>
  batch === undefined || (Number.isInteger(batch) && batch >= 1 && batch <= MAX_BATCH) ? undefined : `batch: expected an integer from 1 to ${count(MAX_BATCH)}, got ${batch}`;
const ConfigurationCodec = t.intersection([
  t.type({ id: t.string, kind: t.string, cuts: t.array(t.number), assignment: t.array(t.array(t.number)) }),
  t.partial({ msPerInput: t.number, steadyMs: t.number, latencyMs: t.number }),
]);

function adviceChoice(json: unknown, file: string, configuration: string | undefined): E.Either<TpusegError, PlanChoice> {
  const a = AdviceCodec.decode(json);
  if (E.isLeft(a)) return E.left(configInvalid(file, problems(a.left)));
  const id = configuration ?? a.right.recommended;
  const k = a.right.configurations.findIndex((c) => typeof c === 'object' && c !== null && (c as { id?: unknown }).id === id);
  if (k < 0) {
    const ids = a.right.configurations.map((c) => (c as { id?: unknown }).id).filter((x): x is string => typeof x === 'string');
    return E.left(configInvalid(file, [`configurations: no configuration "${id}" (the advice has ${ids.join(', ')})`]));
  }
  const c = ConfigurationCodec.decode(a.right.configurations[k]);
  if (E.isLeft(c)) return E.left(configInvalid(file, problems(c.left).map((p) => `configurations.${k}.${p}`)));
  const { cuts, assignment } = c.right;
  if (assignment.length !== cuts.length + 1) {
    return E.left(configInvalid(file, [`configurations.${k}: ${cuts.length} cuts make ${cuts.length + 1} segments, but TPUs are given for ${assignment.length}`]));
  }
  const used = assignment.flat();
  if (used.some((x) => !Number.isInteger(x) || x < 0) || new Set(used).size !== used.length || assignment.some((x) => x.length === 0)) {
    return E.left(configInvalid(file, [`configurations.${k}.assignment: every segment needs TPUs of its own (board positions from 0, each once), got ${JSON.stringify(assignment)}`]));
  }
  // The board: the advice's devices, else its TPUs, never more than advise weighs.
  const board = Math.min(a.right.devices?.length ?? a.right.tpus ?? MAX_ADVISE_TPUS, MAX_ADVISE_TPUS);
  const outside = used.find((x) => x >= board);
  if (outside !== undefined) {
    return E.left(configInvalid(file, [`configurations.${k}.assignment: board position ${outside} is not on the advice's board of ${board} TPUs (positions 0 to ${board - 1})`]));
  }
  const batch = badBatch(a.right.batch);
  if (batch !== undefined) return E.left(configInvalid(file, [batch]));
  return E.right({
    cuts,
    layout: { id, tpus: assignment, ...(a.right.devices ? { devices: a.right.devices } : {}) },
    strategy: `advise:${id}`,
    madeFor: a.right.madeFor,
    ...(a.right.model !== undefined ? { model: a.right.model } : {}),
    ...(a.right.profile !== undefined ? { profile: a.right.profile } : {}),
    result: { cuts, strategy: `advise:${id}`, ...(a.right.batch !== undefined ? { batch: a.right.batch } : {}) },
  });
}

/** Parses a plan file's text; `configuration` names the configuration of an advice to take (default its recommendation). */
export function parsePlanFile(text: string, file: string, configuration?: string): E.Either<TpusegError, PlanChoice> {
  const parsed = parseJson(text);
  if (E.isLeft(parsed)) return E.left(configInvalid(file, [parsed.left]));
  const json = parsed.right;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return E.left(configInvalid(file, ['expected a JSON object: a `tpuseg segment --json` report or one of its results']));
  }
  if ((json as { tool?: unknown }).tool === 'tpuseg advise') return adviceChoice(json, file, configuration);
  if (configuration !== undefined) return E.left(configInvalid(file, ['--configuration picks a configuration of a `tpuseg advise` report; this file is a plan']));
  if ('cuts' in json && 'counts' in json) return E.left(configInvalid(file, ['(root): give either "cuts" or "counts", not both']));
  const report = ReportCodec.decode(json);
  if (E.isRight(report) && !('cuts' in json)) {
    const picked = pickBest(report.right.results, report.right.best, file);
    if (E.isLeft(picked)) return picked;
    return E.map((r: PlanResult) => ({
      cuts: r.cuts,
      madeFor: (json as { madeFor?: unknown }).madeFor,
      ...(r.strategy !== undefined ? { strategy: r.strategy } : {}),
      ...(report.right.model !== undefined ? { model: report.right.model } : {}),
      ...(report.right.profile !== undefined ? { profile: report.right.profile } : {}),
      result: r,
    }))(decodeResult(picked.right.u, file, picked.right.where));
  }
  return E.map((r: PlanResult) => ({ cuts: r.cuts, madeFor: (json as { madeFor?: unknown }).madeFor, ...(r.strategy !== undefined ? { strategy: r.strategy } : {}), result: r }))(
    decodeResult(json, file, ''),
  );
}

/** Checks that a plan fits the model it is applied to: valid cuts for its op count, segments (when given) covering exactly its ops. */
export function checkPlanFits(plan: PlanChoice, graph: LayerGraph, file: string): E.Either<TpusegError, PlanChoice> {
  const other = madeForMismatch(plan.madeFor, graph, file);
  if (other) return E.left(other);
  const segs = plan.result.segments;
  if (segs && segs.length !== plan.cuts.length + 1) {
    return E.left(configInvalid(file, [`segments: ${segs.length} segments but ${plan.cuts.length} cuts (expected ${plan.cuts.length + 1})`]));
  }
  const cuts = checkCuts(graph, plan.cuts);
  if (E.isLeft(cuts)) return E.left(configInvalid(file, [`cuts: ${cuts.left._tag === 'ExportFailed' ? cuts.left.message : 'invalid'}`]));
  const last = segs?.[segs.length - 1]?.lastOp;
  if (last !== undefined && last !== graph.ops.length - 1) {
    return E.left(configInvalid(file, [`the plan covers ops 0..${last} but ${graph.source} has ${graph.ops.length} ops (0..${graph.ops.length - 1}): was it made for another model?`]));
  }
  return E.right(plan);
}
