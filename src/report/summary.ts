import { distinct, modelName, type Row, type Speedup } from './data';
import type { Table } from './format';

/**
 * The per-strategy summary of a multi-TPU experiment: over every cell with N >= 2 and a result,
 * how many cells each strategy won (fastest at its model, N, profile, seed and batch; ties count
 * for each tied strategy), the geometric means of its speedups over the compiler's split and over
 * one TPU, and its worst and best cells by the speedup over the compiler. The best cell is taken
 * among cells at least as fast as one TPU, so it never names a slowdown as a speedup; where no
 * 1-TPU cell ran, nothing is said about one TPU ('-').
 */

export interface CellRef {
  readonly model: string;
  readonly tpus: number;
  readonly value: number;
}

export interface StrategySummary {
  readonly label: string;
  readonly profile: string;
  /** Multi-TPU cells with a result. */
  readonly cells: number;
  readonly won: number;
  readonly geoOverCompiler?: number;
  readonly geoOverOne?: number;
  /** Cells whose speedup over the compiler is below 1. */
  readonly belowCompiler: number;
  /** Cells slower than one TPU; undefined when no cell of the strategy has a 1-TPU reference. */
  readonly belowOne?: number;
  readonly worst?: CellRef;
  readonly best?: CellRef;
}

const REL = 1e-9;
export const geomean = (xs: readonly number[]): number | undefined =>
  xs.length === 0 ? undefined : Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

const groupOf = (r: Row): string => `${r.model}\u0000${r.profile}\u0000${r.seed}\u0000${r.batch}\u0000${r.tpus}`;

/** One summary per (profile, strategy label), in first-seen order. */
export function strategySummaries(rows: readonly Row[], speedups: ReadonlyMap<string, Speedup>): StrategySummary[] {
  const multi = rows.filter((r) => r.tpus >= 2 && r.msPerInput !== undefined);
  const fastest = new Map<string, number>();
  for (const r of multi) fastest.set(groupOf(r), Math.min(fastest.get(groupOf(r)) ?? Infinity, r.msPerInput!));
  const out: StrategySummary[] = [];
  for (const profile of distinct(multi.map((r) => r.profile))) {
    for (const label of distinct(multi.filter((r) => r.profile === profile).map((r) => r.label))) {
      const mine = multi.filter((r) => r.profile === profile && r.label === label);
      const overCompiler = mine.flatMap((r) => {
        const v = speedups.get(r.id)?.overCompiler;
        return v === undefined ? [] : [{ r, v }];
      });
      const overOne = mine.flatMap((r) => {
        const v = speedups.get(r.id)?.overOne;
        return v === undefined ? [] : [v];
      });
      const ref = (x: { r: Row; v: number }): CellRef => ({ model: x.r.model, tpus: x.r.tpus, value: x.v });
      const worst = overCompiler.reduce<{ r: Row; v: number } | undefined>((w, x) => (w === undefined || x.v < w.v - REL ? x : w), undefined);
      // A cell known to be slower than one TPU is no best cell; without a 1-TPU cell nothing is known.
      const atLeastOne = overCompiler.filter((x) => (speedups.get(x.r.id)?.overOne ?? 1) >= 1);
      const best = atLeastOne.reduce<{ r: Row; v: number } | undefined>((b, x) => (b === undefined || x.v > b.v + REL ? x : b), undefined);
      const geoC = geomean(overCompiler.map((x) => x.v));
      const geoO = geomean(overOne);
      out.push({
        label, profile, cells: mine.length,
        won: mine.filter((r) => r.msPerInput! <= fastest.get(groupOf(r))! * (1 + REL)).length,
        ...(geoC !== undefined ? { geoOverCompiler: geoC } : {}),
        ...(geoO !== undefined ? { geoOverOne: geoO } : {}),
        belowCompiler: overCompiler.filter((x) => x.v < 1 - REL).length,
        ...(overOne.length > 0 ? { belowOne: overOne.filter((v) => v < 1 - REL).length } : {}),
        ...(worst !== undefined ? { worst: ref(worst) } : {}),
        ...(best !== undefined ? { best: ref(best) } : {}),
      });
    }
  }
  return out;
}

export const times = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(2)}x`);
const cellText = (c: CellRef | undefined): string => (c === undefined ? '-' : `${times(c.value)} (${modelName(c.model)}, N=${c.tpus})`);

export const SUMMARY_COLUMNS = ['strategy', 'cells', 'cells won', 'geo-mean x compiler', 'geo-mean x 1 TPU', 'below compiler', 'slower than 1 TPU', 'worst cell x compiler', 'best cell x compiler'] as const;

/** The summary of one profile as a table (every number computed above, two decimals). */
export function summaryTable(summaries: readonly StrategySummary[]): Table {
  return {
    columns: [...SUMMARY_COLUMNS],
    rows: summaries.map((s) => [
      s.label, s.cells, s.won, times(s.geoOverCompiler), times(s.geoOverOne), s.belowCompiler, s.belowOne ?? '-', cellText(s.worst), cellText(s.best),
    ]),
  };
}
