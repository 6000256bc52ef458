import type { Budget, Problem } from '../../strategies/types';
import { feasibleChains } from './problem';

/**
 * A plan with a low slowest stage, quickly: bisection on the bottleneck T, each probe a greedy
 * sweep that ends every segment at the last allowed position whose segment costs at most T. A
 * sweep scans ends while `bound` (a lower bound of the cost that grows with the range) stays within
 * T, or, without one, until the range has grown well past its last fit: O(n) prices per probe.
 * When the cost itself grows with the range the sweep decides exactly whether some plan stays
 * within T, so the plan is optimal to the relative `tolerance`; for any other cost it is just a
 * plan, never worse than `start`. Exact searchers use it as their incumbent.
 */
export function bottleneckPlan(p: Problem, start: readonly number[], budget: Budget, bound?: (a: number, b: number) => number, tolerance = 1e-3): number[] {
  const { n, tpus: k } = p;
  const chains = feasibleChains(p)!;
  const worst = (cuts: readonly number[]): number => {
    let m = 0;
    for (let j = 0, a = 0; j < k; j++) {
      const b = j < k - 1 ? cuts[j]! : n;
      const c = p.cost.segmentMs(a, b);
      if (c > m) m = c;
      a = b;
    }
    return m;
  };
  const sweep = (cap: number): number[] | undefined => {
    const cuts: number[] = [];
    let a = 0;
    for (let j = 0; j < k - 1; j++) {
      let end = -1;
      for (let b = Math.max(a + 1, chains.left[j]!); b <= chains.right[j]!; b++) {
        if (bound ? bound(a, b) > cap : end >= 0 && b - end > 16 + (end - a)) break;
        if (p.canCut[b] && p.cost.segmentMs(a, b) <= cap) end = b;
      }
      if (end < 0) return undefined;
      cuts.push(end);
      a = end;
    }
    return p.cost.segmentMs(a, n) <= cap ? cuts : undefined;
  };
  let best = [...start];
  let hi = worst(best);
  let lo = 0;
  while (hi - lo > tolerance * hi && !budget.expired()) {
    const mid = lo + (hi - lo) / 2;
    const cuts = sweep(mid);
    if (cuts) {
      best = cuts;
      hi = worst(cuts);
    } else lo = mid;
  }
  return best;
}
