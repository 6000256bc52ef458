import type { CostModel, SegmentCost } from '../../cost-models/types';
import { pipelineTimes, segmentRanges, type PipelineTimes, type StageTimes } from './evaluate';

/**
 * A configuration of a model over several TPUs: the model cut into k stages, each stage on one or
 * more TPUs that take alternate inputs (round robin). Three shapes:
 *
 * - a pipeline: every stage on one TPU;
 * - replicas: every stage on r TPUs, run as r independent pipelines (one runner each), inputs
 *   dealt to them in turn;
 * - a hybrid: stages on different numbers of TPUs. Every stage copy runs as a runner of its own
 *   (pycoral's runner only routes tensors inside one runner, and returns only its last segment's
 *   outputs), and between consecutive stages a host thread pops each input's outputs from one
 *   stage's copies, pushes what the next stage reads into its copies and carries the rest along
 *   (`CostModel.handoffMs`): host work on every input's path, all of it holding the interpreter
 *   lock.
 *
 * A TPU is a board position (the cost model's `stage` argument), so TPUs that are not alike (a
 * board's devices, a profile's per-position factors) price each stage copy where it runs. A stage
 * on c TPUs counts its slowest copy's time / c in the steady state and that copy's time on an
 * input's path; its demands on what every stage shares are the mean over its copies (each input
 * passes one of them). A whole model on one TPU is a plain invoke, but each replica of it runs in
 * a runner of its own and pays the runner's per-stage work (`CostModel.runnerStageMs`).
 * The pipeline figures follow src/pipeline/evaluate.ts (`pipelineTimes`).
 */
export interface Layout {
  readonly cuts: readonly number[];
  /** Per stage, the board positions of the TPUs its copies run on. */
  readonly tpus: readonly (readonly number[])[];
}

export type LayoutKind = 'pipeline' | 'replicas' | 'hybrid';

/** Stages run by the same runners: all of them in a pipeline or replicas (one runner per copy), one each in a hybrid. */
export interface Group {
  readonly first: number;
  readonly last: number;
  readonly copies: number;
}

export interface Handoff {
  /** The cut the tensors cross, and the stage before it. */
  readonly cut: number;
  readonly after: number;
  readonly ms: number;
}

export interface LayoutEvaluation extends PipelineTimes {
  readonly kind: LayoutKind;
  readonly cuts: readonly number[];
  readonly tpus: readonly (readonly number[])[];
  readonly copies: readonly number[];
  readonly groups: readonly Group[];
  /** TPUs used. */
  readonly tpuCount: number;
  /** Each stage as its slowest copy runs it (the runner's work included for a replicated whole model). */
  readonly segments: readonly SegmentCost[];
  /** Per stage, each copy's time. */
  readonly copyMs: readonly (readonly number[])[];
  readonly handoffs: readonly Handoff[];
  /** Parameter bytes streamed per input (each stage's copies averaged). */
  readonly offChipBytes: number;
  /** True when some copy of some stage streams parameters. */
  readonly streams: boolean;
}

export const copiesOf = (l: Layout): number[] => l.tpus.map((t) => t.length);

export function groupsOf(copies: readonly number[]): Group[] {
  if (kindOf(copies) !== 'hybrid') return [{ first: 0, last: copies.length - 1, copies: copies[0]! }];
  return copies.map((c, i) => ({ first: i, last: i, copies: c }));
}

export function kindOf(copies: readonly number[]): LayoutKind {
  if (copies.every((c) => c === 1)) return 'pipeline';
  return copies.every((c) => c === copies[0]) ? 'replicas' : 'hybrid';
}

/** Checks the layout's shape: k - 1 cuts, every stage on at least one TPU, no TPU used twice. */
export function layoutFault(l: Layout): string | undefined {
  if (l.tpus.length !== l.cuts.length + 1) return `${l.cuts.length} cuts make ${l.cuts.length + 1} stages, but TPUs are given for ${l.tpus.length}`;
  const seen = new Set<number>();
  for (let i = 0; i < l.tpus.length; i++) {
    const ts = l.tpus[i]!;
    if (ts.length === 0) return `stage ${i} runs on no TPU`;
    for (const t of ts) {
      if (!Number.isInteger(t) || t < 0) return `stage ${i}: TPU ${t} is not a board position (an integer from 0)`;
      if (seen.has(t)) return `TPU ${t} runs two stage copies`;
      seen.add(t);
    }
  }
  return undefined;
}

/** Prices a layout. A malformed layout is a defect of the caller here (check with `layoutFault`). */
export function evaluateLayout(cost: CostModel, layout: Layout, batch = 15): LayoutEvaluation {
  const fault = layoutFault(layout);
  if (fault !== undefined) throw new RangeError(fault);
  const n = cost.graph.ops.length;
  const ranges = segmentRanges(n, layout.cuts);
  const copies = copiesOf(layout);
  const groups = groupsOf(copies);
  const python = cost.pipeline?.runner === 'python-threads';
  const whole = ranges.length === 1;
  const segments: SegmentCost[] = [];
  const copyMs: number[][] = [];
  const stageTimes: StageTimes[][] = [];
  let offChip = 0;
  let streams = false;
  ranges.forEach(([a, b], i) => {
    const own = layout.tpus[i]!;
    // A replica of the whole model runs in a runner of its own.
    const runner = whole && own.length > 1 ? cost.runnerStageMs?.(a, b) ?? 0 : 0;
    const priced = own.map((t) => {
      const s = cost.segment(a, b, t);
      return runner === 0 ? s : {
        ...s, hopMs: s.hopMs + runner, ms: s.ms + runner,
        gilMs: (s.gilMs ?? 0) + (python ? runner : 0), hostCpuMs: (s.hostCpuMs ?? 0) + runner,
      };
    });
    let slow = priced[0]!;
    for (const s of priced) if (s.ms > slow.ms) slow = s;
    const mean = (f: (s: SegmentCost) => number): number => priced.reduce((sum, s) => sum + f(s), 0) / priced.length;
    segments.push(slow);
    copyMs.push(priced.map((s) => s.ms));
    offChip += mean((s) => s.offChipBytes);
    if (priced.some((s) => s.offChipBytes > 0)) streams = true;
    stageTimes.push([{
      ms: slow.ms, copies: own.length,
      gilMs: mean((s) => s.gilMs ?? 0), linkMs: mean((s) => s.linkMs ?? 0), hostCpuMs: mean((s) => s.hostCpuMs ?? 0),
      firstMs: Math.max(...priced.map((s) => s.firstMs ?? 0)),
    }]);
  });
  const handoffs: Handoff[] = groups.slice(0, -1).map((g) => {
    const cut = layout.cuts[g.last]!;
    return { cut, after: g.last, ms: cost.handoffMs?.(cut) ?? 0 };
  });
  for (const h of handoffs) stageTimes[h.after]!.push({ ms: h.ms, gilMs: h.ms, hostCpuMs: h.ms });
  const times = pipelineTimes(stageTimes.flat(), cost.pipeline, batch);
  return {
    ...times,
    kind: kindOf(copies),
    cuts: [...layout.cuts],
    tpus: layout.tpus.map((t) => [...t]),
    copies,
    groups,
    tpuCount: copies.reduce((s, c) => s + c, 0),
    segments,
    copyMs,
    handoffs,
    offChipBytes: offChip,
    streams,
  };
}
