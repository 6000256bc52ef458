import * as E from 'fp-ts/Either';
import { parseJson } from '../json-text';
import * as t from 'io-ts';
import { configInvalid, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { checkCuts } from './extract';
import { madeForMismatch } from '../plan/made-for';
import { readTextFile } from '../plan/plan-file';
import { ManifestCodec } from './manifest';
import { count, MAX_ADVISE_TPUS, MAX_BATCH } from '../limits';

/**
 * Reading a plan file, wherever one is taken (`export --plan`, `predict --plan`): every plan file
 * tpuseg writes is one. The whole `tpuseg segment --json` report (its `best` is used: a result
 * object, a strategy name or an index into `results`), one result object of it (`predict --json`),
 * a `tpuseg advise --json` report (its recommended configuration, or the one named), an export's
 * plan.json, or a hand-written `{ "cuts": [...] }` or `{ "counts": [...] }` (ops per segment, as
 * libcoral's partition vector): the cuts and, for an advised configuration, which TPUs run each
 * segment's copies.
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
    /** `predict --plan <advice>`: the configuration it priced. */
    configuration: t.type({ id: t.string, assignment: t.array(t.array(t.number)) }),
    devices: t.array(t.string),
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

/** What is wrong with the TPUs given for each segment's copies, if anything. */
function assignmentFault(cuts: readonly number[], assignment: readonly (readonly number[])[], where: string): string | undefined {
  if (assignment.length !== cuts.length + 1) return `${where}: ${cuts.length} cuts make ${cuts.length + 1} segments, but TPUs are given for ${assignment.length}`;
  const used = assignment.flat();
  if (used.some((x) => !Number.isInteger(x) || x < 0) || new Set(used).size !== used.length || assignment.some((x) => x.length === 0)) {
    return `${where}.assignment: every segment needs TPUs of its own (board positions from 0, each once), got ${JSON.stringify(assignment)}`;
  }
  return undefined;
}

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
  const fault = assignmentFault(cuts, assignment, `configurations.${k}`);
  if (fault !== undefined) return E.left(configInvalid(file, [fault]));
  const used = assignment.flat();
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

/** An export's plan.json: its cuts, and the configuration it was exported as, if any. */
function manifestChoice(json: unknown, file: string, configuration: string | undefined): E.Either<TpusegError, PlanChoice> {
  const m = ManifestCodec.decode(json);
  if (E.isLeft(m)) return E.left(configInvalid(file, problems(m.left)));
  const { predicted: p, configuration: c } = m.right;
  if (configuration !== undefined && configuration !== c?.id) {
    return E.left(configInvalid(file, [`--configuration ${configuration}: this export's plan.json holds ${c ? `configuration ${c.id} only` : 'one plan, not an advice'}`]));
  }
  return E.right({
    cuts: p.cuts,
    strategy: p.strategy,
    model: m.right.model.spec,
    profile: m.right.profile,
    madeFor: m.right.madeFor,
    ...(c ? { layout: { id: c.id, tpus: c.assignment, ...(c.devices ? { devices: c.devices } : {}) } } : {}),
    result: { cuts: p.cuts, strategy: p.strategy, segments: p.segments, bottleneckMs: p.bottleneckMs, latencyMs: p.latencyMs, msPerInput: p.msPerInput, batch: p.batch },
  });
}

/** `{ "counts": [...] }`: ops per segment, turned into cuts for a model of `nOps` ops. */
function countsToCuts(json: Record<string, unknown>, file: string, nOps: number): E.Either<TpusegError, Record<string, unknown>> {
  const counts = json['counts'];
  if (!Array.isArray(counts) || counts.length === 0 || !counts.every((x) => Number.isInteger(x) && x > 0)) {
    return E.left(configInvalid(file, [`counts: expected a non-empty array of positive integers, got ${JSON.stringify(counts)}`]));
  }
  const sum = (counts as number[]).reduce((s, x) => s + x, 0);
  if (sum !== nOps) return E.left(configInvalid(file, [`counts: they add up to ${sum} ops, the model has ${nOps}`]));
  const cuts: number[] = [];
  (counts as number[]).slice(0, -1).reduce((acc, c) => (cuts.push(acc + c), acc + c), 0);
  const { counts: _counts, ...rest } = json;
  return E.right({ ...rest, cuts });
}

/**
 * Parses a plan file's text; `configuration` names the configuration of an advice to take (default
 * its recommendation); `nOps`, the model's op count, lets `counts` be read.
 */
export function parsePlanFile(text: string, file: string, configuration?: string, nOps?: number): E.Either<TpusegError, PlanChoice> {
  const parsed = parseJson(text);
  if (E.isLeft(parsed)) return E.left(configInvalid(file, [parsed.left]));
  const json = parsed.right;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return E.left(configInvalid(file, ['expected a JSON object: a plan file (tpuseg segment, predict or advise -o, an export\'s plan.json, or { "cuts": [...] })']));
  }
  const tool = (json as { tool?: unknown }).tool;
  if (tool === 'tpuseg advise') return adviceChoice(json, file, configuration);
  if (tool === 'tpuseg export') return manifestChoice(json, file, configuration);
  if (tool === 'tpuseg advise --workload') {
    return E.left(configInvalid(file, ['a workload plan (several models): export it whole with `tpuseg export --plan FILE --out DIR`, without a model; each model\'s plan.json in that export is a plan for it']));
  }
  if (configuration !== undefined) return E.left(configInvalid(file, ['--configuration picks a configuration of a `tpuseg advise` report; this file is a plan']));
  if ('cuts' in json && 'counts' in json) return E.left(configInvalid(file, ['(root): give either "cuts" or "counts", not both']));
  let plan = json as Record<string, unknown>;
  if ('counts' in plan) {
    if (nOps === undefined) return E.left(configInvalid(file, ['counts: read with the model it was made for']));
    const withCuts = countsToCuts(plan, file, nOps);
    if (E.isLeft(withCuts)) return withCuts;
    plan = withCuts.right;
  }
  const report = ReportCodec.decode(plan);
  if (E.isRight(report) && !('cuts' in plan)) {
    const picked = pickBest(report.right.results, report.right.best, file);
    if (E.isLeft(picked)) return picked;
    return E.map((r: PlanResult) => ({
      cuts: r.cuts,
      madeFor: plan['madeFor'],
      ...(r.strategy !== undefined ? { strategy: r.strategy } : {}),
      ...(report.right.model !== undefined ? { model: report.right.model } : {}),
      ...(report.right.profile !== undefined ? { profile: report.right.profile } : {}),
      result: r,
    }))(decodeResult(picked.right.u, file, picked.right.where));
  }
  const result = decodeResult(plan, file, '');
  if (E.isLeft(result)) return result;
  const r = result.right;
  const c = r.configuration;
  const fault = c ? assignmentFault(r.cuts, c.assignment, 'configuration') : undefined;
  if (fault !== undefined) return E.left(configInvalid(file, [fault]));
  return E.right({
    cuts: r.cuts, madeFor: plan['madeFor'], ...(r.strategy !== undefined ? { strategy: r.strategy } : {}), result: r,
    ...(c ? { layout: { id: c.id, tpus: c.assignment, ...(r.devices ? { devices: r.devices } : {}) } } : {}),
  });
}

