import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import type { LayerGraph } from '../graph/types';
import type { RunnerName } from '../../cost-models/profile';
import { configInvalid, infeasible, type TpusegError } from '../errors';
import { compilerCuts, layerCuts } from '../plan/fixed-splits';
import { parseCsv, parseNumbers, type CsvTable } from './csv';
import type { MeasurementEntry, PublishedEntry, Split } from './mapping';
import { calibrationModel } from './models';

/** One measured configuration: a model, its segmentation, and what was measured on it. */
export interface CalibrationCase {
  /** Base name of the file it came from. */
  readonly file: string;
  readonly group: 'single' | 'multi' | 'published';
  /** The row's key: `x=F` for measurement files, the model name for the published table. */
  readonly label: string;
  readonly spec: string;
  readonly graph: LayerGraph;
  readonly cuts: readonly number[];
  /** How the measurement file was segmented (mapped measurement files). */
  readonly split?: Split;
  /** Split `fastest`: the cut sets that were timed; the row measured the fastest, the model prices the fastest. */
  readonly candidates?: readonly (readonly number[])[];
  readonly batch: number;
  /** How the pipeline ran (multi-TPU rows): the runner, and whether the timed batch included first invokes. */
  readonly runner?: RunnerName;
  readonly freshRunner?: boolean;
  readonly measuredMs: number;
  /** Compiler-reported MiB per segment, when the file has them. */
  readonly onChipMiB?: readonly number[];
  readonly offChipMiB?: readonly number[];
  /** Published rows: the profile whose column this is. */
  readonly profile?: string;
}

export interface Skipped {
  readonly file: string;
  readonly label: string;
  readonly reason: string;
}

export interface CaseSet {
  readonly cases: readonly CalibrationCase[];
  readonly skipped: readonly Skipped[];
}

const ON = 'On chip mem used';
const OFF = 'Off chip mem used';
const TIME = 'Inference time';

const columnOf = (table: CsvTable, name: string, file: string): E.Either<TpusegError, number> => {
  const i = table.header.indexOf(name);
  return i >= 0 ? E.right(i) : E.left(configInvalid(file, [`no column "${name}" (columns: ${table.header.join(', ')})`]));
};

/** Most candidate cut sets `cutsFromMemory` weighs before it gives up (C(layers, N - 1)). */
const MAX_CUT_SETS = 100_000;

/**
 * The cuts of a split whose per-segment parameter MiB the compiler reported (on chip + off chip):
 * among cuts just before a layer (an op with parameters or MACs), each segment holding one, the set whose segments' shares
 * of the parameter bytes come closest (least sum of absolute differences) to the reported shares;
 * the first such set on a tie. Shares rather than MiB: the compiler pads and adds per-channel
 * data (cost-models/ops.ts), which scales both sides alike.
 */
export function cutsFromMemory(graph: LayerGraph, segmentMiB: readonly number[]): E.Either<TpusegError, number[]> {
  const n = segmentMiB.length;
  if (n <= 1) return E.right([]);
  const sets = layerCutSets(graph, n);
  if (E.isLeft(sets)) return sets;
  const prefix = [0];
  for (const op of graph.ops) prefix.push(prefix[prefix.length - 1]! + op.paramBytes);
  const total = prefix[graph.ops.length]!;
  const reported = segmentMiB.reduce((a, b) => a + b, 0);
  if (!(total > 0 && reported > 0)) return E.left(infeasible(`${graph.name}: no parameter bytes to read the cuts from`));
  const want = segmentMiB.map((m) => m / reported);
  let best: number[] = [];
  let bestScore = Infinity;
  for (const cuts of sets.right) {
    const bounds = [0, ...cuts, graph.ops.length];
    let score = 0;
    for (let s = 0; s < n; s++) score += Math.abs((prefix[bounds[s + 1]!]! - prefix[bounds[s]!]!) / total - want[s]!);
    if (score < bestScore - 1e-12) {
      bestScore = score;
      best = cuts;
    }
  }
  return E.right(best);
}

/** Every set of n - 1 cuts just before a layer (an op with parameters or MACs) but the first, in lexicographic order. */
export function layerCutSets(graph: LayerGraph, n: number): E.Either<TpusegError, number[][]> {
  // Every segment holds a layer: the cuts sit before the second layer onwards.
  const layers = graph.ops.filter((op) => op.paramBytes > 0 || op.macs > 0).map((op) => op.index).slice(1);
  if (layers.length < n - 1) return E.left(infeasible(`cannot cut ${graph.name} into ${n} segments at its layers (${layers.length + 1} layers)`));
  let count = 1;
  for (let i = 0; i < n - 1; i++) count = (count * (layers.length - i)) / (i + 1);
  if (count > MAX_CUT_SETS) return E.left(infeasible(`too many ways (${Math.round(count)}) to cut ${graph.name} into ${n} segments at its layers`));
  const out: number[][] = [];
  const chosen: number[] = [];
  const walk = (from: number): void => {
    if (chosen.length === n - 1) {
      out.push([...chosen]);
      return;
    }
    for (let i = from; i <= layers.length - (n - 1 - chosen.length); i++) {
      chosen.push(layers[i]!);
      walk(i + 1);
      chosen.pop();
    }
  };
  walk(0);
  return E.right(out);
}

interface RowCuts {
  readonly cuts: number[];
  /** Split `fastest`: every cut set that was timed (`cuts` is the first). */
  readonly candidates?: number[][];
}

