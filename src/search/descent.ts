import type { Budget, Problem } from '../../strategies/types';
import { compareLeximax, primaryOf, segmentsOf } from './objective';
import { cutRange } from './problem';

/**
 * Coordinate descent over cut positions: for each cut in turn, move it to its best position
 * between its neighbours (all else fixed), and sweep until no cut moves. Candidates are ordered
 * by (primary objective, leximax of stage times, off-chip bytes, latency): leximax lets a move
 * lower the second-slowest stage when the slowest cannot move yet, which walks min-max plateaus.
 * Each sweep prices O(n) segments; every accepted move strictly lowers that order, so it ends.
 */
export interface DescentResult {
  readonly cuts: number[];
  readonly sweeps: number;
  readonly moves: number;
}

export function coordinateDescent(p: Problem, start: readonly number[], budget: Budget): DescentResult {
  const { n, tpus: k, objective } = p;
  const cuts = [...start];
  if (k === 1) return { cuts, sweeps: 0, moves: 0 };
  const stage = segmentsOf(n, cuts).map(([a, b]) => p.cost.segmentMs(a, b));
  const primary = (ms: readonly number[]): number => {
    let max = 0;
    let sum = 0;
    for (const v of ms) {
      sum += v;
      if (v > max) max = v;
    }
    return primaryOf(objective, max, sum);
  };
  const latency = (ms: readonly number[]): number => ms.reduce((s, v) => s + v, 0);
  const off = (a: number, c: number, b: number): number => p.cost.segment(a, c).offChipBytes + p.cost.segment(c, b).offChipBytes;

  let sweeps = 0;
  let moves = 0;
  for (let improved = true; improved && !budget.expired(); ) {
    improved = false;
    sweeps++;
    for (let j = 0; j < k - 1; j++) {
      const [lo, hi] = cutRange(p, cuts, j);
      const a = j === 0 ? 0 : cuts[j - 1]!;
      const b = j === k - 2 ? n : cuts[j + 1]!;
      let best = cuts[j]!;
      let bestMs = stage.slice();
      let bestPrimary = primary(bestMs);
      let bestOff = -1;
      const cand = stage.slice();
      for (let c = lo; c <= hi; c++) {
        if (c === best || !p.canCut[c]) continue;
        cand[j] = p.cost.segmentMs(a, c);
        cand[j + 1] = p.cost.segmentMs(c, b);
        const pr = primary(cand);
        let d = pr - bestPrimary || compareLeximax(cand, bestMs);
        if (d === 0) {
          if (bestOff < 0) bestOff = off(a, best, b);
          d = off(a, c, b) - bestOff || latency(cand) - latency(bestMs);
        }
        if (d < 0) {
          best = c;
          bestMs = cand.slice();
          bestPrimary = pr;
          bestOff = -1;
        }
      }
      if (best !== cuts[j]) {
        cuts[j] = best;
        stage[j] = bestMs[j]!;
        stage[j + 1] = bestMs[j + 1]!;
        moves++;
        improved = true;
      }
    }
  }
  return { cuts, sweeps, moves };
}
