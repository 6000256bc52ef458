import * as os from 'node:os';

/**
 * The performance targets of issue 14 as `npm run bench` measures them (bench/targets.ts): each a
 * median of this run, with its target and a reference measured alongside (interleaved with it, so
 * both see the same load). Shared by the bench and by scripts/readme/performance.ts.
 */
export interface Figure {
  readonly what: string;
  readonly value: number;
  readonly unit: 'ms' | 's' | 'x' | 'MB';
  /** The target as an upper bound (`value <= max`) or a lower bound (`value >= min`). */
  readonly target: { readonly max: number } | { readonly min: number };
  readonly reference?: { readonly what: string; readonly value: number; readonly unit: 'ms' | 's' | 'x' | 'MB' };
  /** How it was measured: runs, load. */
  readonly note: string;
}

/** The middle of the values (the mean of the middle two for an even count). */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The machine's load averages over 1, 5 and 15 minutes (the first `count` of them), as `0.52 0.61 0.70`. */
export const loadAverage = (count = 3): string => os.loadavg().slice(0, count).map((x) => x.toFixed(2)).join(' ');

export const met = (f: Figure): boolean => ('max' in f.target ? f.value <= f.target.max : f.value >= f.target.min);
/** Value over target: at most 1 for an upper bound met; for a lower bound, at least 1. */
export const toTarget = (f: Figure): number => f.value / ('max' in f.target ? f.target.max : f.target.min);
/** Value over the reference measured alongside, when there is one in the same unit. */
export const toReference = (f: Figure): number | undefined => (f.reference && f.reference.unit === f.unit ? f.value / f.reference.value : undefined);

export const formatValue = (x: number, unit: Figure['unit']): string =>
  (unit === 'x' ? `${x.toFixed(2)}x` : unit === 's' ? `${x.toFixed(3)} s` : unit === 'MB' ? `${x.toFixed(0)} MB` : `${x.toFixed(2)} ms`);
export const formatTarget = (f: Figure): string => ('max' in f.target ? `<= ${formatValue(f.target.max, f.unit)}` : `>= ${formatValue(f.target.min, f.unit)}`);
export const formatReference = (f: Figure): string => (f.reference ? `${f.reference.what} ${formatValue(f.reference.value, f.reference.unit)}` : '');

/** What `npm run bench` writes to bench/results.json. */
export interface BenchResults {
  readonly started: string;
  readonly cpus: number;
  readonly node: string;
  readonly loadStart: string;
  readonly loadEnd: string;
  readonly figures: readonly Figure[];
}
