import { profileValues, type CostProfile, type ProfileValues } from '../../cost-models';
import { edgeTpuModelOf } from '../../cost-models/edgetpu';
import { SHARED, SHARED_COUNT } from '../../cost-models/types';
import { evaluatePlan, pipelineTimes, segmentRanges } from '../pipeline/evaluate';
import type { CalibrationCase } from './cases';

// Module-level aliases: inside a vm context (jest) every global lookup goes through an interceptor.
const { abs, max } = Math;

const MiB = 1024 * 1024;

/** What the model says about one measured case: time per input and the compiler's MiB per segment. */
export interface CasePrediction {
  readonly ms: number;
  /** The cuts priced: the case's, or the fastest of its candidates. */
  readonly cuts: readonly number[];
  readonly onChipMiB: readonly number[];
  readonly offChipMiB: readonly number[];
}

const valuesOf = (p: CostProfile | ProfileValues): ProfileValues => ('constants' in p ? profileValues(p as CostProfile) : (p as ProfileValues));

/** The case's model as it was measured: its runner and its runner start (transient: used and dropped at once). */
const modelOf = (c: CalibrationCase, values: ProfileValues) => edgeTpuModelOf(c.graph, values, 'calibration', c.runner ?? 'pycoral', c.freshRunner ?? false, true);

export function predictCase(c: CalibrationCase, profile: CostProfile | ProfileValues): CasePrediction {
  const values = valuesOf(profile);
  const cuts = c.candidates ? fastestOf(c, values).cuts : c.cuts;
  const ev = evaluatePlan(modelOf(c, values), cuts, c.batch);
  return {
    ms: ev.msPerInput,
    cuts,
    onChipMiB: ev.segments.map((s) => s.onChipBytes / MiB),
    offChipMiB: ev.segments.map((s) => s.offChipBytes / MiB),
  };
}

/** Time per input only: the fitting loop's hot path. */
const shared = new Float64Array(SHARED_COUNT);

export function predictMs(c: CalibrationCase, values: ProfileValues): number {
  return c.candidates ? fastestOf(c, values).ms : msOf(c, c.cuts, values);
}

/** The candidate cut set the model prices fastest (the first on a tie), and its ms per input. */
function fastestOf(c: CalibrationCase, values: ProfileValues): { cuts: readonly number[]; ms: number } {
  let best = { cuts: c.cuts, ms: Infinity };
  for (const cuts of c.candidates ?? [c.cuts]) {
    const ms = msOf(c, cuts, values);
    if (ms < best.ms) best = { cuts, ms };
  }
  return best;
}

function msOf(c: CalibrationCase, cuts: readonly number[], values: ProfileValues): number {
  const m = modelOf(c, values);
  const stages = segmentRanges(c.graph.ops.length, cuts).map(([a, b], stage) => {
    m.sharedMs!(a, b, shared);
    return { ms: m.segmentMs(a, b, stage), gilMs: shared[SHARED.gil]!, linkMs: shared[SHARED.link]!, hostCpuMs: shared[SHARED.hostCpu]!, firstMs: c.freshRunner ? m.firstMs!(a, b) : 0 };
  });
  return pipelineTimes(stages, m.pipeline, c.batch).msPerInput;
}

/** Largest absolute MiB difference over the segments, on-chip and off-chip apart; undefined without measured MiB. */
export function mibErrors(c: CalibrationCase, p: CasePrediction): { on?: number; off?: number } {
  const worst = (measured: readonly number[] | undefined, predicted: readonly number[]): number | undefined =>
    measured ? max(...measured.map((m, i) => abs((predicted[i] ?? 0) - m))) : undefined;
  const on = worst(c.onChipMiB, p.onChipMiB);
  const off = worst(c.offChipMiB, p.offChipMiB);
  return { ...(on !== undefined ? { on } : {}), ...(off !== undefined ? { off } : {}) };
}
