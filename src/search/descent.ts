import type { Budget, Problem } from '../../strategies/types';
import { compareLeximax, primaryOf, segmentsOf } from './objective';
import { cutRange } from './problem';
import { push, relieve } from './ripple';

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

export function coordinateDescent(p: Problem, start: readonly number[], budget: Budget, maxSweeps = Infinity): DescentResult {
  const { n, tpus: k, objective } = p;
  const cuts = [...start];
  if (k === 1) return { cuts, sweeps: 0, moves: 0 };
  const stage = segmentsOf(n, cuts).map(([a, b], i) => p.cost.segmentMs(a, b, i));
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
  const off = (a: number, c: number, b: number, j: number): number => p.cost.segment(a, c, j).offChipBytes + p.cost.segment(c, b, j + 1).offChipBytes;

  let sweeps = 0;
  let moves = 0;
  for (let improved = true; improved && sweeps < maxSweeps && !budget.expired(); ) {
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
        cand[j] = p.cost.segmentMs(a, c, j);
        cand[j + 1] = p.cost.segmentMs(c, b, j + 1);
        const pr = primary(cand);
        let d = pr - bestPrimary || compareLeximax(cand, bestMs);
        if (d === 0) {
          if (bestOff < 0) bestOff = off(a, best, b, j);
          d = off(a, c, b, j) - bestOff || latency(cand) - latency(bestMs);
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

/**
 * Coordinate descent alternated with ripple moves on the slowest stages and, when those fail,
 * the best push move of any cut (src/search/ripple.ts), until none improves (primary, leximax of stage times). Every accepted step strictly lowers
 * that order, so it ends; the latency objective (a plain sum) needs no ripples.
 */
export function refine(p: Problem, start: readonly number[], budget: Budget): DescentResult & { ripples: number } {
  let r = coordinateDescent(p, start, budget);
  let sweeps = r.sweeps;
  let moves = r.moves;
  let ripples = 0;
  const stages = (cuts: readonly number[]): number[] => segmentsOf(p.n, cuts).map(([a, b], i) => p.cost.segmentMs(a, b, i));
  const primary = (ms: readonly number[]): number => primaryOf(p.objective, Math.max(...ms), ms.reduce((s, v) => s + v, 0));
  // Stage times of `plan`, re-pricing only the segments whose bounds differ from `base`.
  const restage = (base: readonly number[], baseMs: readonly number[], plan: readonly number[]): number[] =>
    baseMs.map((v, i) => {
      const a = i === 0 ? 0 : plan[i - 1]!;
      const b = i === plan.length ? p.n : plan[i]!;
      const same = (i === 0 || base[i - 1] === a) && (i === plan.length || base[i] === b);
      return same ? v : p.cost.segmentMs(a, b, i);
    });
  while (p.objective.kind !== 'latency' && p.tpus > 1 && !budget.expired()) {
    const ms = stages(r.cuts);
    const max = Math.max(...ms);
    let next: number[] | undefined;
    for (let s = 0; s < p.tpus && !next; s++) {
      if (ms[s] !== max) continue;
      for (const side of ['left', 'right'] as const) {
        const plan = relieve(p, r.cuts, s, side, max);
        if (!plan) continue;
        const m = stages(plan);
        if (primary(m) < primary(ms) || (primary(m) === primary(ms) && compareLeximax(m, ms) < 0)) {
          next = plan;
          break;
        }
      }
    }
    for (let j = 0; j < p.tpus - 1 && !next; j++) {
      let best = ms;
      for (let c = 1; c < p.n; c++) {
        if (c === r.cuts[j]) continue;
        const plan = push(p, r.cuts, j, c);
        if (!plan) continue;
        const m = restage(r.cuts, ms, plan);
        if (primary(m) < primary(best) || (primary(m) === primary(best) && compareLeximax(m, best) < 0)) {
          next = plan;
          best = m;
        }
      }
    }
    if (!next) break;
    ripples++;
    r = coordinateDescent(p, next, budget);
    sweeps += r.sweeps;
    moves += r.moves;
  }
  return { cuts: r.cuts, sweeps, moves, ripples };
}
