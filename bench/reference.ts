/**
 * The yardstick for dp: the textbook min-max DP over a precomputed cost matrix, plain JavaScript
 * over typed arrays, nothing pruned: F[j][b] = min over a < b of max(F[j-1][a], cost(a, b)) for
 * every segment j and end b, O(k n^2) steps of a compare and a max. Pricing the matrix is not
 * part of its time: it measures how fast a search that has every price at hand can be.
 */

/** cost(a, b) at matrix[b * (n + 1) + a], for 0 <= a < b <= n. */
export function priceMatrix(n: number, price: (a: number, b: number) => number): Float64Array {
  const m = new Float64Array((n + 1) * (n + 1));
  for (let b = 1; b <= n; b++) for (let a = 0; a < b; a++) m[b * (n + 1) + a] = price(a, b);
  return m;
}

/** The least slowest stage over the cuts of n ops into k non-empty segments. */
export function referenceMinMax(matrix: Float64Array, n: number, k: number): number {
  const W = n + 1;
  let prev = new Float64Array(W).fill(Infinity);
  let cur = new Float64Array(W);
  prev[0] = 0;
  for (let j = 0; j < k; j++) {
    cur.fill(Infinity);
    for (let b = j + 1; b <= n; b++) {
      const row = b * W;
      let best = Infinity;
      for (let a = j; a < b; a++) {
        const p = prev[a]!;
        const c = matrix[row + a]!;
        const v = p > c ? p : c;
        if (v < best) best = v;
      }
      cur[b] = best;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n]!;
}
