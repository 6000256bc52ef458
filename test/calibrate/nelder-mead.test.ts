import { nelderMead } from '../../src/calibrate/nelder-mead';

describe('calibrate/nelder-mead', () => {
  describe('nelderMead', () => {
    it('should find the minimum of a shifted quadratic bowl', () => {
      const r = nelderMead((x) => (x[0]! - 3) ** 2 + 10 * (x[1]! + 1) ** 2, [0, 0]);
      expect(r.x[0]).toBeCloseTo(3, 4);
      expect(r.x[1]).toBeCloseTo(-1, 4);
    });

    it('should minimize the Rosenbrock valley', () => {
      const r = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], { maxEvals: 5000, restarts: 3 });
      expect(r.x[0]).toBeCloseTo(1, 3);
      expect(r.x[1]).toBeCloseTo(1, 3);
    });

    it('should be deterministic and respect the evaluation budget', () => {
      const f = (x: readonly number[]): number => x.reduce((s, v, i) => s + (i + 1) * Math.abs(v - i), 0);
      const a = nelderMead(f, [5, 5, 5, 5], { maxEvals: 300 });
      const b = nelderMead(f, [5, 5, 5, 5], { maxEvals: 300 });
      expect(a).toEqual(b);
      expect(a.evals).toBeLessThanOrEqual(300 + 4);
    });

    it('should treat non-finite values as worse than any finite one', () => {
      const r = nelderMead((x) => (x[0]! < 0 ? NaN : (x[0]! - 1) ** 2), [2]);
      expect(r.x[0]).toBeCloseTo(1, 4);
    });
  });
});
