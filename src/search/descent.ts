import type { Budget, Problem } from '../../strategies/types';
import { segmentBound } from './bound';
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
  // The primary is at least every stage, so a position where either new segment's lower bound
  // exceeds the best primary so far is never taken: the scan skips them (same plans, fewer prices).
  const bound = safeBound(p);

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
      let from = lo;
      if (bound) {
        // bound(c, b) does not increase with c: the first c within the best primary, by bisection.
        let top = hi + 1;
        while (from < top) {
          const mid = (from + top) >>> 1;
          if (bound(mid, b) > bestPrimary) from = mid + 1;
          else top = mid;
        }
      }
      for (let c = from; c <= hi; c++) {
        if (bound && bound(a, c) > bestPrimary) break;
        if (c === best || !p.canCut[c]) continue;
        cand[j] = p.cost.segmentMs(a, c, j);
        cand[j + 1] = p.cost.segmentMs(c, b, j + 1);
        const pr = primary(cand);
        // cand and bestMs differ in stages j and j + 1 only: their leximax order is that of the two pairs.
        let d = pr - bestPrimary || leximaxPair(cand[j]!, cand[j + 1]!, bestMs[j]!, bestMs[j + 1]!);
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
  const bound = safeBound(p);
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
      // Moving cut j right grows segment j from its fixed start, moving it left grows segment
      // j + 1 up to its fixed end: past the positions where the bound of that segment exceeds the
      // current primary, no push can be taken (the primary is at least every stage).
      let cLo = 1;
      let cHi = p.n - 1;
      if (bound) {
        const at = r.cuts[j]!;
        const a = j === 0 ? 0 : r.cuts[j - 1]!;
        const b = j === p.tpus - 2 ? p.n : r.cuts[j + 1]!;
        const limit = primary(ms);
        for (cHi = at; cHi + 1 < p.n && bound(a, cHi + 1) <= limit; cHi++);
        for (cLo = at; cLo - 1 > 0 && bound(cLo - 1, b) <= limit; cLo--);
      }
      for (let c = cLo; c <= cHi; c++) {
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

/**
 * The leximax order of two plans whose stage times differ only in one pair: (x1, x2) against
 * (y1, y2), the rest common. The largest time in one plan and not the other decides, so the
 * common stages cancel: compare the pairs' larger times, then their smaller ones.
 */
function leximaxPair(x1: number, x2: number, y1: number, y2: number): number {
  const xh = x1 > x2 ? x1 : x2;
  const yh = y1 > y2 ? y1 : y2;
  return xh - yh || (x1 > x2 ? x2 : x1) - (y1 > y2 ? y2 : y1);
}

/** The cost model's monotone lower bound, shrunk so that rounding never rules out a segment at the limit. */
function safeBound(p: Problem): ((a: number, b: number) => number) | undefined {
  const raw = segmentBound(p.cost);
  return raw && ((a, b) => raw(a, b) * (1 - 1e-9) - 1e-12);
}
