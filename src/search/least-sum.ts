import type { Budget, Problem } from '../../strategies/types';
import type { Band } from './band';

/**
 * A lower bound on the least latency (sum of segment costs) of the plans whose states all lie in
 * `band` and whose segments all have bound <= band.cap, pricing nothing: a dynamic program over
 * the bound instead of the cost, with the cut positions grouped into cells of `cell` positions.
 *
 * Why it is a lower bound. `bound(a, b)` <= cost(a, b) and never decreases as the range grows.
 * Per segment j and cell q, let lo and hi be the least and the largest position of the cell where
 * cut j may sit in the band. A plan whose cut j - 1 lies in cell q' and cut j in cell q has
 * segment j covering [hi(j - 1, q'), lo(j, q)) when that range is not empty, so its cost is at
 * least the bound of that range; when it is empty both cuts lie in cell q, and the segment holds
 * at least one op of that cell, so it costs at least the least bound of one op there (and cannot
 * happen unless cut j - 1 may sit before cut j in the cell). Each plan's
 * latency is therefore at least the sum of these per-cell bounds along its cells, and the dynamic
 * program takes the least such sum over every sequence of cells, which includes each plan's own.
 * A range whose bound exceeds the cap rules the segment out (its cost would too), and so does
 * every longer one, which ends the scan over the earlier cells. With cells of one position this is
 * the dynamic program over the bound itself.
 * Work O(S w / cell^2) bound evaluations for S states in the band and segments w positions long;
 * `ops` holds bound(i, i + 1) per op. Undefined when the budget expires.
 */
export function leastSumBound(p: Problem, band: Band, bound: (a: number, b: number) => number, ops: Float64Array, cell: number, budget: Budget): number | undefined {
  const { n, tpus: k } = p;
  const { cap, live, words } = band;
  if (k === 1) return bound(0, n) <= cap ? bound(0, n) : Infinity;
  const C = Math.floor(n / cell) + 1;
  // Per cut j < k - 1 and cell q: the least and largest positions where cut j may sit (lo > hi when none).
  const lo = new Int32Array((k - 1) * C).fill(n + 1);
  const hi = new Int32Array((k - 1) * C).fill(-1);
  const firstCell = new Int32Array(k - 1).fill(C);
  const lastCell = new Int32Array(k - 1).fill(-1);
  for (let j = 0; j < k - 1; j++) {
    const w = j >>> 5;
    const bit = 1 << (j & 31);
    for (let b = Math.max(1, band.first[j]!); b <= Math.min(n - 1, band.last[j]!); b++) {
      if ((live[b * words + w]! & bit) === 0) continue;
      const at = j * C + Math.floor(b / cell);
      if (b < lo[at]!) lo[at] = b;
      hi[at] = b;
    }
    for (let q = 0; q < C; q++) {
      if (hi[j * C + q]! < 0) continue;
      if (q < firstCell[j]!) firstCell[j] = q;
      lastCell[j] = q;
    }
  }
  // The least bound of one op per cell.
  const opMin = new Float64Array(C).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const q = Math.floor(i / cell);
    if (ops[i]! < opMin[q]!) opMin[q] = ops[i]!;
  }
  let prev = new Float64Array(C).fill(Infinity);
  let cur = new Float64Array(C).fill(Infinity);
  for (let q = firstCell[0]!; q <= lastCell[0]!; q++) {
    if (hi[q]! < 0) continue;
    const c = bound(0, lo[q]!);
    if (c <= cap) prev[q] = c;
  }
  for (let j = 1; j < k - 1; j++) {
    if (budget.expired()) return undefined;
    cur.fill(Infinity);
    const here = j * C;
    const there = (j - 1) * C;
    for (let q = firstCell[j]!; q <= lastCell[j]!; q++) {
      if (hi[here + q]! < 0) continue;
      const e = lo[here + q]!;
      let best = Infinity;
      for (let r = Math.min(q, lastCell[j - 1]!); r >= firstCell[j - 1]!; r--) {
        const s = hi[there + r]!;
        if (s < 0) continue;
        let c: number;
        if (s < e) {
          c = bound(s, e);
          if (c > cap) break;
        } else {
          // Both cuts in cell q: only when cut j - 1 may sit before cut j there.
          if (lo[there + q]! >= hi[here + q]!) continue;
          c = opMin[q]!;
          if (c > cap) continue;
        }
        const v = prev[r]! + c;
        if (v < best) best = v;
      }
      cur[q] = best;
    }
    [prev, cur] = [cur, prev];
  }
  let least = Infinity;
  const last = (k - 2) * C;
  for (let r = lastCell[k - 2]!; r >= firstCell[k - 2]!; r--) {
    const s = hi[last + r]!;
    if (s < 0) continue;
    const c = bound(s, n);
    if (c > cap) break;
    const v = prev[r]! + c;
    if (v < least) least = v;
  }
  return least;
}
