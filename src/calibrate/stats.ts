/** Small statistics for fit and accuracy figures. */

/** Quantile q in [0, 1] with linear interpolation between order statistics (R type 7); NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
export const p90 = (xs: readonly number[]): number => quantile(xs, 0.9);

/** Signed relative error of a prediction. */
export const relErr = (predicted: number, measured: number): number => (predicted - measured) / measured;

/** Soft-L1 (pseudo-Huber) loss: quadratic below delta, linear above, so outliers pull little. */
export const softL1 = (r: number, delta: number): number => 2 * delta * delta * (Math.sqrt(1 + (r / delta) ** 2) - 1);
