import { SHARED, SHARED_COUNT, type CostModel, type SegmentCost, type SharedDemands } from '../../cost-models/types';
import type { WithLowerBound } from '../search/bound';
import { stageRowPricer } from '../search/rows';

/** The kind of TPU at board position t: TPUs of one kind price alike. */
export const positionKind = (cost: CostModel, t: number): string => cost.positionKey?.(t) ?? (cost.stageDependent ? String(t) : '');

/** The kinds of a board's K TPUs, by position. */
export const positionKinds = (cost: CostModel, K: number): string[] => Array.from({ length: K }, (_, t) => positionKind(cost, t));

/**
 * The cost model the searchers see for a layout's TPUs (src/pipeline/layout.ts): stage i, on the
 * TPUs `tpus[i]` taking alternate inputs, costs its slowest copy's time / the number of copies,
 * which is its term in the layout's steady state; its demands on what every stage shares are the
 * mean over its copies, plus, in a hybrid (stages on different numbers of TPUs), the handoff after
 * every stage but the last. So the steady state dp minimizes over this model (the
 * slowest stage, or a shared resource when their demands add up to more) is the layout's own for
 * the same cuts, and dp is exact for the given TPUs (strategies/dp.ts: any segment cost, per
 * position).
 */
export function assignedModel(cost: CostModel, tpus: readonly (readonly number[])[]): CostModel {
  const k = tpus.length;
  const copies = tpus.map((t) => t.length);
  const alike = new Set(tpus.flat().map((t) => positionKind(cost, t))).size <= 1;
  const hybrid = copies.some((c) => c !== copies[0]);
  const handoffAfter = copies.map((_, i) => hybrid && i + 1 < k);
  const at = (i: number): readonly number[] => {
    const t = tpus[i];
    if (t === undefined) throw new RangeError(`stage ${i} is not one of the layout's ${k} stages`);
    return t;
  };
  const scratch = new Float64Array(SHARED_COUNT);
  let row = new Float64Array(0);
  const price = stageRowPricer(cost);
  const own = (cost as CostModel & WithLowerBound).lowerBoundMs;
  const most = Math.max(...copies);
  const model: CostModel & WithLowerBound = {
    id: `${cost.id}+layout`,
    profile: cost.profile,
    graph: cost.graph,
    ...(cost.pipeline ? { pipeline: cost.pipeline } : {}),
    stageDependent: !(alike && copies.every((c) => c === copies[0])) || handoffAfter.some(Boolean),
    hasShared: cost.hasShared === true || handoffAfter.some(Boolean),
    segmentMs(a, b, stage = 0) {
      const ts = at(stage);
      let slow = 0;
      for (const t of ts) {
        const ms = cost.segmentMs(a, b, t);
        if (ms > slow) slow = ms;
      }
      return slow / ts.length;
    },
    segmentMsRow(b, lo, hi, out, stage = 0) {
      const ts = at(stage);
      if (row.length < out.length) row = new Float64Array(out.length);
      price(b, lo, hi, out, ts[0]!);
      for (let c = 1; c < ts.length; c++) {
        price(b, lo, hi, row, ts[c]!);
        for (let a = lo; a < hi; a++) if (row[a]! > out[a]!) out[a] = row[a]!;
      }
      if (ts.length > 1) for (let a = lo; a < hi; a++) out[a] = out[a]! / ts.length;
    },
    segment(a, b, stage = 0): SegmentCost {
      const ts = at(stage);
      let slow = cost.segment(a, b, ts[0]!);
      for (let c = 1; c < ts.length; c++) {
        const s = cost.segment(a, b, ts[c]!);
        if (s.ms > slow.ms) slow = s;
      }
      return { ...slow, ms: slow.ms / ts.length };
    },
    offChipBytes(a, b, stage = 0) {
      const ts = at(stage);
      let sum = 0;
      for (const t of ts) sum += cost.offChipBytes ? cost.offChipBytes(a, b, t) : cost.segment(a, b, t).offChipBytes;
      return sum / ts.length;
    },
    sharedMs(a: number, b: number, out: SharedDemands, stage = 0) {
      const ts = at(stage);
      out.fill(0);
      if (cost.sharedMs) {
        for (const t of ts) {
          cost.sharedMs(a, b, scratch, t);
          for (let s = 0; s < SHARED_COUNT; s++) out[s] = out[s]! + scratch[s]! / ts.length;
        }
      }
      if (handoffAfter[stage] && cost.handoffMs) {
        const h = cost.handoffMs(b);
        out[SHARED.gil] = out[SHARED.gil]! + h;
        out[SHARED.hostCpu] = out[SHARED.hostCpu]! + h;
      }
    },
    ...(cost.firstMs ? {
      firstMs: (a: number, b: number, stage = 0) => Math.max(...at(stage).map((t) => cost.firstMs!(a, b, t))),
    } : {}),
    // Every copy costs at least the model's bound, and a stage has at most `most` copies.
    ...(typeof own === 'function' ? { lowerBoundMs: (a: number, b: number) => own.call(cost, a, b) / most } : {}),
  };
  return model;
}
