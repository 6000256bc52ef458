import * as E from 'fp-ts/Either';
import type { CostModel, SegmentCost } from '../../cost-models/types';
import { segmentInvalid, type TpusegError } from '../errors';

// Module-level aliases: inside a vm context (jest) every global lookup goes through an interceptor.
const { max } = Math;
const { isInteger } = Number;

/** A plan priced by a cost model: per-stage costs and the pipeline's figures for a batch. */
export interface PlanEvaluation {
  readonly cuts: readonly number[];
  readonly segments: readonly SegmentCost[];
  /** Slowest stage: the steady-state time per input (throughput = 1 / bottleneck). */
  readonly bottleneckMs: number;
  /** One input through every stage: the sum of stage times. */
  readonly latencyMs: number;
  readonly batch: number;
  /** Time per input for a batch of `batch` inputs: (sum + (B - 1) x max) / B. */
  readonly msPerInput: number;
}

/** The first breach of the plan contract (cuts strictly increasing inside 1..n-1), or undefined. */
export type CutFault =
  | { readonly kind: 'range'; readonly index: number; readonly cut: number }
  | { readonly kind: 'order'; readonly index: number; readonly cut: number; readonly previous: number };

export function cutFault(n: number, cuts: readonly number[]): CutFault | undefined {
  for (let i = 0; i < cuts.length; i++) {
    const c = cuts[i]!;
    if (!isInteger(c) || c < 1 || c > n - 1) return { kind: 'range', index: i, cut: c };
    if (i > 0 && c <= cuts[i - 1]!) return { kind: 'order', index: i, cut: c, previous: cuts[i - 1]! };
  }
  return undefined;
}

/** Checks the plan contract: cuts strictly increasing inside 1..n-1 (so no segment is empty). */
export function checkCuts(n: number, cuts: readonly number[]): E.Either<TpusegError, readonly number[]> {
  const f = cutFault(n, cuts);
  if (f === undefined) return E.right(cuts);
  return E.left(segmentInvalid(f.kind === 'range'
    ? `cut ${f.index} is ${f.cut}: cuts must be integers in 1..${n - 1} for a model of ${n} ops`
    : `cuts must increase strictly (cut ${f.index - 1} = ${f.previous}, cut ${f.index} = ${f.cut}): segment ${f.index} would be empty`));
}

/** Segment boundaries [start, end) of a plan over n ops. */
export const segmentRanges = (n: number, cuts: readonly number[]): [number, number][] =>
  [0, ...cuts].map((a, i) => [a, i < cuts.length ? cuts[i]! : n]);

/** Closed form of a B-input pipeline with deterministic stage times: (sum + (B - 1) x max) / B. */
export const batchMsPerInput = (stageMs: readonly number[], batch: number): number => {
  const sum = stageMs.reduce((s, x) => s + x, 0);
  const slowest = stageMs.reduce((m, x) => max(m, x), 0);
  return (sum + (batch - 1) * slowest) / batch;
};

/** Prices a plan. Invalid cuts are a defect of the caller here (validate user plans with `checkCuts`). */
export function evaluatePlan(model: CostModel, cuts: readonly number[], batch = 15): PlanEvaluation {
  const n = model.graph.ops.length;
  const checked = checkCuts(n, cuts);
  if (E.isLeft(checked)) throw new RangeError(checked.left._tag === 'SegmentInvalid' ? checked.left.message : 'invalid cuts');
  if (!(isInteger(batch) && batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  const segments = segmentRanges(n, cuts).map(([a, b]) => model.segment(a, b));
  const ms = segments.map((s) => s.ms);
  return {
    cuts: [...cuts],
    segments,
    bottleneckMs: max(...ms),
    latencyMs: ms.reduce((s, x) => s + x, 0),
    batch,
    msPerInput: batchMsPerInput(ms, batch),
  };
}
