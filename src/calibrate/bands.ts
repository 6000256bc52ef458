import { regimeKey, regimeOf, type Band } from '../../cost-models/bands';
import type { CostProfile } from '../../cost-models';
import type { CalibrationCase } from './cases';
import { predictCase } from './predict';
import { quantile } from './stats';

/** Bands need a few rows to mean anything: fewer than this and the regime gets none of its own. */
export const MIN_BAND_ROWS = 2;

/**
 * The bands of a fitted profile (cost-models/bands.ts): per regime of its calibration rows, the
 * 10th and 90th percentiles of measured / predicted. Published rows count for the profile of
 * their column only.
 */
export function bandsOf(cases: readonly CalibrationCase[], profile: CostProfile): Record<string, Band> {
  const ratios = new Map<string, number[]>();
  for (const c of cases) {
    if (c.profile !== undefined && c.profile !== profile.name) continue;
    const p = predictCase(c, profile);
    const key = regimeKey(regimeOf(c.graph, p.offChipMiB.map((x) => ({ offChipBytes: x }))));
    if (!ratios.has(key)) ratios.set(key, []);
    ratios.get(key)!.push(c.measuredMs / p.ms);
  }
  const out: Record<string, Band> = {};
  for (const key of [...ratios.keys()].sort()) {
    const xs = ratios.get(key)!;
    if (xs.length < MIN_BAND_ROWS) continue;
    const round = (x: number): number => Number(x.toFixed(4));
    out[key] = { lo: round(quantile(xs, 0.1)), hi: round(quantile(xs, 0.9)), rows: xs.length, from: profile.name };
  }
  return out;
}

/** `own` completed with the bands of `other` for the regimes `own` has no rows in. */
export function withBorrowed(own: Readonly<Record<string, Band>>, other: Readonly<Record<string, Band>>): Record<string, Band> {
  const out: Record<string, Band> = { ...own };
  for (const [k, b] of Object.entries(other)) if (!(k in out)) out[k] = b;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
