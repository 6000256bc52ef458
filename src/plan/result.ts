import { bandFor, regimeKey, regimeOf, type Band } from '../../cost-models/bands';
import type { CostProfile } from '../../cost-models/profile';
import type { LayerGraph } from '../graph/types';
import type { LimitedBy, PlanEvaluation } from '../pipeline/evaluate';

/** One segment as `tpuseg predict --json` and `tpuseg segment --json` print it. */
export interface SegmentResult {
  readonly firstOp: number;
  readonly lastOp: number;
  readonly ops: number;
  /** Ops the compiler maps to the TPU in this segment, the rest running on the host (absent: all). */
  readonly tpuOps?: number;
  readonly paramBytes: number;
  readonly onChipBytes: number;
  readonly offChipBytes: number;
  readonly inBytes: number;
  readonly outBytes: number;
  readonly ms: number;
  readonly msLow?: number;
  readonly msHigh?: number;
}

/** The regime of a prediction and its band (cost-models/bands.ts); no band when the profile has none for the regime. */
export interface Uncertainty {
  readonly regime: string;
  readonly band?: Band;
}

/**
 * The regime of a prediction and the profile's band for it; on a board whose TPUs differ
 * (`devices`), the band only when every device's profile gives the same one.
 */
export function uncertaintyOf(profile: CostProfile, graph: LayerGraph, ev: PlanEvaluation, devices?: readonly CostProfile[]): Uncertainty {
  const regime = regimeOf(graph, ev.segments);
  const band = bandFor(profile, regime);
  const same = !devices || devices.every((d) => JSON.stringify(bandFor(d, regime)) === JSON.stringify(band));
  return { regime: regimeKey(regime), ...(band && same ? { band } : {}) };
}

/** `{ keyLow, keyHigh }`: a time scaled by the band's ends, or nothing without a band. */
export const bandSpread = <K extends string>(band: Band | undefined, key: K, ms: number): Partial<Record<`${K}Low` | `${K}High`, number>> =>
  (band ? { [`${key}Low`]: ms * band.lo, [`${key}High`]: ms * band.hi } : {}) as Partial<Record<`${K}Low` | `${K}High`, number>>;

/** The result object of one strategy: the JSON contract shared by `predict` and `segment`. */
export interface PlanResult {
  readonly strategy: string;
  readonly cuts: readonly number[];
  readonly segments: readonly SegmentResult[];
  /** Steady-state time per input, and what sets it (the slowest stage, or a resource the stages share). */
  readonly bottleneckMs: number;
  readonly bottleneckMsLow?: number;
  readonly bottleneckMsHigh?: number;
  readonly limitedBy?: LimitedBy;
  readonly latencyMs: number;
  readonly latencyMsLow?: number;
  readonly latencyMsHigh?: number;
  /** One-time costs inside the batch (first invokes on a fresh runner; absent: none). */
  readonly firstMs?: number;
  readonly batch: number;
  readonly msPerInput: number;
  readonly msPerInputLow?: number;
  readonly msPerInputHigh?: number;
  /** The regime and band the Low/High figures come from. */
  readonly uncertainty?: Uncertainty;
}

export function planResult(strategy: string, ev: PlanEvaluation, u?: Uncertainty): PlanResult {
  const band = u?.band;
  const spread = <K extends string>(key: K, ms: number): Partial<Record<`${K}Low` | `${K}High`, number>> => bandSpread(band, key, ms);
  return {
    strategy,
    cuts: [...ev.cuts],
    segments: ev.segments.map((s) => ({
      firstOp: s.firstOp,
      lastOp: s.lastOp,
      ops: s.ops,
      tpuOps: s.tpuOps ?? s.ops,
      paramBytes: s.paramBytes,
      onChipBytes: s.onChipBytes,
      offChipBytes: s.offChipBytes,
      inBytes: s.inBytes,
      outBytes: s.outBytes,
      ms: s.ms,
      ...spread('ms', s.ms),
    })),
    bottleneckMs: ev.bottleneckMs,
    ...spread('bottleneckMs', ev.bottleneckMs),
    limitedBy: ev.limitedBy,
    latencyMs: ev.latencyMs,
    ...spread('latencyMs', ev.latencyMs),
    firstMs: ev.firstMs,
    batch: ev.batch,
    msPerInput: ev.msPerInput,
    ...spread('msPerInput', ev.msPerInput),
    ...(u ? { uncertainty: u } : {}),
  };
}
