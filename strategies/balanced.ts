import * as E from 'fp-ts/Either';
import { rangeIndex } from '../src/graph/cuts';
import { compareLeximax, primaryOf, scorePlan, segmentsOf } from '../src/search/objective';
import { cutRange, projectPlan } from '../src/search/problem';
import { optionsCodec } from './options';
import type { Problem, Strategy } from './types';

/**
 * balanced: Segm_Balanced of Villarrubia, Costero, Igual & Olcoz, "Balanced segmentation of
 * CNNs for multi-TPU inference" (J. Supercomputing 2025, arXiv 2503.01035), as we read its
 * public outline (domain.md section 2). Our reading, step by step:
 *   1. Depth-aware start: a "block boundary" is a cut position crossed by exactly one tensor
 *      (between residual / dense / inception blocks of a CNN; every position of a chain). Cut at
 *      the block boundaries whose prefix parameter bytes are nearest to i/N of the total.
 *   2. Workload balancing: repeatedly shrink the slowest stage by moving one of its boundaries
 *      to the neighbouring block boundary (or by one op when no block boundary is in reach),
 *      taking the move that most lowers (objective, leximax of stage times); stop when none does.
 *   3. Off-chip refinement: while some segment streams parameters, move its first or last op to
 *      the neighbour when that lowers the total off-chip bytes without raising the objective.
 * Complexity: O(n) for step 1; O(n) moves of O(k) prices each for steps 2 and 3.
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

function balance(p: Problem, cuts: number[], blocks: Uint8Array): number {
  const { n, tpus: k, objective } = p;
  const stageMs = (plan: readonly number[]): number[] => segmentsOf(n, plan).map(([a, b]) => p.cost.segmentMs(a, b));
  const primary = (ms: readonly number[]): number => primaryOf(objective, Math.max(...ms), ms.reduce((s, v) => s + v, 0));
  let ms = stageMs(cuts);
  let moves = 0;
  for (let guard = 0; guard < 4 * n; guard++) {
    const slow = ms.indexOf(Math.max(...ms));
    const options: [number, number][] = [];
    const reach = (j: number, dir: 1 | -1): void => {
      const [lo, hi] = cutRange(p, cuts, j);
      let c = cuts[j]! + dir;
      while (c >= lo && c <= hi && !blocks[c]) c += dir;
      if (c < lo || c > hi) c = cuts[j]! + dir;
      if (c >= lo && c <= hi && p.canCut[c]) options.push([j, c]);
    };
    if (slow > 0) reach(slow - 1, 1);
    if (slow < k - 1) reach(slow, -1);
    let best: { plan: number[]; ms: number[] } | undefined;
    for (const [j, c] of options) {
      const plan = cuts.slice();
      plan[j] = c;
      const m = stageMs(plan);
      const ref = best?.ms ?? ms;
      if (primary(m) - primary(ref) < 0 || (primary(m) === primary(ref) && compareLeximax(m, ref) < 0)) best = { plan, ms: m };
    }
    if (!best) break;
    cuts.splice(0, cuts.length, ...best.plan);
    ms = best.ms;
    moves++;
  }
  return moves;
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
  search(p) {
    if (p.tpus === 1) return E.right({ cuts: [] });
    const { cuts, blocks } = initial(p);
    const balanceMoves = balance(p, cuts, blocks);
    const offChipMoves = offChipRefine(p, cuts);
    return E.right({ cuts, stats: { balanceMoves, offChipMoves } });
  },
};
