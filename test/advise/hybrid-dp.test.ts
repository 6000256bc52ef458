import { bestHybrids } from '../../src/advise/hybrid-dp';
import { segmentRanges } from '../../src/pipeline/evaluate';
import { allPlans } from '../search/fixtures';
import { boardCost } from './fixtures';

/** Every way to give k stages at least one TPU each, m in all. */
function* compositions(m: number, k: number): Generator<number[]> {
  if (k === 1) {
    yield [m];
    return;
  }
  for (let r = 1; r <= m - (k - 1); r++) for (const rest of compositions(m - r, k - 1)) yield [r, ...rest];
}

const slowest = (t: (a: number, b: number) => number, n: number, cuts: readonly number[], copies: readonly number[]): number =>
  Math.max(...segmentRanges(n, cuts).map(([a, b], i) => t(a, b) / copies[i]!));

describe('advise/hybrid-dp', () => {
  it('should find, for every number of stages and TPUs, the least slowest stage over every uneven plan (brute force)', () => {
    for (const [n, K, seed] of [[5, 4, 'a'], [6, 5, 'b'], [7, 5, 'c'], [8, 4, 'd'], [6, 6, 'e']] as const) {
      const cost = boardCost(n, seed);
      const t = (a: number, b: number): number => cost.segmentMs(a, b);
      const got = bestHybrids(cost, K);
      for (let k = 2; k < Math.min(K, n + 1); k++) {
        for (let m = k + 1; m <= K; m++) {
          let best = Infinity;
          for (const cuts of allPlans(n, k)) {
            for (const copies of compositions(m, k)) {
              if (copies.every((c) => c === copies[0])) continue;
              best = Math.min(best, slowest(t, n, cuts, copies));
            }
          }
          const h = got.find((x) => x.stages === k && x.tpus === m);
          expect([n, K, k, m, h?.slowestMs]).toEqual([n, K, k, m, best]);
          // The plan it returns is one such plan, and achieves the value.
          expect(h!.copies.reduce((s, c) => s + c, 0)).toBe(m);
          expect(h!.copies.every((c) => c === h!.copies[0])).toBe(false);
          expect(h!.cuts).toHaveLength(k - 1);
          expect(slowest(t, n, h!.cuts, h!.copies)).toBe(best);
        }
      }
    }
  });

  it('should give no hybrid on fewer than 3 TPUs', () => {
    expect(bestHybrids(boardCost(6, 'f'), 2)).toEqual([]);
  });
});
