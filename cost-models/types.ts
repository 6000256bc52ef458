import type { LayerGraph } from '../src/graph/types';
import type { RunnerName } from './profile';

export type { RunnerName } from './profile';

/**
 * What one contiguous segment of ops costs on one accelerator, per input unless said otherwise.
 * Times in ms, sizes in bytes. `ms` is the stage's cycle: everything its runner thread does for
 * one input, TPU invoke and host work alike.
 */
export interface SegmentCost {
  /** First and last op of the segment, inclusive, in execution order. */
  readonly firstOp: number;
  readonly lastOp: number;
  readonly ops: number;
  /** Ops the Edge TPU compiler maps to the TPU when it compiles this segment on its own (absent: all). */
  readonly tpuOps?: number;
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
   * Bytes that actually cross the host link: what the segment's TPU subgraph reads and writes,
   * after host-side ops at its edges (a float input is quantized on the host and moves as 8-bit).
   */
  readonly tpuInBytes?: number;
  readonly tpuOutBytes?: number;
  /** Fixed cost per invoke. */
  readonly fixedMs: number;
  /**
   * The runner's own host work for this stage per input (0 for a whole model on one device):
   * pycoral's C++ runner binds tensors and hands off through its queues; a Python thread per
   * stage copies tensors and runs Python with the interpreter lock held.
   */
  readonly hopMs: number;
  /** Ops of the segment that run on the host CPU, and their time. */
  readonly cpuOps: readonly number[];
  readonly cpuMs: number;
  /** Per input, on resources every stage shares: the interpreter lock, a shared host link, host CPU time (absent: 0). */
  readonly gilMs?: number;
  readonly linkMs?: number;
  readonly hostCpuMs?: number;
  /** Once per fresh runner: the segment's first invoke (parameter load, executable mapping; absent: 0). */
  readonly firstMs?: number;
  readonly ms: number;
}

/** How the host runs the stages, as far as the pipeline's time per input depends on it. */
export interface PipelineParams {
  readonly runner: RunnerName;
  /** Host cores the stages' host work spreads over. */
  readonly hostCores: number;
  /** A batch starts on a fresh runner, so each segment's first invoke falls inside it. */
  readonly freshRunner: boolean;
}

/** A segment's demands per input on the resources every stage shares (written into `out`). */
export type SharedDemands = Float64Array;
/** Index of each shared resource in a SharedDemands array. */
export const SHARED = { gil: 0, link: 1, hostCpu: 2 } as const;
export const SHARED_COUNT = 3;

/**
 * A cost model bound to one graph, one profile and one way of running the pipeline. Pure and
 * synchronous: per-op tables are precomputed once when it is created, and every call prices the
 * half-open op range [a, b) as a whole (Edge TPU segment cost is not a sum of per-op costs:
 * caching goes layer by layer up to a capacity, and what maps to the TPU depends on where the segment starts).
 */
export interface CostModel {
  readonly id: string;
  /** Name of the profile it was built with. */
  readonly profile: string;
  readonly graph: LayerGraph;
  /** The runner and host the stages run on. Absent: stages share nothing (time per input = slowest stage). */
  readonly pipeline?: PipelineParams;
  /**
   * Ops [a, b) as the stage at pipeline position `stage` (default 0). The position matters only
   * when `stageDependent` is true (TPUs of one host that are not alike); otherwise every position
   * prices the same.
   */
  segment(a: number, b: number, stage?: number): SegmentCost;
  /** `segment(a, b, stage).ms` without building the breakdown: the searchers' hot path. */
  segmentMs(a: number, b: number, stage?: number): number;
  /** True when a segment's cost depends on its position in the pipeline. */
  readonly stageDependent?: boolean;
  /** `segment(a, b, stage).offChipBytes` without the breakdown, when the model can give it cheaply (tie-breaks). */
  offChipBytes?(a: number, b: number, stage?: number): number;
  /**
   * `segment(a, b, stage)`'s gil, link and host CPU demands into `out` (SHARED order), when the
   * model has shared resources; a model without this method shares nothing between stages.
   */
  sharedMs?(a: number, b: number, out: SharedDemands, stage?: number): void;
  /** True when some segment can have a non-zero shared demand (searchers then price the shared bound). */
  readonly hasShared?: boolean;
  /** `segment(a, b, stage).firstMs`, when the model has one-time costs. */
  firstMs?(a: number, b: number, stage?: number): number;
  /**
   * Positions with the same key price every segment alike (the same device, the same compute
   * factor), so a configuration may use either; absent: every position alike unless
   * `stageDependent`, then every position its own.
   */
  positionKey?(stage: number): string;
  /**
   * The runner's own per-input host work for ops [a, b) run as one stage of a pipeline runner,
   * the whole model included (`segment` charges none for the whole model on one device: a plain
   * invoke; a replica of the whole model runs in a runner of its own). Held under the interpreter
   * lock when the runner is `python-threads`, and part of the host CPU either way.
   */
  runnerStageMs?(a: number, b: number): number;
  /**
   * Per input, a host thread handing the tensors that cross `cut` from one runner to the next
   * (configurations whose consecutive stages run on different numbers of TPUs): Python work and
   * pycoral's push copy of those tensors, all with the interpreter lock held.
   */
  handoffMs?(cut: number): number;
  /**
   * Optional fast path for exhaustive searchers: out[a] = segmentMs(a, b, stage), bit for bit, for
   * every start a in [lo, hi) of one end b (hi <= b). Searchers fall back to calling `segmentMs`
   * per start (src/search/rows.ts), so a model need not offer it.
   */
  segmentMsRow?(b: number, lo: number, hi: number, out: Float64Array, stage?: number): void;
}
