import type { CostProfile } from '../../cost-models';
import type { CalibrationCase } from './cases';
import { mibErrors, predictCase } from './predict';
import { median, p90, relErr } from './stats';

/** Predicted against measured, row by row and per file, with the targets. */

export interface RowResult {
  readonly file: string;
  readonly group: CalibrationCase['group'];
  readonly label: string;
  readonly spec: string;
  readonly cuts: readonly number[];
  readonly split?: CalibrationCase['split'];
  readonly batch: number;
  readonly profile: string;
  readonly measuredMs: number;
  readonly predictedMs: number;
  readonly relErr: number;
  readonly onChipMiB?: readonly number[];
  readonly offChipMiB?: readonly number[];
  readonly predictedOnChipMiB: readonly number[];
  readonly predictedOffChipMiB: readonly number[];
  readonly onChipErrMiB?: number;
  readonly offChipErrMiB?: number;
}

export interface FileSummary {
  readonly file: string;
  readonly group: CalibrationCase['group'];
  readonly profile: string;
  readonly rows: number;
  readonly medianAbsRelErr: number;
  readonly p90AbsRelErr: number;
  /** Median target: 10% on every file (15% for held-out files, src/calibrate/report.ts). */
  readonly target: number;
  readonly pass: boolean;
  /** Off-chip MiB: median and worst absolute error, rows within 0.5 MiB. */
  readonly offChip?: { readonly medianErrMiB: number; readonly maxErrMiB: number; readonly within: number; readonly target?: boolean };
  readonly onChip?: { readonly medianErrMiB: number; readonly maxErrMiB: number };
}

export const TIME_TARGET = { single: 0.1, published: 0.1, multi: 0.1 } as const;
export const OFF_CHIP_TARGET_MIB = 0.5;

export function rowResults(cases: readonly CalibrationCase[], profileFor: (c: CalibrationCase) => CostProfile): RowResult[] {
  return cases.map((c) => {
    const profile = profileFor(c);
    const p = predictCase(c, profile);
    const e = mibErrors(c, p);
    return {
      file: c.file, group: c.group, label: c.label, spec: c.spec, cuts: p.cuts, ...(c.split ? { split: c.split } : {}), batch: c.batch, profile: profile.name,
      measuredMs: c.measuredMs, predictedMs: p.ms, relErr: relErr(p.ms, c.measuredMs),
      ...(c.onChipMiB ? { onChipMiB: c.onChipMiB } : {}), ...(c.offChipMiB ? { offChipMiB: c.offChipMiB } : {}),
      predictedOnChipMiB: p.onChipMiB, predictedOffChipMiB: p.offChipMiB,
      ...(e.on !== undefined ? { onChipErrMiB: e.on } : {}), ...(e.off !== undefined ? { offChipErrMiB: e.off } : {}),
    };
  });
}

/** Files in first-seen order; a published file splits by profile (one summary per column). */
export function summarize(rows: readonly RowResult[]): FileSummary[] {
  const keys: string[] = [];
  const groups = new Map<string, RowResult[]>();
  for (const r of rows) {
    const k = `${r.file}\u0000${r.profile}`;
    if (!groups.has(k)) { groups.set(k, []); keys.push(k); }
    groups.get(k)!.push(r);
  }
  return keys.map((k) => {
    const rs = groups.get(k)!;
    const first = rs[0]!;
    const abs = rs.map((r) => Math.abs(r.relErr));
    const target = TIME_TARGET[first.group];
    const off = rs.filter((r) => r.offChipErrMiB !== undefined).map((r) => r.offChipErrMiB!);
    const on = rs.filter((r) => r.onChipErrMiB !== undefined).map((r) => r.onChipErrMiB!);
    // The MiB target applies to the single-TPU files.
    const offTarget = first.group === 'single' && off.length > 0;
    return {
      file: first.file, group: first.group, profile: first.profile, rows: rs.length,
      medianAbsRelErr: median(abs), p90AbsRelErr: p90(abs), target, pass: median(abs) <= target,
      ...(off.length > 0 ? {
        offChip: {
          medianErrMiB: median(off), maxErrMiB: Math.max(...off), within: off.filter((x) => x <= OFF_CHIP_TARGET_MIB).length,
          ...(offTarget ? { target: off.every((x) => x <= OFF_CHIP_TARGET_MIB) } : {}),
        },
      } : {}),
      ...(on.length > 0 ? { onChip: { medianErrMiB: median(on), maxErrMiB: Math.max(...on) } } : {}),
    };
  });
}
