import type { CostModel } from '../../cost-models/types';

/** Prices one end b for every start a in [lo, hi), hi <= b: out[a] = segmentMs(a, b). */
export type RowPricer = (b: number, lo: number, hi: number, out: Float64Array) => void;

/**
 * The cost model's own row method when it offers one (several times cheaper per segment), else
 * `segmentMs` per start: the same numbers either way, so exhaustive searchers work with any model.
 */
export function rowPricer(cost: CostModel): RowPricer {
  if (typeof cost.segmentMsRow === 'function') return (b, lo, hi, out) => cost.segmentMsRow!(b, lo, hi, out);
  return (b, lo, hi, out) => {
    for (let a = lo; a < hi; a++) out[a] = cost.segmentMs(a, b);
  };
}
