import * as E from 'fp-ts/Either';
import { loadProfile, profileValues, withValues, type CostProfile, type ProfileValues } from '../../cost-models';
import type { CalibrationCase } from '../../src/calibrate/cases';
import { fitProfile, memoryLoss, timeLoss } from '../../src/calibrate/fit';
import { predictCase, predictMs } from '../../src/calibrate/predict';
import { layerCuts } from '../../src/plan/fixed-splits';
import { synthModel } from '../../src/zoo/synth';

const base = (): CostProfile => {
  const p = loadProfile('edgetpu-usb3');
  if (E.isLeft(p)) throw new Error('load');
  return p.right;
};

/** fc models measured by the model itself under `truth`: the fit must find `truth` again. */
function cases(truth: ProfileValues, neurons: readonly number[], outlier?: number): CalibrationCase[] {
  return neurons.flatMap((n, i) => {
    const g = synthModel(`synth:fc?neurons=${n}&layers=3`);
    if (E.isLeft(g)) throw new Error('model');
    return [1, 2].map((tpus) => {
      const cuts = tpus === 1 ? [] : (layerCuts(g.right, 2) as E.Right<number[]>).right;
      const c: CalibrationCase = { file: `fc-${tpus}tpu.csv`, group: tpus === 1 ? 'single' : 'multi', label: `N=${n}`, spec: '', graph: g.right, cuts, batch: tpus === 1 ? 1 : 50, measuredMs: 1 };
      const p = predictCase(c, truth);
      const ms = p.ms * (outlier === i && tpus === 1 ? 3 : 1);
      return { ...c, measuredMs: ms, onChipMiB: p.onChipMiB, offChipMiB: p.offChipMiB };
    });
  });
}

const NEURONS = [200, 600, 1000, 1400, 1800, 2200];

describe('calibrate/fit', () => {
  describe('fitProfile', () => {
    const b = base();
    const truth = { ...profileValues(b), fixedMs: 0.15, hopMs: 0.3, streamMsPerMiB: 2.7, capacityMiB: 5.5 };

    it('should recover the constants that produced the measurements, capacity included', () => {
      const r = fitProfile(cases(truth, NEURONS), b, { time: ['fixedMs', 'hopMs', 'streamMsPerMiB'], memory: true }, 'test fit');
      const v = profileValues(r.profile);
      // The rows bound the capacity to [4.74, 6.49) MiB (N = 2200 caches 4.74 MiB, N = 1800 declines
      // 6.49): any value there reproduces every MiB, and ties go to the value nearest the base's 7.0.
      expect(r.memoryLoss).toBe(0);
      expect(v.capacityMiB).toBe(6.48);
      expect(v.fixedMs).toBeCloseTo(0.15, 2);
      expect(v.hopMs).toBeCloseTo(0.3, 2);
      expect(v.streamMsPerMiB).toBeCloseTo(2.7, 2);
      expect(r.profile.constants.fixedMs.source).toBe('test fit');
      expect(r.profile.constants.convTops).toEqual(b.constants.convTops);
    });

    it('should shrug off an outlier that a plain least-squares fit would follow', () => {
      const start = withValues(b, { capacityMiB: 5.5 }, 'x');
      const opts = { time: ['fixedMs', 'hopMs', 'streamMsPerMiB'] as const, memory: false };
      const robust = profileValues(fitProfile(cases(truth, NEURONS, 4), start, opts, 'x').profile).streamMsPerMiB;
      // A huge delta turns the soft-L1 loss into plain least squares.
      const plain = profileValues(fitProfile(cases(truth, NEURONS, 4), start, { ...opts, delta: 100 }, 'x').profile).streamMsPerMiB;
      expect(Math.abs(robust - 2.7)).toBeLessThan(0.05);
      expect(Math.abs(plain - 2.7)).toBeGreaterThan(4 * Math.abs(robust - 2.7));
    });

    it('should hold tied constants equal and keep undetermined ones at the base value', () => {
      const onlySingle = cases(truth, NEURONS).filter((c) => c.group === 'single');
      const r = fitProfile(onlySingle, b, { time: ['fixedMs', 'hopMs', 'inMBps'], memory: false, tie: { outMBps: 'inMBps' } }, 'x');
      const v = profileValues(r.profile);
      expect(v.outMBps).toBe(v.inMBps);
      // Whole-model runs never pay a hop: the ridge keeps the base value.
      expect(v.hopMs).toBeCloseTo(b.constants.hopMs.value, 3);
      expect(r.fitted).toEqual(['fixedMs', 'hopMs', 'inMBps', 'outMBps']);
    });

    it('should hold a constant the rows cannot identify at its prior and let identified ones follow the data', () => {
      const onlySingle = cases(truth, NEURONS).filter((c) => c.group === 'single');
      const priors = {
        hopMs: { center: 0.2, lo: 0.15, hi: 0.25, source: 'x' },
        // A prior far from the truth: the rows identify the fixed cost, so the fit must still find 0.15.
        fixedMs: { center: 0.4, lo: 0.3, hi: 0.5, source: 'x' },
      };
      const r = fitProfile(onlySingle, b, { time: ['fixedMs', 'hopMs'], memory: false, priors }, 'x');
      const v = profileValues(r.profile);
      expect(v.hopMs).toBeCloseTo(0.2, 3);
      expect(v.fixedMs).toBeCloseTo(0.15, 2);
    });

    it('should break ties of the memory search toward the prior rather than the base value', () => {
      // The rows bound the capacity to [4.74, 6.49) MiB (see above): the prior's 5.0 is inside.
      const priors = { capacityMiB: { center: 5, lo: 4.9, hi: 5.1, source: 'x' } };
      const r = fitProfile(cases(truth, NEURONS), b, { time: ['fixedMs'], memory: true, priors }, 'x');
      expect(r.memoryLoss).toBe(0);
      expect(profileValues(r.profile).capacityMiB).toBe(5);
    });

    it('should refuse to fit an integer layout constant to times', () => {
      expect(() => fitProfile([], b, { time: ['weightPadChannels'], memory: false }, 'x')).toThrow(RangeError);
    });
  });

  describe('timeLoss / memoryLoss', () => {
    it('should be zero at the truth and positive elsewhere', () => {
      const b = base();
      const truth = profileValues(b);
      const cs = cases(truth, [200, 1800]);
      expect(timeLoss(cs, truth)).toBe(0);
      expect(memoryLoss(cs, truth)).toBe(0);
      expect(timeLoss(cs, { ...truth, fixedMs: truth.fixedMs * 2 })).toBeGreaterThan(0);
      expect(memoryLoss(cs, { ...truth, capacityMiB: 1 })).toBeGreaterThan(0);
      expect(predictMs(cs[1]!, truth)).toBe(predictCase(cs[1]!, truth).ms);
    });
  });
});
