import type { PlanEvaluation } from '../pipeline/evaluate';

/** One segment as `tpuseg predict --json` and `tpuseg segment --json` print it. */
export interface SegmentResult {
  readonly firstOp: number;
  readonly lastOp: number;
  readonly ops: number;
  readonly paramBytes: number;
  readonly onChipBytes: number;
  readonly offChipBytes: number;
  readonly inBytes: number;
  readonly outBytes: number;
  readonly ms: number;
}

/** The result object of one strategy: the JSON contract shared by `predict` and `segment`. */
export interface PlanResult {
  readonly strategy: string;
  readonly cuts: readonly number[];
  readonly segments: readonly SegmentResult[];
  readonly bottleneckMs: number;
  readonly latencyMs: number;
  readonly batch: number;
  readonly msPerInput: number;
}

export function planResult(strategy: string, ev: PlanEvaluation): PlanResult {
  return {
    strategy,
    cuts: [...ev.cuts],
    segments: ev.segments.map((s) => ({
      firstOp: s.firstOp,
      lastOp: s.lastOp,
      ops: s.ops,
      paramBytes: s.paramBytes,
      onChipBytes: s.onChipBytes,
      offChipBytes: s.offChipBytes,
      inBytes: s.inBytes,
      outBytes: s.outBytes,
      ms: s.ms,
    })),
    bottleneckMs: ev.bottleneckMs,
    latencyMs: ev.latencyMs,
    batch: ev.batch,
    msPerInput: ev.msPerInput,
  };
}