function cutsFor(graph: LayerGraph, entry: MeasurementEntry, on: readonly number[] | undefined, off: readonly number[] | undefined): E.Either<TpusegError, RowCuts> {
  const only = E.map((cuts: number[]): RowCuts => ({ cuts }));
  if (entry.split === 'whole' || entry.tpus === 1) return E.right({ cuts: [] });
  if (entry.split === 'fastest') return E.map((sets: number[][]): RowCuts => ({ cuts: sets[0]!, candidates: sets }))(layerCutSets(graph, entry.tpus));
  if (entry.split === 'profiling') {
    if (!on || !off) return E.left(infeasible(`a profiling split needs the "${ON}" and "${OFF}" columns to read its cuts from`));
    return only(cutsFromMemory(graph, on.map((x, i) => x + off[i]!)));
  }
  return only(entry.split === 'compiler' ? compilerCuts(graph, entry.tpus) : layerCuts(graph, entry.tpus));
}

/** The cases of one measurement file (format of ../shared/data/edgetpu-measurements). */
export function measurementCases(text: string, file: string, entry: MeasurementEntry): E.Either<TpusegError, CaseSet> {
  const parsed = parseCsv(text, file);
  if (E.isLeft(parsed)) return parsed;
  const table = parsed.right;
  const cols = [entry.x, TIME].map((c) => columnOf(table, c, file));
  for (const c of cols) if (E.isLeft(c)) return c;
  const [xi, ti] = cols.map((c) => (c as E.Right<number>).right) as [number, number];
  const oi = table.header.indexOf(ON);
  const fi = table.header.indexOf(OFF);
  const cases: CalibrationCase[] = [];
  const base = path.basename(file);
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r]!;
    const where = `row ${r + 2}`;
    const x = row[xi]!.trim();
    const ms = Number(row[ti]);
    if (!/^\d+$/.test(x)) return E.left(configInvalid(file, [`${where}, column "${entry.x}": expected a positive integer, got "${x}"`]));
    if (!(Number.isFinite(ms) && ms > 0)) return E.left(configInvalid(file, [`${where}, column "${TIME}": expected a positive time, got "${row[ti]}"`]));
    const on = oi >= 0 ? parseNumbers(row[oi]!) : undefined;
    const off = fi >= 0 ? parseNumbers(row[fi]!) : undefined;
    if (oi >= 0 && (!on || on.length !== entry.tpus)) return E.left(configInvalid(file, [`${where}, column "${ON}": expected ${entry.tpus} number(s), got "${row[oi]}"`]));
    if (fi >= 0 && (!off || off.length !== entry.tpus)) return E.left(configInvalid(file, [`${where}, column "${OFF}": expected ${entry.tpus} number(s), got "${row[fi]}"`]));
    const spec = entry.model.replace(/\{x\}/g, x);
    const graph = calibrationModel(spec);
    if (E.isLeft(graph)) return graph;
    const cuts = cutsFor(graph.right, entry, on, off);
    if (E.isLeft(cuts)) return E.left(configInvalid(file, [`${where}: ${cuts.left._tag === 'Infeasible' ? cuts.left.message : cuts.left._tag}`]));
    cases.push({
      file: base, group: entry.group, label: `${entry.x}=${x}`, spec, graph: graph.right, cuts: cuts.right.cuts, split: entry.split, batch: entry.batch,
      ...(cuts.right.candidates ? { candidates: cuts.right.candidates } : {}),
      ...(entry.runner ? { runner: entry.runner } : {}), ...(entry.freshRunner ? { freshRunner: true } : {}), measuredMs: ms, ...(on ? { onChipMiB: on } : {}), ...(off ? { offChipMiB: off } : {}),
    });
  }
  return E.right({ cases, skipped: [] });
}

/**
 * The cases of the published table: one per (row, column) whose column maps to a profile.
 * A row whose model the zoo cannot build (not registered yet) is skipped with the reason.
 */
export function publishedCases(text: string, file: string, entry: PublishedEntry): E.Either<TpusegError, CaseSet> {
  const parsed = parseCsv(text, file);
  if (E.isLeft(parsed)) return parsed;
  const table = parsed.right;
  const mi = columnOf(table, 'model', file);
  if (E.isLeft(mi)) return mi;
  const ii = table.header.indexOf('input');
  const base = path.basename(file);
  const cases: CalibrationCase[] = [];
  const skipped: Skipped[] = [];
  for (const row of table.rows) {
    const name = row[mi.right]!;
    const template = entry.models[name];
    if (!template) {
      skipped.push({ file: base, label: name, reason: 'no model for it in the mapping' });
      continue;
    }
    const spec = template.replace(/\{input\}/g, ii >= 0 ? row[ii]! : '');
    const graph = calibrationModel(spec);
    if (E.isLeft(graph)) {
      skipped.push({ file: base, label: name, reason: `${spec} cannot be built: ${graph.left._tag === 'Usage' ? graph.left.message : graph.left._tag}` });
      continue;
    }
    for (const [column, profile] of Object.entries(entry.columns)) {
      const ci = table.header.indexOf(column);
      const ms = ci >= 0 ? Number(row[ci]) : NaN;
      if (!(Number.isFinite(ms) && ms > 0)) continue;
      cases.push({ file: base, group: 'published', label: `${name} (${column})`, spec, graph: graph.right, cuts: [], batch: 1, measuredMs: ms, profile });
    }
  }
  return E.right({ cases, skipped });
}
