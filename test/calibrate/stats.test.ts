import { median, p90, quantile, relErr, softL1 } from '../../src/calibrate/stats';

describe('calibrate/stats', () => {
  describe('quantile', () => {
    it('should interpolate between order statistics', () => {
      expect(median([3, 1, 2])).toBe(2);
      expect(median([4, 1, 3, 2])).toBe(2.5);
      expect(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toBe(10);
      expect(quantile([5], 0.9)).toBe(5);
      expect(quantile([], 0.5)).toBeNaN();
    });
  });

  describe('relErr', () => {
    it('should be signed and relative to the measurement', () => {
      expect(relErr(11, 10)).toBeCloseTo(0.1, 12);
      expect(relErr(9, 10)).toBeCloseTo(-0.1, 12);
    });
  });

  describe('softL1', () => {
    it('should be quadratic for small errors and linear for large ones', () => {
      expect(softL1(0.001, 0.1)).toBeCloseTo(0.001 ** 2, 8);
      expect(softL1(100, 0.1) / softL1(50, 0.1)).toBeCloseTo(2, 2);
      expect(softL1(0, 0.1)).toBe(0);
    });
  });
});
