import * as E from 'fp-ts/Either';
import { refine } from '../src/search/descent';
import { compareScores, scorePlan, segmentsOf } from '../src/search/objective';
import { cutRange } from '../src/search/problem';
import { optionsCodec } from './options';
import { profilingDefaults, profilingProps, strategy as profiling, type ProfilingOptions } from './profiling';
import type { Problem, Strategy } from './types';

/**
 * balanced: Segm_Balanced of Villarrubia, Costero, Igual & Olcoz, "Balanced segmentation of
 * CNNs for multi-TPU inference" (J. Supercomputing 2025, arXiv 2503.01035). The abstract says the
 * method departs from the profiling-based segmentation and refines it to balance the workload
 * across TPUs and to reduce host memory use; the steps below are our reading of that outline (domain.md section 2):
 *   1. Start: the plan of libcoral's profiling partitioner (our `profiling`, same options).
 *   2. Workload balancing: move boundaries between neighbouring stages while that lowers
 *      (objective, leximax of stage times): each cut to its best position in turn, ripple moves
 *      that shrink the slowest stage and pass ops along its neighbours, and push moves
 *      (src/search/descent.ts `refine`).
 *   3. Host-memory refinement: while some segment streams parameters, move its first or last op
 *      to a neighbour when that lowers the total off-chip bytes without raising the objective.
 * Each refinement is kept only when the plan's score (objective, then off-chip bytes, then
 * latency) does not get worse, so balanced is never worse than profiling on the same cost model
 * and objective.
 * Complexity: profiling's probes, then O(n) prices per sweep of step 2 and O(n) moves of O(N)
 * prices in step 3. Optimality: none (a local optimum of its moves, no worse than its start).
 */

/**
 * Step 3: moves one edge op of a segment that streams parameters to its neighbour while that
 * lowers the total off-chip bytes and does not raise the objective; returns the number of moves.
 */
function offChipRefine(p: Problem, cuts: number[]): number {
  let score = scorePlan(p, cuts);
  let moves = 0;
  for (let guard = 0; guard < 4 * p.n && score.offChipBytes > 0; guard++) {
    let improved = false;
    for (let s = 0; s < p.tpus && !improved; s++) {
      const [a, b] = segmentsOf(p.n, cuts)[s]!;
      if (p.cost.segment(a, b).offChipBytes === 0) continue;
      const tries: [number, number][] = [];
      if (s > 0) tries.push([s - 1, cuts[s - 1]! + 1]);
      if (s < p.tpus - 1) tries.push([s, cuts[s]! - 1]);
      for (const [j, c] of tries) {
        const [lo, hi] = cutRange(p, cuts, j);
        if (c < lo || c > hi || !p.canCut[c]) continue;
        const plan = cuts.slice();
        plan[j] = c;
        const next = scorePlan(p, plan);
        if (next.primary <= score.primary && next.offChipBytes < score.offChipBytes) {
          cuts[j] = c;
          score = next;
          improved = true;
          moves++;
          break;
        }
      }
    }
    if (!improved) break;
  }
  return moves;
}

export const strategy: Strategy<ProfilingOptions> = {
  name: 'balanced',
  description: "Segm_Balanced: the profiling partitioner's plan, then stage balancing and host-memory refinement, each kept only if no worse",
  options: optionsCodec('balanced', profilingProps, profilingDefaults),
  search(p, o, rng, budget, task) {
    if (p.tpus === 1) return E.right({ cuts: [] });
    const start = profiling.search(p, o, rng, budget, task);
    if (E.isLeft(start)) return start;
    let cuts = [...start.right.cuts];
    const first = scorePlan(p, cuts);
    let score = first;
    const keep = (plan: readonly number[]): boolean => {
      const next = scorePlan(p, plan);
      if (compareScores(next, score) > 0) return false;
      cuts = [...plan];
      score = next;
      return true;
    };
    const balanced = refine(p, cuts, budget);
    const kept = keep(balanced.cuts);
    const refined = [...cuts];
    const offChipMoves = offChipRefine(p, refined);
    keep(refined);
    return E.right({
      cuts,
      stats: {
        probes: start.right.stats?.['probes'] ?? 0,
        balanceMoves: kept ? balanced.moves + balanced.ripples : 0,
        offChipMoves,
        gainPercent: first.primary > 0 ? (100 * (first.primary - score.primary)) / first.primary : 0,
      },
    });
  },
};
