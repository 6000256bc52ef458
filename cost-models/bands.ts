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

/** measured / predicted: a band outside this range is no calibration of this model (real ones lie within 0.7 to 1.5). */
export const BAND_RANGE = { lo: 0.01, hi: 100 } as const;
const REGIME_KEY = /^(single|pipeline)\/(conv|fc)\/(on-chip|streaming)$/;

const showValue = (u: unknown): string => (u === undefined ? 'nothing (missing)' : typeof u === 'string' ? JSON.stringify(u.length > 40 ? `${u.slice(0, 37)}...` : u) : typeof u === 'object' && u !== null ? (Array.isArray(u) ? 'an array' : 'an object') : String(u));

/** What is wrong with one band-like object at `at` (a time band counts `rows`, a speedup band `pairs` against a split). */
function bandProblems(u: unknown, at: string, count: 'rows' | 'pairs'): string[] {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return [`${at}: expected a band {lo, hi, ${count}, from}, got ${showValue(u)}`];
  const b = u as Record<string, unknown>;
  const out: string[] = [];
  const ratio = (k: 'lo' | 'hi'): number | undefined => {
    const v = b[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= BAND_RANGE.lo && v <= BAND_RANGE.hi) return v;
    out.push(`${at}.${k}: expected a ratio measured / predicted from ${BAND_RANGE.lo} to ${BAND_RANGE.hi}, got ${showValue(v)}`);
    return undefined;
  };
  const lo = ratio('lo');
  const hi = ratio('hi');
  if (lo !== undefined && hi !== undefined && lo > hi) out.push(`${at}: lo ${lo} is above hi ${hi}`);
  const n = b[count];
  if (!(typeof n === 'number' && Number.isSafeInteger(n) && n >= 1)) out.push(`${at}.${count}: expected a count of at least 1, got ${showValue(n)}`);
  if (typeof b['from'] !== 'string') out.push(`${at}.from: expected the name of the profile whose rows it comes from, got ${showValue(b['from'])}`);
  if (count === 'pairs' && typeof b['against'] !== 'string') out.push(`${at}.against: expected the split it compares with the compiler's, got ${showValue(b['against'])}`);
  return out;
}

/**
 * The problems of a profile's `calibration.bands` and `calibration.ratioBand`, each with its path:
 * a band that is not one (a string, null, lo above hi, 1e308, rows -1) is refused with the profile
 * rather than dropped or printed.
 */
export function calibrationProblems(calibration: Readonly<Record<string, unknown>> | undefined): string[] {
  if (calibration === undefined) return [];
  const out: string[] = [];
  const bands = calibration['bands'];
  if (bands !== undefined) {
    if (typeof bands !== 'object' || bands === null || Array.isArray(bands)) out.push(`calibration.bands: expected bands by regime, got ${showValue(bands)}`);
    else {
      for (const [k, b] of Object.entries(bands)) {
        if (!REGIME_KEY.test(k)) out.push(`calibration.bands.${k}: unknown regime (regimes: single or pipeline / conv or fc / on-chip or streaming)`);
        else out.push(...bandProblems(b, `calibration.bands.${k}`, 'rows'));
      }
    }
  }
  if (calibration['ratioBand'] !== undefined) out.push(...bandProblems(calibration['ratioBand'], 'calibration.ratioBand', 'pairs'));
  return out;
}

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
