import * as E from 'fp-ts/Either';
import { rangeIndex } from '../src/graph/cuts';
import { refine } from '../src/search/descent';
import { scorePlan, segmentsOf } from '../src/search/objective';
import { cutRange, feasibleChains, projectPlan } from '../src/search/problem';
import { optionsCodec } from './options';
import type { Budget, Problem, Strategy } from './types';

/**
 * balanced: Segm_Balanced of Villarrubia, Costero, Igual & Olcoz, "Balanced segmentation of
 * CNNs for multi-TPU inference" (J. Supercomputing 2025, arXiv 2503.01035), as we read its
 * public outline (domain.md section 2). Our reading, step by step:
 *   1. Depth-aware start: a "block boundary" is a cut position crossed by exactly one tensor
 *      (between residual / dense / inception blocks of a CNN; every position of a chain). Cut at
 *      the block boundaries whose prefix parameter bytes are nearest to i/N of the total.
 *   2. Workload balancing: move boundaries between neighbours by whole blocks (cuts stay on
 *      block boundaries) while that lowers (objective, leximax of stage times): each boundary to
 *      its best block boundary in turn, and ripple moves that shrink the slowest stage and pass
 *      blocks along its neighbours.
 *   3. Off-chip refinement: while some segment streams parameters, move its first or last op to
 *      the neighbour when that lowers the total off-chip bytes without raising the objective.
 * Complexity: O(n) for step 1; O(n) prices per sweep of step 2; O(n) moves of O(k) prices for step 3.
 * Optimality: none (a local optimum of its moves).
 */

function initial(p: Problem): { cuts: number[]; blocks: Uint8Array } {
  const { n, tpus: k } = p;
  const index = rangeIndex(p.graph);
  const blocks = new Uint8Array(n + 1);
  const candidates: number[] = [];
  for (let c = 1; c < n; c++) {
    if (index.crossing(c).length === 1 && p.canCut[c]) {
      blocks[c] = 1;
      candidates.push(c);
    }
  }
  const total = index.paramBytes(0, n);
  const target = (j: number): number => ((j + 1) * total) / k;
  if (candidates.length < k - 1) {
    // Too few block boundaries: balance parameter bytes over all positions.
    const cuts: number[] = [];
    for (let j = 0, c = 1; j < k - 1; j++) {
      while (c < n - 1 && index.paramBytes(0, c) < target(j)) c++;
      cuts.push(c);
    }
    return { cuts: projectPlan(p, cuts), blocks };
  }
  const chosen: number[] = [];
  let from = 0;
  for (let j = 0; j < k - 1; j++) {
    const last = candidates.length - (k - 1 - j);
    let best = from;
    for (let i = from; i <= last; i++) {
      const d = Math.abs(index.paramBytes(0, candidates[i]!) - target(j));
      if (d < Math.abs(index.paramBytes(0, candidates[best]!) - target(j))) best = i;
    }
    chosen.push(candidates[best]!);
    from = best + 1;
  }
  return { cuts: projectPlan(p, chosen), blocks };
}

/**
 * Step 2 at block granularity: the cuts may only sit on block boundaries (when the constraints
 * still admit a plan that way), and each move shifts a boundary by whole blocks: coordinate
 * descent plus ripple moves between neighbours (src/search/descent.ts `refine`).
 */
function balance(p: Problem, cuts: number[], blocks: Uint8Array, budget: Budget): number {
  const canCut = p.canCut.map((v, c) => v & blocks[c]!);
  const coarse: Problem = { ...p, canCut };
  const q = feasibleChains(coarse) && cuts.every((c) => canCut[c]) ? coarse : p;
  const r = refine(q, cuts, budget);
  cuts.splice(0, cuts.length, ...r.cuts);
  return r.moves + r.ripples;
}

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

export const strategy: Strategy<Record<string, never>> = {
  name: 'balanced',
  description: 'Segm_Balanced as we read it: block-aware parameter split, stage balancing, off-chip refinement',
  options: optionsCodec('balanced', {}, {}),
  search(p, _o, _rng, budget) {
    if (p.tpus === 1) return E.right({ cuts: [] });
    const { cuts, blocks } = initial(p);
    const balanceMoves = balance(p, cuts, blocks, budget);
    const offChipMoves = offChipRefine(p, cuts);
    return E.right({ cuts, stats: { balanceMoves, offChipMoves } });
  },
};
