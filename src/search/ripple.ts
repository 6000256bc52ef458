import type { Problem } from '../../strategies/types';
import { segmentBound } from './bound';

/**
 * Ripple moves: relieve the slowest stage by moving one of its boundaries inwards, and let the
 * neighbours pass the extra ops along: each neighbour that reaches the old maximum M moves its
 * far boundary by the fewest ops that bring it back under M, and so on down the chain, until a
 * stage absorbs the ops below M or the chain hits the end of the model (the move fails).
 * A chain of single-boundary moves taken as one step: it escapes the local optima of
 * coordinate descent where the slowest stage cannot shrink because its neighbour is nearly as
 * slow. Positions are tried nearest first; cost O(n) prices per chain.
 */

const allowed = (p: Problem, cut: number, x: number): boolean => x >= p.cutLo[cut]! && x <= p.cutHi[cut]! && p.canCut[x] === 1;

/** Segment `s` of the bounds [0, ...cuts, n]; side 'left' moves its start right, 'right' its end left. */
export function relieve(p: Problem, cuts: readonly number[], s: number, side: 'left' | 'right', maxMs: number): number[] | undefined {
  // Bounds index i is segment i: priced at its own position.
  const ms = (a: number, b: number, i = 0): number => p.cost.segmentMs(a, b, i);
  const k = p.tpus;
  if ((side === 'left' && s === 0) || (side === 'right' && s === k - 1)) return undefined;
  const bounds = [0, ...cuts, p.n];
  // A start x (end x) whose segment's lower bound is at least maxMs cannot bring the segment under
  // it; the bound falls as the start moves right (rises as the end moves right), so the scans
  // below begin past those positions, found by bisection: the same positions found, fewer prices.
  const raw = segmentBound(p.cost);
  const bound = raw && ((a: number, b: number): number => raw(a, b) * (1 - 1e-9) - 1e-12);
  const firstStart = (lo: number, hi: number, end: number): number => {
    if (!bound) return lo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bound(mid, end) >= maxMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lastEnd = (lo: number, hi: number, start: number): number => {
    if (!bound) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (bound(start, mid) >= maxMs) hi = mid - 1;
      else lo = mid;
    }
    return lo;
  };
  const start = bounds[s]!;
  const end = bounds[s + 1]!;
  for (let d = 1; d < end - start; d++) {
    const b = bounds.slice();
    if (side === 'left') {
      b[s] = start + d;
      if (!allowed(p, s - 1, b[s]!) || ms(b[s]!, end, s) >= maxMs) continue;
      // Segment i grew at its end: shrink it from its start, pushing ops into segment i - 1.
      let ok = true;
      for (let i = s - 1; ok && ms(b[i]!, b[i + 1]!, i) >= maxMs; i--) {
        ok = false;
        if (i === 0) break;
        for (let x = firstStart(b[i]! + 1, b[i + 1]!, b[i + 1]!); x < b[i + 1]!; x++) {
          if (allowed(p, i - 1, x) && ms(x, b[i + 1]!, i) < maxMs) {
            b[i] = x;
            ok = true;
            break;
          }
        }
      }
      if (ok) return b.slice(1, -1);
    } else {
      b[s + 1] = end - d;
      if (!allowed(p, s, b[s + 1]!) || ms(start, b[s + 1]!, s) >= maxMs) continue;
      // Segment i grew at its start: shrink it from its end, pushing ops into segment i + 1.
      let ok = true;
      for (let i = s + 1; ok && ms(b[i]!, b[i + 1]!, i) >= maxMs; i++) {
        ok = false;
        if (i === k - 1) break;
        for (let x = lastEnd(b[i]!, b[i + 1]! - 1, b[i]!); x > b[i]!; x--) {
          if (allowed(p, i, x) && ms(b[i]!, x, i) < maxMs) {
            b[i + 1] = x;
            ok = true;
            break;
          }
        }
      }
      if (ok) return b.slice(1, -1);
    }
  }
  return undefined;
}

/**
 * Push move: put cut j at position c anywhere in the model, pushing the cuts it passes to the
 * nearest allowed positions beyond it (one op per segment at least). Undefined when the pushed
 * cuts do not fit. Reaches plans where one stage grows across several neighbours at once, which
 * non-monotone costs need (a longer segment can be faster when it ends on a small activation).
 */
export function push(p: Problem, cuts: readonly number[], j: number, c: number): number[] | undefined {
  if (!allowed(p, j, c) || c <= 0 || c >= p.n) return undefined;
  const next = cuts.slice();
  next[j] = c;
  for (let i = j + 1; i < next.length && next[i]! <= next[i - 1]!; i++) {
    let x = next[i - 1]! + 1;
    while (x < p.n && !allowed(p, i, x)) x++;
    if (x >= p.n) return undefined;
    next[i] = x;
  }
  for (let i = j - 1; i >= 0 && next[i]! >= next[i + 1]!; i--) {
    let x = next[i + 1]! - 1;
    while (x > 0 && !allowed(p, i, x)) x--;
    if (x <= 0) return undefined;
    next[i] = x;
  }
  return next;
}
