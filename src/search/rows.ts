import type { CostModel } from '../../cost-models/types';

/** Prices one end b for every start a in [lo, hi), hi <= b: out[a] = segmentMs(a, b). */
export type RowPricer = (b: number, lo: number, hi: number, out: Float64Array) => void;

/** The same for the stage at pipeline position `stage`: out[a] = segmentMs(a, b, stage). */
export type StageRowPricer = (b: number, lo: number, hi: number, out: Float64Array, stage: number) => void;

/**
 * The cost model's own row method when it offers one (several times cheaper per segment), else
 * `segmentMs` per start: the same numbers either way, so exhaustive searchers work with any model.
 */
export function stageRowPricer(cost: CostModel): StageRowPricer {
  if (typeof cost.segmentMsRow === 'function') return (b, lo, hi, out, stage) => cost.segmentMsRow!(b, lo, hi, out, stage);
  return (b, lo, hi, out, stage) => {
    for (let a = lo; a < hi; a++) out[a] = cost.segmentMs(a, b, stage);
  };
}

/**
 * Rows of one price per segment whatever its position. When positions price differently
 * (`stageDependent`), the least over the `stages` positions: below every stage's own price, so a
 * band or a bound built on it still holds every plan, and the dynamic programs price each layer at
 * its own position (forStates' stage pricer).
 */
export function rowPricer(cost: CostModel, stages = 1): RowPricer {
  const at = stageRowPricer(cost);
  if (!cost.stageDependent || stages <= 1) return (b, lo, hi, out) => at(b, lo, hi, out, 0);
  let tmp = new Float64Array(0);
  return (b, lo, hi, out) => {
    if (tmp.length < out.length) tmp = new Float64Array(out.length);
    at(b, lo, hi, out, 0);
    for (let s = 1; s < stages; s++) {
      at(b, lo, hi, tmp, s);
      for (let a = lo; a < hi; a++) if (tmp[a]! < out[a]!) out[a] = tmp[a]!;
    }
  };
}

/**
 * `price` with each end's widest row kept: a later request for a part of it is copied, not priced
 * again (the same numbers: a row's prices do not depend on the range asked for). For searches that
 * price the same band several times (bands of several caps, then their pairs).
 */
export function memoRowPricer(price: RowPricer, n: number): RowPricer {
  const rows: (Float64Array | undefined)[] = new Array(n + 1);
  const from = new Int32Array(n + 1);
  return (b, lo, hi, out) => {
    const row = rows[b];
    const f = from[b]!;
    if (row && lo >= f && hi <= f + row.length) {
      for (let a = lo; a < hi; a++) out[a] = row[a - f]!;
      return;
    }
    price(b, lo, hi, out);
    if (!row || hi - lo > row.length) {
      rows[b] = out.slice(lo, hi);
      from[b] = lo;
    }
  };
}