/**
 * Reads the plan file `file` for `graph`: parsed, checked against the model, and, when `tpus` is
 * given, against it (the segments of a plan, the TPUs of an advised configuration). What is wrong
 * inside it is said of `name` (the file as the user gave it; default `file`).
 */
export function readPlan(file: string, graph: LayerGraph, opts: { readonly configuration?: string; readonly tpus?: number; readonly name?: string } = {}): E.Either<TpusegError, PlanChoice> {
  const text = readTextFile(file);
  if (E.isLeft(text)) return text;
  const name = opts.name ?? file;
  const plan = parsePlanFile(text.right, name, opts.configuration, graph.ops.length);
  if (E.isLeft(plan)) return plan;
  const fits = checkPlanFits(plan.right, graph, name);
  if (E.isLeft(fits) || opts.tpus === undefined) return fits;
  const p = fits.right;
  const used = p.layout ? p.layout.tpus.flat().length : p.cuts.length + 1;
  return used === opts.tpus ? fits : E.left(configInvalid(name, [p.layout
    ? `configuration ${p.layout.id} runs ${p.cuts.length + 1} segments on ${used} TPUs but --tpus is ${opts.tpus}`
    : `the plan has ${p.cuts.length + 1} segments but --tpus is ${opts.tpus}`]));
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
