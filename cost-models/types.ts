import type { LayerGraph } from '../src/graph/types';

/**
 * What one contiguous segment of ops costs on one accelerator. Times in ms, sizes in bytes.
 * `ms` is the total the pipeline sees for this stage per input.
 */
export interface SegmentCost {
  /** First and last op of the segment, inclusive, in execution order. */
  readonly firstOp: number;
  readonly lastOp: number;
  readonly ops: number;
  readonly paramBytes: number;
  /** Parameter bytes cached in on-chip memory. */
  readonly onChipBytes: number;
  /** Parameter bytes streamed from the host on every inference. */
  readonly offChipBytes: number;
  readonly computeMs: number;
  readonly streamMs: number;
  /** Activation bytes entering and leaving the segment, and their transfer time. */
  readonly inBytes: number;
  readonly outBytes: number;
  readonly inMs: number;
  readonly outMs: number;
  /**
   * Bytes that actually cross the host link, when the model says: the segment's boundary bytes less
   * what host-side ops at its edges consume or produce (a float input is quantized on the host and
   * moves as 8-bit), plus what they hand to or take from the TPU.
   */
  readonly tpuInBytes?: number;
  readonly tpuOutBytes?: number;
  /** Fixed cost per invoke. */
  readonly fixedMs: number;
  /** Host hop (threads + queues) paid by a stage of a multi-stage pipeline; 0 for a whole model on one device. */
  readonly hopMs: number;
  /** Ops of the segment that run on the host CPU, and their time. */
  readonly cpuOps: readonly number[];
  readonly cpuMs: number;
  readonly ms: number;
}

/**
 * A cost model bound to one graph and one profile. Pure and synchronous: per-op tables are
 * precomputed once when it is created, and every call prices the half-open op range [a, b) as a
 * whole (Edge TPU segment cost is not a sum of per-op costs: caching is all-or-nothing).
 */
export interface CostModel {
  readonly id: string;
  /** Name of the profile it was built with. */
  readonly profile: string;
  readonly graph: LayerGraph;
  segment(a: number, b: number): SegmentCost;
  /** `segment(a, b).ms` without building the breakdown: the searchers' hot path. */
  segmentMs(a: number, b: number): number;
  /** `segment(a, b).offChipBytes` without the breakdown, when the model can give it cheaply (tie-breaks). */
  offChipBytes?(a: number, b: number): number;
  /**
   * Optional fast path for exhaustive searchers: out[a] = segmentMs(a, b), bit for bit, for every
   * start a in [lo, hi) of one end b (hi <= b). Searchers fall back to calling `segmentMs` per
   * start (src/search/rows.ts), so a model need not offer it.
   */
  segmentMsRow?(b: number, lo: number, hi: number, out: Float64Array): void;
}
