import type { Objective, Problem } from '../../strategies/types';
import { SHARED, SHARED_COUNT, type CostModel } from '../../cost-models/types';
import { sharedBoundMs, steadyMs } from '../pipeline/evaluate';

/**
 * The objectives and their order. A plan's score is (primary, off-chip bytes, latency), compared
 * lexicographically and exactly: primary is the steady-state time per input (throughput): the
 * slowest stage, or a resource all stages share when their demands on it add up to more
 * (src/pipeline/evaluate.ts); the batch's time, sum (+ first invokes on a fresh runner) + (B-1) x
 * steady state (batch); or the sum of stage times (latency). Ties go to fewer off-chip bytes,
 * then to lower latency. Sums run left to right so every strategy computes bit-identical values
 * for one plan.
 */
export interface Score {
  readonly primary: number;
  readonly offChipBytes: number;
  readonly latencyMs: number;
  readonly bottleneckMs: number;
}

/**
 * The primary objective from the slowest stage, the sum of stage times, the largest shared-resource
 * bound (0 when the stages share nothing) and the one-time costs inside a batch.
 */
export function primaryOf(objective: Objective, maxMs: number, sumMs: number, sharedMs = 0, firstMs = 0): number {
  const steady = steadyMs(maxMs, sharedMs);
  switch (objective.kind) {
    case 'throughput':
      return steady;
    case 'batch':
      return sumMs + firstMs + (objective.batch - 1) * steady;
    case 'latency':
      return sumMs;
  }
}

export function scoreOf(objective: Objective, segmentMs: readonly number[], offChipBytes: number, sharedMs = 0, firstMs = 0): Score {
  let max = 0;
  let sum = 0;
  for (const ms of segmentMs) {
    sum += ms;
    if (ms > max) max = ms;
  }
  return { primary: primaryOf(objective, max, sum, sharedMs, firstMs), offChipBytes, latencyMs: sum, bottleneckMs: steadyMs(max, sharedMs) };
}

const demand = new Float64Array(SHARED_COUNT);

/**
 * The plan's shared-resource bound and one-time costs (both 0 for a cost model whose stages share
 * nothing): the largest of the summed interpreter-lock and shared-link demands and the summed
 * host CPU time over the host's cores; first invokes when a batch starts on a fresh runner.
 */
export function sharedOf(cost: CostModel, segments: readonly (readonly [number, number])[], objective: Objective): { sharedMs: number; firstMs: number } {
  let gil = 0;
  let link = 0;
  let cpu = 0;
  let first = 0;
  const withFirst = objective.kind === 'batch' && cost.pipeline?.freshRunner === true && cost.firstMs !== undefined;
  if (!cost.hasShared || !cost.sharedMs) {
    if (withFirst) segments.forEach(([a, b], i) => (first += cost.firstMs!(a, b, i)));
    return { sharedMs: 0, firstMs: first };
  }
  for (let i = 0; i < segments.length; i++) {
    const [a, b] = segments[i]!;
    cost.sharedMs(a, b, demand, i);
    gil += demand[SHARED.gil]!;
    link += demand[SHARED.link]!;
    cpu += demand[SHARED.hostCpu]!;
    if (withFirst) first += cost.firstMs!(a, b, i);
  }
  return { sharedMs: sharedBoundMs(gil, link, cpu, cost.pipeline?.hostCores ?? Infinity), firstMs: first };
}

/** Segment bounds of a plan: [start, end) pairs. */
export function segmentsOf(n: number, cuts: readonly number[]): [number, number][] {
  const bounds = [0, ...cuts, n];
  return cuts.concat([n]).map((_, i) => [bounds[i]!, bounds[i + 1]!]);
}

/** Full score of a plan (prices every segment with the cost model's breakdown). */
export function scorePlan(p: Problem, cuts: readonly number[]): Score {
  const ms: number[] = [];
  let off = 0;
  const segments = segmentsOf(p.n, cuts);
  for (let i = 0; i < segments.length; i++) {
    const [a, b] = segments[i]!;
    const s = p.cost.segment(a, b, i);
    ms.push(s.ms);
    off += s.offChipBytes;
  }
  const { sharedMs, firstMs } = sharedOf(p.cost, segments, p.objective);
  return scoreOf(p.objective, ms, off, sharedMs, firstMs);
}

export function compareScores(x: Score, y: Score): number {
  return x.primary - y.primary || x.offChipBytes - y.offChipBytes || x.latencyMs - y.latencyMs;
}

/**
 * Leximax order of stage times: the slowest stage first, then the next slowest, and so on.
 * Local searches use it below the primary objective to cross the plateaus of min-max: lowering
 * the second-slowest stage leaves the max unchanged but opens the next move.
 */
export function compareLeximax(x: readonly number[], y: readonly number[]): number {
  const xs = [...x].sort((a, b) => b - a);
  const ys = [...y].sort((a, b) => b - a);
  for (let i = 0; i < xs.length && i < ys.length; i++) {
    const d = xs[i]! - ys[i]!;
    if (d !== 0) return d;
  }
  return xs.length - ys.length;
}
