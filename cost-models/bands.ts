import type { LayerGraph } from '../src/graph/types';
import type { CostProfile } from './profile';
import type { SegmentCost } from './types';

/**
 * Uncertainty bands. Every prediction falls in a regime (one stage or a pipeline; a conv- or
 * fc-dominated model; everything cached on chip or some parameters streamed), and the profile's
 * calibration records, per regime, how measured times spread around the predicted ones on its
 * calibration rows: the 10th and 90th percentiles of measured / predicted. A prediction of `ms`
 * in that regime then carries the band [lo x ms, hi x ms]: on the calibration rows of the regime,
 * 8 measurements in 10 fell inside it. A regime without rows of the profile's own borrows the
 * band of the same regime from the profile it names (`borrowedFrom`), or has none.
 */

export type Stages = 'single' | 'pipeline';
export type Family = 'conv' | 'fc';
export type Residency = 'on-chip' | 'streaming';

export interface Regime {
  readonly stages: Stages;
  readonly family: Family;
  readonly residency: Residency;
}

export const regimeKey = (r: Regime): string => `${r.stages}/${r.family}/${r.residency}`;

export interface Band {
  /** measured / predicted at the 10th and 90th percentile of the regime's calibration rows. */
  readonly lo: number;
  readonly hi: number;
  readonly rows: number;
  /** Profile whose rows the band comes from. */
  readonly from: string;
}

/** A model is fc-dominated when fully-connected layers carry most of its MACs. */
export function familyOf(graph: LayerGraph): Family {
  let fc = 0;
  let other = 0;
  for (const op of graph.ops) {
    if (op.type === 'FULLY_CONNECTED') fc += op.macs;
    else other += op.macs;
  }
  return fc > other ? 'fc' : 'conv';
}

export function regimeOf(graph: LayerGraph, segments: readonly Pick<SegmentCost, 'offChipBytes'>[]): Regime {
  return {
    stages: segments.length > 1 ? 'pipeline' : 'single',
    family: familyOf(graph),
    residency: segments.some((s) => s.offChipBytes > 0) ? 'streaming' : 'on-chip',
  };
}

const isBand = (u: unknown): u is Band => {
  const b = u as Band | null;
  return b !== null && typeof b === 'object' && Number.isFinite(b.lo) && Number.isFinite(b.hi) && b.lo > 0 && b.hi >= b.lo
    && Number.isInteger(b.rows) && typeof b.from === 'string';
};

/** The profile's bands by regime key, as `tpuseg calibrate` recorded them. */
export function profileBands(profile: CostProfile): Readonly<Record<string, Band>> {
  const raw = profile.calibration?.['bands'];
  if (raw === null || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter((e): e is [string, Band] => isBand(e[1])));
}

export function bandFor(profile: CostProfile, regime: Regime): Band | undefined {
  return profileBands(profile)[regimeKey(regime)];
}

/**
 * The band of a speedup: a ratio of two predicted times of one model on one host (another split's
 * against the compiler's). The calibration pairs two splits of one model timed on one bench and
 * records the 10th and 90th percentiles of measured / predicted ratio (src/calibrate/ratios.ts):
 * errors both splits share cancel in a ratio, so it is not the two time bands multiplied.
 */
export interface RatioBand {
  readonly lo: number;
  readonly hi: number;
  /** Measured pairs it rests on, the split they compare with the compiler's, and whose rows. */
  readonly pairs: number;
  readonly against: string;
  readonly from: string;
}

const isRatioBand = (u: unknown): u is RatioBand => {
  const b = u as RatioBand | null;
  return b !== null && typeof b === 'object' && Number.isFinite(b.lo) && Number.isFinite(b.hi) && b.lo > 0 && b.hi >= b.lo
    && Number.isInteger(b.pairs) && typeof b.from === 'string' && typeof b.against === 'string';
};

/** The profile's speedup band, as `tpuseg calibrate` recorded it (or borrowed it). */
export function ratioBandOf(profile: CostProfile): RatioBand | undefined {
  const raw = profile.calibration?.['ratioBand'];
  return isRatioBand(raw) ? raw : undefined;
}

/** A predicted speedup with its band, when the profile has one. */
export interface Speedup {
  readonly ratio: number;
  readonly low?: number;
  readonly high?: number;
  readonly band?: RatioBand;
}

export function speedupOf(ratio: number, band: RatioBand | undefined): Speedup {
  return band ? { ratio, low: ratio * band.lo, high: ratio * band.hi, band } : { ratio };
}

/** "1.23x (80% band 1.01-1.46)", "1.23x (1.01-1.46)" with an empty label, or "1.23x" without a band. */
export function speedupText(s: Pick<Speedup, 'ratio' | 'low' | 'high'>, digits = 2, label = '80% band '): string {
  return s.low === undefined || s.high === undefined ? `${s.ratio.toFixed(digits)}x`
    : `${s.ratio.toFixed(digits)}x (${label}${s.low.toFixed(digits)}-${s.high.toFixed(digits)})`;
}

/** A band resting on fewer calibration rows (or pairs) than this is thin: its percentiles say little. */
export const THIN_BAND_ROWS = 10;

/**
 * What a band rests on, in words, saying when it is borrowed from another profile's rows and when
 * it is thin: "56 calibration rows of edgetpu-ucm-bench, borrowed: edgetpu-usb3 has none in this
 * regime", "4 calibration rows of edgetpu-usb3, thin: fewer than 10".
 */
export function bandRests(count: number, unit: string, from: string, profile: string): string {
  const notes = [...(from !== profile ? [`borrowed: ${profile} has none${unit.includes('pair') ? ' of its own' : ' in this regime'}`] : []),
    ...(count < THIN_BAND_ROWS ? [`thin: fewer than ${THIN_BAND_ROWS}`] : [])];
  return `${count} ${unit} of ${from}${notes.length > 0 ? `, ${notes.join('; ')}` : ''}`;
}
