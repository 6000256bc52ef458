import type { CostModel } from '../../cost-models/types';

/**
 * A lower bound on segment time that grows with the range, for exact pruning: the compute of a
 * range (computeMs + cpuMs) as the sum of its ops' compute. It is a valid bound when the cost
 * model's compute is additive over ops and every other term of `ms` is non-negative, which holds
 * by construction for cost-models/edgetpu.ts (prefix sums; ms = fixed + compute + stream + in +
 * out + hop + cpu). Other models are checked on a fixed spread of ranges first; a model that
 * fails the check gets no bound, and its users fall back to unpruned search.
 * Returns prefix sums P with bound(a, b) = P[b] - P[a], or undefined.
 */
export function computeBound(cost: CostModel): Float64Array | undefined {
  const n = cost.graph.ops.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const s = cost.segment(i, i + 1);
    const c = s.computeMs + s.cpuMs;
    if (!(c >= 0) || c > s.ms) return undefined;
    prefix[i + 1] = prefix[i]! + c;
  }
  const samples = Math.min(64, (n * (n + 1)) / 2);
  for (let t = 0; t < samples; t++) {
    // A fixed low-discrepancy spread of ranges (golden-ratio steps), no generator needed.
    const a = Math.floor(((t * 0.6180339887) % 1) * n);
    const b = a + 1 + Math.floor(((t * 0.7548776662) % 1) * (n - a));
    const s = cost.segment(a, Math.min(b, n));
    const bound = prefix[Math.min(b, n)]! - prefix[a]!;
    const tolerance = 1e-9 * Math.max(1, Math.abs(bound));
    if (Math.abs(s.computeMs + s.cpuMs - bound) > tolerance || s.ms < bound - tolerance) return undefined;
  }
  return prefix;
}

/**
 * A cost model may offer its own bound: `lowerBoundMs(a, b)`, at most `segmentMs(a, b)` and never
 * decreasing as the range grows (not part of the CostModel interface; searchers look for it).
 * A model that knows its terms can bound more than compute (e.g. the parameters that cannot fit
 * on chip must stream), which lets dp prune streaming-bound graphs too.
 */
export type WithLowerBound = { readonly lowerBoundMs?: (a: number, b: number) => number };

/** The best available monotone lower bound of segment time, or undefined. */
export function segmentBound(cost: CostModel): ((a: number, b: number) => number) | undefined {
  const own = (cost as CostModel & WithLowerBound).lowerBoundMs;
  if (typeof own === 'function') return (a, b) => own.call(cost, a, b);
  const prefix = computeBound(cost);
  return prefix ? (a, b) => prefix[b]! - prefix[a]! : undefined;
}
