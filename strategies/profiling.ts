import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { compilerCuts } from '../src/plan/fixed-splits';
import { segmentsOf } from '../src/search/objective';
import { segmentBound } from '../src/search/bound';
import { feasibleChains, projectPlan } from '../src/search/problem';
import { NonNegative, optionsCodec, PositiveInt } from './options';
import type { Problem, Strategy } from './types';

/**
 * profiling: libcoral's `partition_with_profiling` (coral/tools/partitioner,
 * ProfilingBasedPartitioner), with the cost model standing in for compile + run on the TPUs.
 *
 * Algorithm, in libcoral's terms:
 *   1. Start from the parameter-based (compiler) partition; measure its segments. The target
 *      latency is searched in [lower, upper] = [fastest, slowest] segment latency.
 *   2. While upper - lower > diff_threshold: target = (lower + upper) / 2; partition greedily:
 *      segment 0 takes as many ops as it can (leaving one per later segment) and backs off by
 *      `partition_search_step` ops until its latency <= target, then segment 1 from there, ...;
 *      the last segment takes the rest. The partition is feasible when the LAST segment's
 *      latency <= target (only that one is checked): then upper = target, else lower = target.
 *   3. The answer is the partition of the last feasible target; when no probe was feasible, the
 *      compiler's partition, which meets the initial upper bound by construction.
 * Latency is cached by (first op, op count); every cache miss is one compile + measure probe
 * on hardware, reported as `probes`. Backing off, we skip at once the lengths whose monotone lower
 * bound of the cost (src/search/bound.ts) already exceeds the target: they fail the check, so the
 * plans are libcoral's, but `probes` counts only the segments priced (libcoral measures those too).
 *
 * Our choices where libcoral has no counterpart: when no prefix meets the target, the segment
 * takes the shortest allowed length; cut positions the constraints forbid are skipped while
 * backing off (libcoral has no constraints).
 * Complexity: O(log((upper - lower) / threshold) * n / step) probes at worst; with a bound, about
 * the lengths between the bound's limit and the target's per segment. Optimality: none.
 */

export interface ProfilingOptions {
  searchStep: number;
  diffThresholdMs: number;
}

/** The options' codecs and defaults (balanced starts from this strategy and takes the same ones). */
export const profilingProps = { searchStep: PositiveInt, diffThresholdMs: NonNegative as t.Type<number, number, unknown> };
export const profilingDefaults: ProfilingOptions = { searchStep: 1, diffThresholdMs: 1 };

function partition(p: Problem, target: number, step: number, latency: (a: number, count: number) => number, bound?: (a: number, b: number) => number): { cuts: number[]; feasible: boolean } {
  const { n, tpus: k } = p;
  const chains = feasibleChains(p)!;
  const cuts: number[] = [];
  let start = 0;
  for (let i = 0; i < k - 1; i++) {
    const lo = Math.max(start + 1, chains.left[i]!);
    const hi = chains.right[i]!;
    const allowed = (end: number): boolean => end >= lo && end <= hi && p.canCut[end] === 1;
    let chosen = -1;
    let from = hi - start;
    if (bound && from > 0) {
      // Counts whose lower bound exceeds the target fail the check: back off past them at once
      // (the bound grows with the count), staying on the same steps from the top.
      let fit = 0;
      let top = from;
      while (fit < top) {
        const mid = (fit + top + 1) >>> 1;
        if (bound(start, start + mid) <= target) fit = mid;
        else top = mid - 1;
      }
      from -= Math.ceil((from - fit) / step) * step;
    }
    for (let count = from; count > 0; count -= step) {
      if (allowed(start + count) && latency(start, count) <= target) {
        chosen = start + count;
        break;
      }
    }
    if (chosen < 0) {
      for (let end = lo; end <= hi && chosen < 0; end++) if (allowed(end)) chosen = end;
      if (chosen < 0) return { cuts, feasible: false };
    }
    cuts.push(chosen);
    start = chosen;
  }
  return { cuts, feasible: latency(start, n - start) <= target };
}

export const strategy: Strategy<ProfilingOptions> = {
  name: 'profiling',
  description: "libcoral's partition_with_profiling: bisection on a target latency, greedy longest prefixes (Segm_Prof)",
  options: optionsCodec('profiling', profilingProps, profilingDefaults),
  search(p, o, _rng, budget) {
    const { n, tpus: k } = p;
    if (k === 1) return E.right({ cuts: [], stats: { probes: 1, bisections: 0 } });
    const cache = new Map<number, number>();
    const latency = (a: number, count: number): number => {
      const key = a * (n + 1) + count;
      let v = cache.get(key);
      if (v === undefined) cache.set(key, (v = p.cost.segmentMs(a, a + count)));
      return v;
    };

    const raw = segmentBound(p.cost);
    const bound = raw && ((a: number, b: number) => raw(a, b) * (1 - 1e-9) - 1e-12);

    // 1. Bounds from the compiler's partition (projected onto the constraints, if any).
    const split = compilerCuts(p.graph, k);
    if (E.isLeft(split)) return split;
    const initial = projectPlan(p, split.right);
    const times = segmentsOf(n, initial).map(([a, b]) => latency(a, b - a));
    let lower = Math.min(...times);
    let upper = Math.max(...times);

    // 2. Bisection on the target latency.
    let best: number[] | undefined;
    let bisections = 0;
    while (upper - lower > o.diffThresholdMs && !budget.expired()) {
      const target = (lower + upper) / 2;
      const probe = partition(p, target, o.searchStep, latency, bound);
      bisections++;
      if (probe.feasible && probe.cuts.length === k - 1) {
        upper = target;
        best = probe.cuts;
      } else {
        lower = target;
      }
    }

    // 3. The last feasible partition; the compiler's own (which meets the initial upper bound) if none was.
    return E.right({ cuts: best ?? initial, stats: { probes: cache.size, bisections } });
  },
};
