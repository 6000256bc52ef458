import { summarize, type RowResult } from '../../src/calibrate/accuracy';

const row = (file: string, group: RowResult['group'], profile: string, relErr: number, offErr?: number): RowResult => ({
  file, group, label: 'x', spec: 's', cuts: [], batch: 1, profile, measuredMs: 1, predictedMs: 1 + relErr, relErr,
  predictedOnChipMiB: [0], predictedOffChipMiB: [0], ...(offErr !== undefined ? { offChipMiB: [0], offChipErrMiB: offErr } : {}),
});

describe('calibrate/accuracy', () => {
  describe('summarize', () => {
    it('should give median and p90 of the absolute errors and judge them against the group target', () => {
      const [s] = summarize([0.05, -0.08, 0.12, -0.01, 0.3].map((e) => row('a.csv', 'single', 'p', e)));
      expect(s!.rows).toBe(5);
      expect(s!.medianAbsRelErr).toBeCloseTo(0.08, 12);
      expect(s!.p90AbsRelErr).toBeCloseTo(0.12 + 0.6 * 0.18, 12);
      expect(s!.target).toBe(0.1);
      expect(s!.pass).toBe(true);
    });

    it('should hold multi-TPU files to 10% too and apply the off-chip target to single-TPU files only', () => {
      const [multi, single] = summarize([
        row('m.csv', 'multi', 'p', 0.14, 2), row('m.csv', 'multi', 'p', -0.14, 0),
        row('s.csv', 'single', 'p', 0.01, 0.4), row('s.csv', 'single', 'p', 0.01, 0.6),
      ]);
      expect(multi!.target).toBe(0.1);
      expect(multi!.pass).toBe(false);
      expect(multi!.offChip).toEqual({ medianErrMiB: 1, maxErrMiB: 2, within: 1 });
      expect(single!.offChip).toEqual({ medianErrMiB: 0.5, maxErrMiB: 0.6, within: 1, target: false });
    });

    it('should summarize a published table once per profile', () => {
      const s = summarize([row('p.csv', 'published', 'usb3', 0.2), row('p.csv', 'published', 'pcie', 0.05)]);
      expect(s.map((f) => [f.profile, f.pass])).toEqual([['usb3', false], ['pcie', true]]);
    });
  });
});
