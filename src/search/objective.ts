import type { Objective, Problem } from '../../strategies/types';

/**
 * The objectives and their order. A plan's score is (primary, off-chip bytes, latency), compared
 * lexicographically and exactly: primary is the slowest stage (throughput), sum + (B-1) * max
 * (batch) or the sum of stage times (latency); ties go to fewer off-chip bytes, then to lower
 * latency. Sums run left to right so every strategy computes bit-identical values for one plan.
 */
export interface Score {
  readonly primary: number;
  readonly offChipBytes: number;
  readonly latencyMs: number;
  readonly bottleneckMs: number;
}

export function primaryOf(objective: Objective, maxMs: number, sumMs: number): number {
  switch (objective.kind) {
    case 'throughput':
      return maxMs;
    case 'batch':
      return sumMs + (objective.batch - 1) * maxMs;
    case 'latency':
      return sumMs;
  }
}

export function scoreOf(objective: Objective, segmentMs: readonly number[], offChipBytes: number): Score {
  let max = 0;
  let sum = 0;
  for (const ms of segmentMs) {
    sum += ms;
    if (ms > max) max = ms;
  }
  return { primary: primaryOf(objective, max, sum), offChipBytes, latencyMs: sum, bottleneckMs: max };
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
  for (const [a, b] of segmentsOf(p.n, cuts)) {
    const s = p.cost.segment(a, b);
    ms.push(s.ms);
    off += s.offChipBytes;
  }
  return scoreOf(p.objective, ms, off);
}

/** Primary objective only, from `segmentMs` (the hot path). */
export function primaryPlan(p: Problem, cuts: readonly number[]): number {
  let max = 0;
  let sum = 0;
  for (const [a, b] of segmentsOf(p.n, cuts)) {
    const ms = p.cost.segmentMs(a, b);
    sum += ms;
    if (ms > max) max = ms;
  }
  return primaryOf(p.objective, max, sum);
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
