import * as E from 'fp-ts/Either';
import type { CostModel, PipelineParams, SegmentCost } from '../../cost-models/types';
import { segmentInvalid, type TpusegError } from '../errors';

// Module-level aliases: inside a vm context (jest) every global lookup goes through an interceptor.
const { max } = Math;
const { isInteger } = Number;

/**
 * How a pipeline of priced stages runs a batch (the runner and host facts behind each term are in
 * cost-models/edgetpu.ts and ../shared/docs/host-runtime.md):
 *
 * - steady state, per input: the slowest of (a) the slowest stage (each stage has its own thread
 *   and TPU, and they overlap: host-runtime.md s1), a stage on c TPUs taking alternate inputs
 *   counting its time / c, and all of it divided over r replicas of the pipeline when several
 *   take alternate inputs; (b) each resource every stage shares, whose per-input demands add up
 *   across stages: the Python interpreter lock of a thread-per-stage runner, a host link the TPUs
 *   share, and the host's CPU time spread over its cores. Copies and replicas do not divide these:
 *   each input still passes one copy of every stage, so its demands on them are one pipeline's
 *   (host-runtime.md s2-s4: pycoral's push copies under the one interpreter lock of the process,
 *   libedgetpu's host passes over every input and output run on the host's cores, and a shared
 *   USB controller or PCIe uplink carries every TPU's transfers; domain.md s4).
 * - fill: the first input crosses every stage, and on a fresh runner each segment's first invoke
 *   (parameter load) lies on its path: sum of stage times + sum of first-invoke costs.
 * - a batch of B inputs on one copy of every stage: fill + (B - 1) x steady state; per input, that
 *   over B. It never beats the slowest stage: the fill holds every stage once, the rest at least
 *   the slowest stage each. With copies or replicas, input j goes to copy j mod c of each stage
 *   (round robin), and the batch ends when the last input leaves: the recurrence
 *   end[i][j] = max(end[i-1][j], end[i][j-c]) + ms[i] (+ the copy's first invoke on its first input
 *   on a fresh runner), never below fill + (B - 1) x the shared-resource bound.
 */
export interface PipelineTimes {
  /** Slowest single stage. */
  readonly slowestStageMs: number;
  /** Steady-state time per input (throughput = 1 / bottleneck), and what sets it. */
  readonly bottleneckMs: number;
  readonly limitedBy: LimitedBy;
  /** One input through every stage: the sum of stage times. */
  readonly latencyMs: number;
  /** One-time costs inside the batch (first invokes on a fresh runner; 0 otherwise). */
  readonly firstMs: number;
  readonly batch: number;
  /** Time per input for a batch of `batch` inputs. */
  readonly msPerInput: number;
}

export type LimitedBy = 'slowest stage' | 'interpreter lock' | 'shared link' | 'host CPU';

/**
 * The bound the resources every stage shares set on the steady state, per input: the largest of
 * the summed interpreter-lock and shared-link demands and the summed host CPU time over the
 * host's cores (0 when they share nothing). The searches and pipelineTimes all use it, so they
 * agree bit for bit.
 */
export function sharedBoundMs(gilMs: number, linkMs: number, cpuMs: number, hostCores: number): number {
  const cpu = cpuMs / hostCores;
  let ms = 0;
  if (gilMs > ms) ms = gilMs;
  if (linkMs > ms) ms = linkMs;
  if (cpu > ms) ms = cpu;
  return ms;
}

/** Steady state per input: the slowest stage, or the shared-resource bound when it is larger. */
export const steadyMs = (stageMs: number, sharedMs: number): number => (sharedMs > stageMs ? sharedMs : stageMs);

/** What the pipeline needs of a stage. */
export interface StageTimes {
  readonly ms: number;
  readonly gilMs?: number;
  readonly linkMs?: number;
  readonly hostCpuMs?: number;
  readonly firstMs?: number;
  /** TPUs running this stage, taking alternate inputs (default 1). */
  readonly copies?: number;
}

