import * as E from 'fp-ts/Either';
import { buildGraph } from '../graph/build';
import { rangeIndex, type RangeIndex } from '../graph/cuts';
import { isExecutionOrderTopological } from '../graph/topo';
import type { LayerGraph, Op, OpSpec, Tensor, TensorSpec } from '../graph/types';
import { exportFailed, type TpusegError } from '../errors';
import { cutFault } from '../pipeline/evaluate';

/**
 * Cutting a layer graph into per-segment sub-graphs (domain.md section 3). Segment i covers ops
 * [cuts[i-1], cuts[i]) and holds exactly those ops, the tensors they touch (constants with their
 * data, duplicated when several segments share one) and nothing else. Its inputs are the tensors
 * produced before it (or model inputs) that it reads, however many segments back they were made;
 * its outputs are the tensors it produces that a later segment reads, or that are model outputs.
 * Tensor names are kept: the pipeline runner routes tensors between segments by name.
 */

export interface Segment {
  readonly index: number;
  /** Op range [first, end) of the whole graph. */
  readonly first: number;
  readonly end: number;
  readonly graph: LayerGraph;
  /** Original tensor indices of the segment's inputs and outputs (in the sub-graph's port order). */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

export interface Segmentation {
  readonly segments: readonly Segment[];
  /** Things that extraction allows but a pycoral pipeline will not handle (e.g. a model output made by a non-final segment). */
  readonly warnings: readonly string[];
}

/** File-name stem of segment i of n, as the Edge TPU compiler names segments. */
export const segmentStem = (stem: string, i: number, n: number): string => `${stem}_segment_${i}_of_${n}`;

/** Checks a plan's cuts against the contract: strictly increasing op positions in 1..n-1. */
export function checkCuts(graph: LayerGraph, cuts: readonly number[]): E.Either<TpusegError, readonly number[]> {
  const n = graph.ops.length;
  const f = cutFault(n, cuts);
  if (f === undefined) return E.right(cuts);
  return E.left(exportFailed(f.kind === 'range'
    ? `cut ${f.index} is ${f.cut}: cuts must be integers in 1..${n - 1} (${graph.name} has ${n} ops)`
    : `cuts must be strictly increasing, got ${f.previous} then ${f.cut} (segments are never empty)`));
}

/** Model ports first in the model's order, then the rest by tensor index. */
function portOrder(tensors: readonly number[], modelPorts: readonly number[]): number[] {
  const set = new Set(tensors);
  const first = modelPorts.filter((t) => set.has(t));
  const firstSet = new Set(first);
  return [...first, ...[...tensors].sort((x, y) => x - y).filter((t) => !firstSet.has(t))];
}

/** A tensor's raw description (what buildGraph derives is left out). */
export function tensorSpec(t: Tensor): TensorSpec {
  const { index: _i, producer: _p, consumers: _c, ...rest } = t;
  return rest;
}

/** An op's raw description, its tensor indices passed through `map`. */
export function opSpec(op: Op, map: (t: number) => number = (t) => t): OpSpec {
  return {
    type: op.type,
    builtinCode: op.builtinCode,
    ...(op.customCode !== undefined ? { customCode: op.customCode } : {}),
    version: op.version,
    inputs: op.inputs.map(map),
    outputs: op.outputs.map(map),
    ...(op.intermediates !== undefined ? { intermediates: op.intermediates.map(map) } : {}),
    ...(op.options !== undefined ? { options: op.options } : {}),
    ...(op.customOptions !== undefined ? { customOptions: op.customOptions } : {}),
  };
}

/** The sub-graph of ops [a, b) with the given ports (original tensor indices). */
export function subGraph(
  graph: LayerGraph,
  a: number,
  b: number,
  inputs: readonly number[],
  outputs: readonly number[],
  name: string,
): LayerGraph {
  const used = new Set<number>([...inputs, ...outputs]);
  for (let i = a; i < b; i++) {
    const op = graph.ops[i]!;
    for (const t of [...op.inputs, ...op.outputs, ...(op.intermediates ?? [])]) if (t >= 0) used.add(t);
  }
  const kept = [...used].sort((x, y) => x - y);
  const remap = new Map<number, number>(kept.map((t, k) => [t, k]));
  const map = (t: number): number => (t < 0 ? t : remap.get(t)!);

  const tensors = kept.map((t) => tensorSpec(graph.tensors[t]!));
  const ops = graph.ops.slice(a, b).map((op) => opSpec(op, map));
  return buildGraph({
    name,
    source: `${graph.source}#ops ${a}..${b - 1}`,
    tensors,
    ops,
    inputs: inputs.map(map),
    outputs: outputs.map(map),
  });
}

/** Ports of segment [a, b): what it reads from before a, what it leaves for b onwards. */
export function segmentPorts(graph: LayerGraph, index: RangeIndex, a: number, b: number): { inputs: number[]; outputs: number[] } {
  return {
    inputs: portOrder(index.rangeInputs(a, b), graph.inputs),
    outputs: portOrder(index.rangeOutputs(a, b), graph.outputs),
  };
}

function boundaryNameClashes(graph: LayerGraph, boundary: ReadonlySet<number>): string[] {
  const byName = new Map<string, number[]>();
  for (const t of graph.tensors) {
    if (t.isConstant) continue;
    byName.set(t.name, [...(byName.get(t.name) ?? []), t.index]);
  }
  return [...boundary]
    .filter((t) => byName.get(graph.tensors[t]!.name)!.length > 1)
    .map((t) => `"${graph.tensors[t]!.name}" (tensors ${byName.get(graph.tensors[t]!.name)!.join(', ')})`);
}

export function extractSegments(graph: LayerGraph, cuts: readonly number[], stem = graph.name): E.Either<TpusegError, Segmentation> {
  const n = graph.ops.length;
  if (n === 0) return E.left(exportFailed(`${graph.name} has no ops to export`));
  if (!isExecutionOrderTopological(graph)) {
    return E.left(exportFailed(`${graph.source}: ops are not stored in a topological order, so contiguous cuts of the file order are not valid segments`));
  }
  const checked = checkCuts(graph, cuts);
  if (E.isLeft(checked)) return checked;

  const index = rangeIndex(graph);
  const bounds = [0, ...cuts, n];
  const N = bounds.length - 1;
  const ports = bounds.slice(0, N).map((a, i) => ({ a, b: bounds[i + 1]!, ...segmentPorts(graph, index, a, bounds[i + 1]!) }));

  const boundary = new Set<number>();
  for (const p of ports) for (const t of [...p.inputs, ...p.outputs]) boundary.add(t);
  const clashes = boundaryNameClashes(graph, boundary);
  if (clashes.length > 0) {
    return E.left(exportFailed(`tensors crossing segment boundaries must have unique names (the runner routes by name); shared: ${clashes.join('; ')}`));
  }

  const modelOutputs = new Set(graph.outputs);
  const warnings: string[] = [];
  ports.slice(0, N - 1).forEach((p, i) => {
    for (const t of p.outputs) {
      const consumedLater = graph.tensors[t]!.consumers.some((c) => c >= p.b);
      if (modelOutputs.has(t) && !consumedLater) {
        warnings.push(`model output "${graph.tensors[t]!.name}" is produced by segment ${i} and read by no later segment: PipelinedModelRunner returns only the last segment's outputs`);
      }
    }
  });

  const modelInputs = new Set(graph.inputs);
  ports.slice(1).forEach((p, k) => {
    for (const t of p.inputs) {
      if (modelInputs.has(t)) warnings.push(`model input "${graph.tensors[t]!.name}" is read by segment ${k + 1}: PipelinedModelRunner feeds model inputs to the first segment only`);
    }
  });

  const segments = ports.map((p, i) => ({
    index: i,
    first: p.a,
    end: p.b,
    inputs: p.inputs,
    outputs: p.outputs,
    graph: subGraph(graph, p.a, p.b, p.inputs, p.outputs, segmentStem(stem, i, N)),
  }));
  return E.right({ segments, warnings });
}
