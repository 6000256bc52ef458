import { profileValues, type CostProfile, type ProfileValues } from '../../cost-models';
import { edgeTpuModelOf } from '../../cost-models/edgetpu';
import { batchMsPerInput, evaluatePlan, segmentRanges } from '../pipeline/evaluate';
import type { CalibrationCase } from './cases';

// Module-level aliases: inside a vm context (jest) every global lookup goes through an interceptor.
const { abs, max } = Math;

const MiB = 1024 * 1024;

/** What the model says about one measured case: time per input and the compiler's MiB per segment. */
export interface CasePrediction {
  readonly ms: number;
  readonly onChipMiB: readonly number[];
  readonly offChipMiB: readonly number[];
}

const valuesOf = (p: CostProfile | ProfileValues): ProfileValues => ('constants' in p ? profileValues(p as CostProfile) : (p as ProfileValues));

export function predictCase(c: CalibrationCase, profile: CostProfile | ProfileValues): CasePrediction {
  const ev = evaluatePlan(edgeTpuModelOf(c.graph, valuesOf(profile), 'calibration'), c.cuts, c.batch);
  return {
    ms: ev.msPerInput,
    onChipMiB: ev.segments.map((s) => s.onChipBytes / MiB),
    offChipMiB: ev.segments.map((s) => s.offChipBytes / MiB),
  };
}

/** Time per input only: the fitting loop's hot path. */
export function predictMs(c: CalibrationCase, values: ProfileValues): number {
  const m = edgeTpuModelOf(c.graph, values, 'calibration');
  return batchMsPerInput(segmentRanges(c.graph.ops.length, c.cuts).map(([a, b]) => m.segmentMs(a, b)), c.batch);
}

/** Largest absolute MiB difference over the segments, on-chip and off-chip apart; undefined without measured MiB. */
export function mibErrors(c: CalibrationCase, p: CasePrediction): { on?: number; off?: number } {
  const worst = (measured: readonly number[] | undefined, predicted: readonly number[]): number | undefined =>
    measured ? max(...measured.map((m, i) => abs((predicted[i] ?? 0) - m))) : undefined;
  const on = worst(c.onChipMiB, p.onChipMiB);
  const off = worst(c.offChipMiB, p.offChipMiB);
  return { ...(on !== undefined ? { on } : {}), ...(off !== undefined ? { off } : {}) };
}
