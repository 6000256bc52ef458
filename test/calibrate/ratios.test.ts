import { ratioCheck } from '../../src/calibrate/ratios';
import type { RowResult } from '../../src/calibrate/accuracy';

const row = (spec: string, split: 'compiler' | 'profiling', measuredMs: number, predictedMs: number, tpus = 2, at = 1): RowResult => ({
  file: `${split}.csv`, group: 'multi', label: spec, spec, cuts: Array.from({ length: tpus - 1 }, (_, i) => i + (split === 'compiler' ? 1 : at)), split, batch: 100,
  profile: 'p', measuredMs, predictedMs, relErr: predictedMs / measuredMs - 1, predictedOnChipMiB: [], predictedOffChipMiB: [],
});

describe('calibrate/ratios', () => {
  it('should pair splits of one model and TPU count and judge the predicted speedup, not the two times', () => {
    const rows = [
      // Both times 20% low: the ratio is exact.
      row('a', 'compiler', 10, 8), row('a', 'profiling', 5, 4, 2, 2),
      // Measured 1.25x, predicted 1.5x: +20%, the faster split still picked.
      row('b', 'compiler', 10, 9), row('b', 'profiling', 8, 6, 2, 2),
      // Measured 0.8x (compiler faster), predicted 1.1x: picked the wrong way.
      row('c', 'compiler', 8, 11), row('c', 'profiling', 10, 10, 2, 2),
      // Within 5%: not counted for the pick.
      row('d', 'compiler', 10, 10), row('d', 'profiling', 9.8, 10, 2, 2),
      // The same cut timed twice, 10% apart: a ratio (the bench's spread), but no pick to make.
      row('e', 'compiler', 11, 10), row('e', 'profiling', 10, 10),
      // No compiler row on 3 TPUs: unpaired.
      row('a', 'profiling', 4, 4, 3),
    ];
    const r = ratioCheck(rows, 'profiling')!;
    expect(r.pairs.map((p) => [p.spec, p.tpus, p.sameSplit])).toEqual([['a', 2, false], ['b', 2, false], ['c', 2, false], ['d', 2, false], ['e', 2, true]]);
    expect(r.pairs.map((p) => p.predicted / p.measured - 1)).toEqual([
      expect.closeTo(0, 9), expect.closeTo(0.2, 9), expect.closeTo(0.375, 9), expect.closeTo(-0.02, 9), expect.closeTo(1 / 1.1 - 1, 9)]);
    expect([r.decided, r.wrongPicks]).toEqual([3, 1]);
    expect(r.medianAbsErr).toBeCloseTo(1 - 1 / 1.1, 9);
    expect(r.band.lo).toBeLessThan(1);
    expect(r.band.hi).toBeGreaterThanOrEqual(1);
    expect(ratioCheck(rows, 'fastest')).toBeUndefined();
  });
});
