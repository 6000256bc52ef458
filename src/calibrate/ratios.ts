import type { RowResult } from './accuracy';
import { median, quantile } from './stats';

/**
 * Speedups as the toolkit prints them ("x compiler"): pairs of splits of one model timed on one
 * bench, the compiler's split against another of the same TPU count (libcoral's profiling
 * partitioner in ../shared/data). A ratio's error is not the product of two time errors: terms
 * both splits share (the bench's link, its first invokes) cancel in it, so its band comes from the
 * pairs themselves.
 */

export interface RatioPair {
  readonly spec: string;
  readonly tpus: number;
  /** compiler ms / other ms, measured and predicted: above 1 when the other split is faster. */
  readonly measured: number;
  readonly predicted: number;
  /** Both cut at the same ops: one plan timed twice, so no pick between them (its measured ratio is the bench's run-to-run spread). */
  readonly sameSplit: boolean;
}

export interface RatioCheck {
  /** The split compared with the compiler's. */
  readonly against: string;
  readonly pairs: readonly RatioPair[];
  /** Median |predicted / measured - 1|. */
  readonly medianAbsErr: number;
  /** Pairs of two different splits whose measured ratio is off 1 by more than `PICK_MARGIN`, and those the prediction picks the other way. */
  readonly decided: number;
  readonly wrongPicks: number;
  /** 10th and 90th percentiles of measured / predicted ratio: 8 in 10 pairs fell inside. */
  readonly band: { readonly lo: number; readonly hi: number };
}

/** A pair counts for the pick when the splits differ by more than this (measured). */
export const PICK_MARGIN = 0.05;
/** Target on the median ratio error. */
export const RATIO_TARGET = 0.1;

/** The compiler's split against `against`, over rows of one model and TPU count found in both. */
export function ratioCheck(rows: readonly RowResult[], against: string): RatioCheck | undefined {
  const key = (r: RowResult): string => `${r.spec}\u0000${r.cuts.length + 1}`;
  const compiler = new Map(rows.filter((r) => r.split === 'compiler').map((r) => [key(r), r]));
  const pairs: RatioPair[] = rows.filter((r) => r.split === against).flatMap((o) => {
    const c = compiler.get(key(o));
    return c ? [{
      spec: o.spec, tpus: o.cuts.length + 1, measured: c.measuredMs / o.measuredMs, predicted: c.predictedMs / o.predictedMs,
      sameSplit: c.cuts.length === o.cuts.length && c.cuts.every((x, i) => x === o.cuts[i]),
    }] : [];
  });
  if (pairs.length === 0) return undefined;
  const decided = pairs.filter((p) => !p.sameSplit && Math.abs(p.measured - 1) > PICK_MARGIN);
  const ratio = pairs.map((p) => p.measured / p.predicted);
  return {
    against,
    pairs,
    medianAbsErr: median(pairs.map((p) => Math.abs(p.predicted / p.measured - 1))),
    decided: decided.length,
    wrongPicks: decided.filter((p) => (p.measured > 1) !== (p.predicted > 1)).length,
    band: { lo: quantile(ratio, 0.1), hi: quantile(ratio, 0.9) },
  };
}
