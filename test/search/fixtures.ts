import type { CostModel, SegmentCost } from '../../cost-models/types';
import { buildGraph } from '../../src/graph/build';
import type { LayerGraph, OpSpec, TensorSpec } from '../../src/graph/types';
import { rng as seeded, type Rng } from '../../src/rng';

/**
 * Hand-built graphs and table-driven cost models for the searchers' tests: costs need not be
 * monotone or additive, and small integer values make ties common (exercising the tie-breaks).
 */

/** n ops; op i reads the previous activation (and, in a DAG, with probability `skip` an older one). */
export function randomGraph(n: number, r: Rng, skip = 0, name = 'g'): LayerGraph {
  const tensors: TensorSpec[] = [{ name: 'x', shape: [1, 4], dtype: 'uint8', isConstant: false }];
  const ops: OpSpec[] = [];
  for (let i = 0; i < n; i++) {
    const w = tensors.length;
    tensors.push({ name: `w${i}`, shape: [1, 1 + r.int(0, 64)], dtype: 'uint8', isConstant: true });
    const y = tensors.length;
    tensors.push({ name: `a${i}`, shape: [1, 1 + r.int(0, 16)], dtype: 'uint8', isConstant: false });
    const inputs = [i === 0 ? 0 : y - 2, w];
    if (i > 1 && r.next() < skip) inputs.push(2 + 2 * r.int(0, i - 2));
    ops.push({ type: 'ADD', builtinCode: 0, version: 1, inputs, outputs: [y] });
  }
  return buildGraph({ name, source: `test:${name}`, tensors, ops, inputs: [0], outputs: [tensors.length - 1] });
}

export function chainGraph(n: number, name = 'chain'): LayerGraph {
  return randomGraph(n, seeded(`chain-${n}`), 0, name);
}

/** A cost model reading ms and off-chip bytes of [a, b) from seeded tables of small integers. */
export function tableCost(graph: LayerGraph, seed: string | number, values = 6, offValues = 3): CostModel {
  const n = graph.ops.length;
  const r = seeded(seed);
  const ms = new Float64Array((n + 1) * (n + 1));
  const off = new Float64Array((n + 1) * (n + 1));
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b <= n; b++) {
      ms[a * (n + 1) + b] = 1 + r.int(0, values - 1) + r.int(0, 1) * 0.5;
      off[a * (n + 1) + b] = r.int(0, offValues - 1) * 1000;
    }
  }
  return fromTables(graph, (a, b) => ms[a * (n + 1) + b]!, (a, b) => off[a * (n + 1) + b]!);
}

/** A cost model that grows with the range (sum of per-op weights) plus a per-segment constant. */
export function additiveCost(graph: LayerGraph, weights: readonly number[], fixed = 0): CostModel {
  const prefix = [0];
  for (const w of weights) prefix.push(prefix[prefix.length - 1]! + w);
  return fromTables(graph, (a, b) => fixed + prefix[b]! - prefix[a]!, () => 0);
}

/**
 * Additive compute (random per-op weights) plus a random non-negative extra per range, so the
 * total is neither monotone nor additive but compute is a valid lower bound (dp prunes with it).
 */
export function boundedCost(graph: LayerGraph, seed: string | number): CostModel {
  const n = graph.ops.length;
  const r = seeded(seed);
  const prefix = [0];
  for (let i = 0; i < n; i++) prefix.push(prefix[i]! + r.int(0, 4));
  const extra = new Float64Array((n + 1) * (n + 1));
  const off = new Float64Array((n + 1) * (n + 1));
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b <= n; b++) {
      extra[a * (n + 1) + b] = r.int(0, 6);
      off[a * (n + 1) + b] = r.int(0, 2) * 1000;
    }
  }
  const compute = (a: number, b: number): number => prefix[b]! - prefix[a]!;
  return fromTables(graph, (a, b) => compute(a, b) + extra[a * (n + 1) + b]!, (a, b) => off[a * (n + 1) + b]!, compute);
}

/**
 * A cost whose own bound is not additive: compute plus the parameters past a capacity, streamed
 * (so splitting a range can cost less than the whole), with noise per pair on top of the bound.
 */
export function streamingCost(n: number, seed: number): CostModel & { lowerBoundMs: (a: number, b: number) => number } {
  const r = seeded(`streaming-${seed}`);
  const compute = [0];
  const params = [0];
  for (let i = 0; i < n; i++) {
    compute.push(compute[i]! + r.int(0, 4));
    params.push(params[i]! + r.int(0, 5));
  }
  const capacity = r.int(3, 10);
  const W = n + 1;
  const extra = new Float64Array(W * W);
  const off = new Float64Array(W * W);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b <= n; b++) {
      extra[a * W + b] = r.int(0, 6);
      off[a * W + b] = r.int(0, 2) * 1000;
    }
  }
  const bound = (a: number, b: number): number => compute[b]! - compute[a]! + 2 * Math.max(0, params[b]! - params[a]! - capacity);
  return { ...fromTables(chainGraph(n, `streaming-${seed}`), (a, b) => bound(a, b) + extra[a * W + b]!, (a, b) => off[a * W + b]!), lowerBoundMs: bound };
}

export function fromTables(graph: LayerGraph, ms: (a: number, b: number) => number, off: (a: number, b: number) => number, compute = ms): CostModel {
  const segment = (a: number, b: number): SegmentCost => ({
    firstOp: a, lastOp: b - 1, ops: b - a, paramBytes: 0, onChipBytes: 0, offChipBytes: off(a, b),
    computeMs: compute(a, b), streamMs: 0, inBytes: 0, outBytes: 0, inMs: 0, outMs: 0, fixedMs: 0, hopMs: 0,
    cpuOps: [], cpuMs: 0, ms: ms(a, b),
  });
  return { id: 'table', profile: 'table', graph, segment, segmentMs: ms };
}

/** Every plan of n ops into k segments (k - 1 cut positions). */
export function* allPlans(n: number, k: number, from = 1): Generator<number[]> {
  if (k === 1) {
    yield [];
    return;
  }
  for (let c = from; c <= n - (k - 1); c++) for (const rest of allPlans(n, k - 1, c + 1)) yield [c, ...rest];
}

/**
 * The same cost model with every price memoised (a pure function, so the answers are identical):
 * lets data-driven tests run many strategies and N over one model without re-pricing, which
 * matters under jest, where the cost model's calls run several times slower than under node.
 */
export function memoCost(cost: CostModel): CostModel {
  const n = cost.graph.ops.length;
  const ms = new Float64Array((n + 1) * (n + 1)).fill(NaN);
  const full = new Map<number, SegmentCost>();
  return {
    id: cost.id,
    profile: cost.profile,
    graph: cost.graph,
    segmentMs(a, b) {
      const i = a * (n + 1) + b;
      let v = ms[i]!;
      if (v !== v) ms[i] = v = cost.segmentMs(a, b);
      return v;
    },
    segment(a, b) {
      const i = a * (n + 1) + b;
      let s = full.get(i);
      if (!s) full.set(i, (s = cost.segment(a, b)));
      return s;
    },
  };
}
