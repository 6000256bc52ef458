import { CONSTANT_NAMES } from '../../cost-models';
import { DOMAIN_PRIORS, priorZ, type Prior } from '../../src/calibrate/priors';

describe('calibrate/priors', () => {
  describe('priorZ', () => {
    const p: Prior = { center: 2, lo: 1, hi: 4, source: 'x' };

    it('should measure deviations in log space in units of half the log range', () => {
      expect(priorZ(p, 2, false)).toBe(0);
      // ln(4 / 2) over (ln 4 - ln 1) / 2 = ln 2: one unit at the range's end.
      expect(priorZ(p, 4, false)).toBeCloseTo(1, 12);
      expect(priorZ(p, 1, false)).toBeCloseTo(-1, 12);
      expect(priorZ(p, 8, false)).toBeCloseTo(2, 12);
    });

    it('should measure linear priors in value and fractions in logit space', () => {
      expect(priorZ({ center: 0.5, lo: 0, hi: 1, linear: true, source: 'x' }, 0, false)).toBe(-1);
      const f: Prior = { center: 0.5, lo: 0.25, hi: 0.75, source: 'x' };
      expect(priorZ(f, 0.75, true)).toBeCloseTo(1, 12);
      expect(priorZ(f, 0.1, true)).toBeCloseTo(Math.log(0.1 / 0.9) / Math.log(3), 12);
    });
  });

  describe('DOMAIN_PRIORS', () => {
    it('should name known constants, with a source and a center inside its range', () => {
      for (const [k, p] of Object.entries(DOMAIN_PRIORS)) {
        expect(CONSTANT_NAMES).toContain(k);
        expect(p!.source.length).toBeGreaterThan(10);
        expect(p!.lo).toBeLessThan(p!.hi);
        expect([k, p!.lo <= p!.center && p!.center <= p!.hi]).toEqual([k, true]);
      }
    });
  });
});
