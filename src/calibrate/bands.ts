import { regimeKey, regimeOf, type Band } from '../../cost-models/bands';
import type { CostProfile } from '../../cost-models';
import { rowResults, type RowResult } from './accuracy';
import type { CalibrationCase } from './cases';
import { quantile } from './stats';

/** Bands need a few rows to mean anything: fewer than this and the regime gets none of its own. */
export const MIN_BAND_ROWS = 2;

/**
 * The bands of a fitted profile (cost-models/bands.ts): per regime of its calibration rows, the
 * 10th and 90th percentiles of measured / predicted. Published rows count for the profile of
 * their column only.
 */
export function bandsOf(cases: readonly CalibrationCase[], profile: CostProfile): Record<string, Band> {
  return bandsOfRows(cases, rowResults(cases, () => profile), profile.name);
}

/** bandsOf from the cases' rows already predicted with the profile named `profile` (`rows[i]` is `cases[i]`'s, from rowResults). */
export function bandsOfRows(cases: readonly CalibrationCase[], rows: readonly RowResult[], profile: string): Record<string, Band> {
  if (rows.length !== cases.length) throw new RangeError(`${rows.length} rows for ${cases.length} cases`);
  const ratios = new Map<string, number[]>();
  cases.forEach((c, i) => {
    if (c.profile !== undefined && c.profile !== profile) return;
    const r = rows[i]!;
    const key = regimeKey(regimeOf(c.graph, r.predictedOffChipMiB.map((x) => ({ offChipBytes: x }))));
    if (!ratios.has(key)) ratios.set(key, []);
    ratios.get(key)!.push(c.measuredMs / r.predictedMs);
  });
  const out: Record<string, Band> = {};
  for (const key of [...ratios.keys()].sort()) {
    const xs = ratios.get(key)!;
    if (xs.length < MIN_BAND_ROWS) continue;
    const round = (x: number): number => Number(x.toFixed(4));
    out[key] = { lo: round(quantile(xs, 0.1)), hi: round(quantile(xs, 0.9)), rows: xs.length, from: profile };
  }
  return out;
}

/** `own` completed with the bands of `other` for the regimes `own` has no rows in. */
export function withBorrowed(own: Readonly<Record<string, Band>>, other: Readonly<Record<string, Band>>): Record<string, Band> {
  const out: Record<string, Band> = { ...own };
  for (const [k, b] of Object.entries(other)) if (!(k in out)) out[k] = b;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
