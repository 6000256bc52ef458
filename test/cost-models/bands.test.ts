import * as E from 'fp-ts/Either';
import { bandFor, familyOf, profileBands, regimeKey, regimeOf } from '../../cost-models/bands';
import { loadProfile, type CostProfile } from '../../cost-models';
import { bandsOf, withBorrowed } from '../../src/calibrate/bands';
import type { CalibrationCase } from '../../src/calibrate/cases';
import { predictCase } from '../../src/calibrate/predict';
import { synthModel } from '../../src/zoo/synth';

const usb3 = (): CostProfile => {
  const p = loadProfile('edgetpu-usb3');
  if (E.isLeft(p)) throw new Error('profile');
  return p.right;
};

describe('cost-models/bands', () => {
  it('should name a regime by stage count, dominant layer kind and whether parameters stream', () => {
    const conv = synthModel('synth:conv?filters=8&layers=2&size=8');
    const fc = synthModel('synth:fc?neurons=64&layers=2');
    if (E.isLeft(conv) || E.isLeft(fc)) throw new Error('model');
    expect([familyOf(conv.right), familyOf(fc.right)]).toEqual(['conv', 'fc']);
    expect(regimeKey(regimeOf(conv.right, [{ offChipBytes: 0 }]))).toBe('single/conv/on-chip');
    expect(regimeKey(regimeOf(fc.right, [{ offChipBytes: 0 }, { offChipBytes: 1 }]))).toBe('pipeline/fc/streaming');
  });

  it('should give the 10th and 90th percentiles of measured / predicted per regime, and borrow the regimes a profile lacks', () => {
    const profile = usb3();
    const conv = synthModel('synth:conv?filters=8&layers=2&size=8');
    if (E.isLeft(conv)) throw new Error('model');
    const predicted = predictCase({ file: 'f', group: 'single', label: 'x', spec: 's', graph: conv.right, cuts: [], batch: 1, measuredMs: 1 }, profile).ms;
    // Five rows measured at 0.8, 0.9, 1.0, 1.1 and 1.2 times the prediction: R type-7 quantiles 0.84 and 1.16.
    const cases: CalibrationCase[] = [0.8, 0.9, 1.0, 1.1, 1.2].map((r, i) => ({
      file: 'f.csv', group: 'single', label: `x=${i}`, spec: 's', graph: conv.right, cuts: [], batch: 1, measuredMs: r * predicted,
    }));
    const own = bandsOf(cases, profile);
    expect(Object.keys(own)).toEqual(['single/conv/on-chip']);
    expect(own['single/conv/on-chip']!.lo).toBeCloseTo(0.84, 4);
    expect(own['single/conv/on-chip']!.hi).toBeCloseTo(1.16, 4);
    expect(own['single/conv/on-chip']!).toMatchObject({ rows: 5, from: 'edgetpu-usb3' });
    const lent = { 'pipeline/conv/on-chip': { lo: 0.9, hi: 1.1, rows: 40, from: 'bench' }, 'single/conv/on-chip': { lo: 0.5, hi: 2, rows: 9, from: 'bench' } };
    const all = withBorrowed(own, lent);
    expect(all['single/conv/on-chip']!.from).toBe('edgetpu-usb3');
    expect(all['pipeline/conv/on-chip']!.from).toBe('bench');
    const p: CostProfile = { ...profile, calibration: { bands: all } };
    expect(bandFor(p, { stages: 'pipeline', family: 'conv', residency: 'on-chip' })!.rows).toBe(40);
    expect(bandFor(p, { stages: 'pipeline', family: 'fc', residency: 'on-chip' })).toBeUndefined();
    expect(Object.keys(profileBands({ ...profile, calibration: { bands: { x: { lo: -1 } } } }))).toEqual([]);
  });

  it('should give every built-in profile a band in every regime (its own rows, or borrowed from the bench)', () => {
    for (const name of ['edgetpu-usb3', 'edgetpu-pcie', 'edgetpu-ucm-bench']) {
      const p = loadProfile(name);
      if (E.isLeft(p)) throw new Error(name);
      expect([name, Object.keys(profileBands(p.right)).length]).toEqual([name, 8]);
    }
  });
});
