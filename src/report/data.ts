import type { Band, RatioBand } from '../../cost-models/bands';
import type { CellRecord } from '../experiments/store';
import type { SegmentResult } from '../plan/result';
import { DEFAULT_RUNNER } from '../../cost-models/names';

/** One finished cell flattened for tables and figures. Times in ms, sizes in bytes. */
export interface Row {
  readonly id: string;
  readonly model: string;
  readonly tpus: number;
  readonly strategy: string;
  readonly label: string;
  readonly profile: string;
  readonly seed: number;
  readonly batch: number;
  readonly objective: string;
  /** The pipeline runner the prediction models (see `runnerOf`). */
  readonly runner: string;
  readonly msPerInput?: number;
  /** The 80% band of msPerInput from the profile's calibration rows of the prediction's regime, when it has one. */
  readonly msPerInputLow?: number;
  readonly msPerInputHigh?: number;
  readonly regime?: string;
  /** The band's source: its calibration rows and whose they are. */
  readonly band?: Band;
  readonly bottleneckMs?: number;
  readonly latencyMs?: number;
  /** One-time costs inside the batch (first invokes on a fresh runner). */
  readonly firstMs?: number;
  readonly stageMs: readonly number[];
  readonly cuts: readonly number[];
  /** Per segment: ops, parameter bytes on and off chip, time (empty when the cell failed). */
  readonly segments: readonly SegmentResult[];
  readonly onChipBytes?: number;
  readonly offChipBytes?: number;
  readonly modelParamBytes?: number;
  readonly modelOps?: number;
  readonly modelInput?: readonly number[];
  readonly searchMs?: number;
  readonly error?: string;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** The pipeline runner a record was predicted for (its `runner` field, in the params, result or record). */
export function runnerOf(r: CellRecord): string {
  const pick = (o: unknown): string | undefined => {
    const v = (o as { runner?: unknown } | undefined)?.runner;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return pick(r.params) ?? pick(r.result) ?? pick(r) ?? DEFAULT_RUNNER;
}

const RUNNER_NAMES: Readonly<Record<string, string>> = {
  pycoral: "pycoral's C++ PipelinedModelRunner",
  'python-threads': 'Python threads, one per TPU',
};
export const runnerName = (runner: string): string => RUNNER_NAMES[runner] ?? runner;

export function rowOf(r: CellRecord): Row {
  const p = r.params;
  const res = r.result;
  const error = r.error ?? res?.error;
  const ok = res !== undefined && error === undefined;
  return {
    id: r.cell, model: p.model, tpus: p.tpus, strategy: r.strategyName ?? p.strategy, label: p.label, profile: p.profile, seed: p.seed, batch: p.batch, objective: p.objective,
    runner: runnerOf(r),
    ...(ok ? {
      msPerInput: res.msPerInput, bottleneckMs: res.bottleneckMs, latencyMs: res.latencyMs, firstMs: res.firstMs ?? 0,
      ...(res.msPerInputLow !== undefined && res.msPerInputHigh !== undefined ? { msPerInputLow: res.msPerInputLow, msPerInputHigh: res.msPerInputHigh } : {}),
      ...(res.uncertainty ? { regime: res.uncertainty.regime, ...(res.uncertainty.band ? { band: res.uncertainty.band } : {}) } : {}),
      onChipBytes: sum(res.segments.map((s) => s.onChipBytes)), offChipBytes: sum(res.segments.map((s) => s.offChipBytes)),
    } : {}),
    stageMs: ok ? res.segments.map((s) => s.ms) : [],
    cuts: ok ? res.cuts : [],
    segments: ok ? res.segments : [],
    ...(r.modelParamBytes !== undefined ? { modelParamBytes: r.modelParamBytes } : {}),
    ...(r.modelOps !== undefined ? { modelOps: r.modelOps } : {}),
    ...(r.modelInput !== undefined ? { modelInput: r.modelInput } : {}),
    ...(res?.searchMs !== undefined ? { searchMs: res.searchMs } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/** Short display name of a model spec: `zoo:resnet50_v1@299` -> `resnet50_v1@299`. */
export const modelName = (spec: string): string => (spec.startsWith('zoo:') ? spec.slice(4) : spec);

const groupKey = (r: Row): string => `${r.model}\u0000${r.profile}\u0000${r.seed}\u0000${r.batch}`;

export interface Speedup {
  /** ms per input on one TPU / ms per input here. */
  readonly overOne?: number;
  /** ms per input of the compiler's split (same N) / ms per input here. */
  readonly overCompiler?: number;
  /** overCompiler scaled by the profile's speedup band (cost-models/bands.ts), when it has one. */
  readonly overCompilerLow?: number;
  readonly overCompilerHigh?: number;
}

/**
 * Speedups of every row. The 1-TPU reference is the same strategy's N = 1 cell, or any N = 1
 * cell of the model (every strategy gives the same single segment). The compiler reference is
 * the `compiler` strategy's cell at the same N.
 */
export function speedups(rows: readonly Row[], bandOf: (profile: string) => RatioBand | undefined = () => undefined): Map<string, Speedup> {
  const one = new Map<string, number>();
  const oneByLabel = new Map<string, number>();
  const compiler = new Map<string, number>();
  for (const r of rows) {
    if (r.msPerInput === undefined) continue;
    if (r.tpus === 1) {
      if (!one.has(groupKey(r))) one.set(groupKey(r), r.msPerInput);
      oneByLabel.set(`${groupKey(r)}\u0000${r.label}`, r.msPerInput);
    }
    if (r.strategy === 'compiler') compiler.set(`${groupKey(r)}\u0000${r.tpus}`, r.msPerInput);
  }
  const out = new Map<string, Speedup>();
  for (const r of rows) {
    if (r.msPerInput === undefined || r.msPerInput <= 0) continue;
    const base = oneByLabel.get(`${groupKey(r)}\u0000${r.label}`) ?? one.get(groupKey(r));
    const comp = compiler.get(`${groupKey(r)}\u0000${r.tpus}`);
    const band = comp !== undefined && r.strategy !== 'compiler' ? bandOf(r.profile) : undefined;
    out.set(r.id, {
      ...(base !== undefined ? { overOne: base / r.msPerInput } : {}),
      ...(comp !== undefined ? { overCompiler: comp / r.msPerInput } : {}),
      ...(comp !== undefined && band ? { overCompilerLow: (comp / r.msPerInput) * band.lo, overCompilerHigh: (comp / r.msPerInput) * band.hi } : {}),
    });
  }
  return out;
}

/** Distinct values in first-seen order. */
export const distinct = <A>(xs: readonly A[]): A[] => [...new Set(xs)];

const OBJECTIVE_NAMES: Readonly<Record<string, string>> = { throughput: 'the slowest stage', batch: 'the batch time', latency: 'the single-input latency' };

/** The setting a set of cells was predicted under: profile, batch, objective and runner, each listed once. */
export function settingText(rows: readonly Row[]): string {
  const list = <A>(xs: readonly A[], f: (x: A) => string): string => distinct(xs).map(f).join(' / ');
  return `profile ${list(rows.map((r) => r.profile), (p) => `\`${p}\``)}, batch of ${list(rows.map((r) => r.batch), String)}, ` +
    `searchers minimizing ${list(rows.map((r) => r.objective), (o) => OBJECTIVE_NAMES[o] ?? o)}, runner ${list(rows.map((r) => r.runner), runnerName)}`;
}