export function pipelineTimes(stages: readonly StageTimes[], pipeline: PipelineParams | undefined, batch: number, replicas = 1): PipelineTimes {
  let sum = 0;
  let slowest = 0;
  let perInput = 0;
  let gil = 0;
  let link = 0;
  let cpu = 0;
  let first = 0;
  let copied = replicas !== 1;
  for (const s of stages) {
    const c = s.copies ?? 1;
    if (c !== 1) copied = true;
    sum += s.ms;
    if (s.ms > slowest) slowest = s.ms;
    if (s.ms / c > perInput) perInput = s.ms / c;
    gil += s.gilMs ?? 0;
    link += s.linkMs ?? 0;
    cpu += s.hostCpuMs ?? 0;
    first += s.firstMs ?? 0;
  }
  const sharedMs = sharedBoundMs(gil, link, cpu, pipeline ? pipeline.hostCores : Infinity);
  const byStages = perInput / replicas;
  const steady = steadyMs(byStages, sharedMs);
  // Ties go to the first of the resources, in the order of sharedBoundMs.
  const limitedBy: LimitedBy = !(sharedMs > byStages) ? 'slowest stage' : sharedMs === gil ? 'interpreter lock' : sharedMs === link ? 'shared link' : 'host CPU';
  const freshRunner = pipeline?.freshRunner === true;
  const fresh = freshRunner ? first : 0;
  const makespan = copied
    ? Math.max(roundRobinMs(stages, replicas, batch, freshRunner), sum + fresh + (batch - 1) * sharedMs)
    : sum + fresh + (batch - 1) * steady;
  return {
    slowestStageMs: slowest,
    bottleneckMs: steady,
    limitedBy,
    latencyMs: sum,
    firstMs: fresh,
    batch,
    msPerInput: makespan / batch,
  };
}

/** When the last of `batch` inputs leaves, inputs dealt to each stage's copies in turn (see pipelineTimes). */
function roundRobinMs(stages: readonly StageTimes[], replicas: number, batch: number, fresh: boolean): number {
  let prev = new Float64Array(batch);
  let cur = new Float64Array(batch);
  for (const s of stages) {
    const c = (s.copies ?? 1) * replicas;
    const once = fresh ? s.firstMs ?? 0 : 0;
    for (let j = 0; j < batch; j++) {
      const free = j >= c ? cur[j - c]! : 0;
      cur[j] = max(prev[j]!, free) + s.ms + (j < c ? once : 0);
    }
    [prev, cur] = [cur, prev];
  }
  let end = 0;
  for (let j = 0; j < batch; j++) if (prev[j]! > end) end = prev[j]!;
  return end;
}

/** A plan priced by a cost model: per-stage costs and the pipeline's figures for a batch. */
export interface PlanEvaluation extends PipelineTimes {
  readonly cuts: readonly number[];
  readonly segments: readonly SegmentCost[];
}

/** The first breach of the plan contract (cuts strictly increasing inside 1..n-1), or undefined. */
export type CutFault =
  | { readonly kind: 'range'; readonly index: number; readonly cut: number }
  | { readonly kind: 'order'; readonly index: number; readonly cut: number; readonly previous: number };

export function cutFault(n: number, cuts: readonly number[]): CutFault | undefined {
  for (let i = 0; i < cuts.length; i++) {
    const c = cuts[i]!;
    if (!isInteger(c) || c < 1 || c > n - 1) return { kind: 'range', index: i, cut: c };
    if (i > 0 && c <= cuts[i - 1]!) return { kind: 'order', index: i, cut: c, previous: cuts[i - 1]! };
  }
  return undefined;
}

/** Checks the plan contract: cuts strictly increasing inside 1..n-1 (so no segment is empty). */
export function checkCuts(n: number, cuts: readonly number[]): E.Either<TpusegError, readonly number[]> {
  const f = cutFault(n, cuts);
  if (f === undefined) return E.right(cuts);
  return E.left(segmentInvalid(f.kind === 'range'
    ? `cut ${f.index} is ${f.cut}: cuts must be integers in 1..${n - 1} for a model of ${n} ops`
    : `cuts must increase strictly (cut ${f.index - 1} = ${f.previous}, cut ${f.index} = ${f.cut}): segment ${f.index} would be empty`));
}

/** Segment boundaries [start, end) of a plan over n ops. */
export const segmentRanges = (n: number, cuts: readonly number[]): [number, number][] =>
  [0, ...cuts].map((a, i) => [a, i < cuts.length ? cuts[i]! : n]);

/** Closed form of a B-input pipeline of stages that share nothing, from a plain runner start: (sum + (B - 1) x max) / B. */
export const batchMsPerInput = (stageMs: readonly number[], batch: number): number => {
  const sum = stageMs.reduce((s, x) => s + x, 0);
  const slowest = stageMs.reduce((m, x) => max(m, x), 0);
  return (sum + (batch - 1) * slowest) / batch;
};

/** Prices a plan. Invalid cuts are a defect of the caller here (validate user plans with `checkCuts`). */
export function evaluatePlan(model: CostModel, cuts: readonly number[], batch = 15): PlanEvaluation {
  const n = model.graph.ops.length;
  const checked = checkCuts(n, cuts);
  if (E.isLeft(checked)) throw new RangeError(checked.left._tag === 'SegmentInvalid' ? checked.left.message : 'invalid cuts');
  if (!(isInteger(batch) && batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  const segments = segmentRanges(n, cuts).map(([a, b], stage) => model.segment(a, b, stage));
  return { cuts: [...cuts], segments, ...pipelineTimes(segments, model.pipeline, batch) };
}
