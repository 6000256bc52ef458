import type { LayerGraph } from './types';

/**
 * Cut analysis over the execution order. A cut at position c (0..n) separates ops [0, c) from
 * [c, n). A tensor crosses cut c when it is produced before c (model inputs count as produced
 * before op 0) and is consumed at or after c, or is a model output (model outputs are "used" at n).
 * Constants never cross.
 *
 * `rangeIndex` precomputes, in time linear in the graph plus the total crossing width, prefix sums
 * of parameter bytes and MACs (O(1) per range) and, per cut, its crossing tensors sorted for the
 * range input/output queries (O(log w) per query, w = tensors crossing that cut, a handful in CNNs).
 */
export interface RangeIndex {
  readonly n: number;
  /** Parameter bytes of ops [a, b). */
  paramBytes(a: number, b: number): number;
  /** MACs of ops [a, b). */
  macs(a: number, b: number): number;
  /** Bytes of the tensors crossing cut c. */
  crossingBytes(c: number): number;
  /** Tensors crossing cut c, ascending by index. */
  crossing(c: number): readonly number[];
  /** Tensors that ops [a, b) read from outside the range (produced before a, or model inputs). */
  rangeInputs(a: number, b: number): readonly number[];
  rangeInputBytes(a: number, b: number): number;
  /** Tensors produced in [a, b) that are read at or after b, or are model outputs. */
  rangeOutputs(a: number, b: number): readonly number[];
  rangeOutputBytes(a: number, b: number): number;
  /** Last use of each tensor: max consumer index, n for model outputs, producer (or -1) when unused. */
  readonly lastUse: Int32Array;
}

interface CutLists {
  /** Crossing tensors sorted by the first consumer at or after the cut, with prefix byte sums. */
  byNextUse: Int32Array;
  nextUse: Int32Array;
  nextUsePrefix: Float64Array;
  /** Crossing tensors sorted by producer, with prefix byte sums. */
  byProducer: Int32Array;
  producer: Int32Array;
  producerPrefix: Float64Array;
  total: number;
}

const lowerBound = (xs: Int32Array, v: number): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

export function rangeIndex(graph: LayerGraph): RangeIndex {
  const n = graph.ops.length;
  const T = graph.tensors.length;
  const paramPrefix = new Float64Array(n + 1);
  const macPrefix = new Float64Array(n + 1);
  graph.ops.forEach((op, i) => {
    paramPrefix[i + 1] = paramPrefix[i]! + op.paramBytes;
    macPrefix[i + 1] = macPrefix[i]! + op.macs;
  });

  const isOutput = new Uint8Array(T);
  for (const t of graph.outputs) if (t >= 0 && t < T) isOutput[t] = 1;
  const lastUse = new Int32Array(T);
  const start = new Int32Array(T);
  for (const t of graph.tensors) {
    const p = t.producer;
    start[t.index] = p;
    let last = p;
    for (const c of t.consumers) if (c > last) last = c;
    if (isOutput[t.index]) last = n;
    lastUse[t.index] = t.isConstant ? -1 : last;
  }

  // Per cut c in 0..n: tensors with producer < c <= lastUse (constants excluded).
  const members: number[][] = Array.from({ length: n + 1 }, () => []);
  for (const t of graph.tensors) {
    if (t.isConstant) continue;
    const from = start[t.index]! + 1;
    const to = lastUse[t.index]!;
    for (let c = Math.max(from, 0); c <= to && c <= n; c++) members[c]!.push(t.index);
  }

  const bytes = (t: number): number => graph.tensors[t]!.bytes;
  const cuts: CutLists[] = members.map((list, c) => {
    const withNext = list.map((t) => {
      let next = n;
      for (const k of graph.tensors[t]!.consumers) if (k >= c) { next = k; break; }
      return [t, next] as const;
    });
    withNext.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
    const byProd = [...list].sort((x, y) => start[x]! - start[y]! || x - y);
    const nextUsePrefix = new Float64Array(list.length + 1);
    withNext.forEach(([t], i) => (nextUsePrefix[i + 1] = nextUsePrefix[i]! + bytes(t)));
    const producerPrefix = new Float64Array(list.length + 1);
    byProd.forEach((t, i) => (producerPrefix[i + 1] = producerPrefix[i]! + bytes(t)));
    return {
      byNextUse: Int32Array.from(withNext.map((x) => x[0])),
      nextUse: Int32Array.from(withNext.map((x) => x[1])),
      nextUsePrefix,
      byProducer: Int32Array.from(byProd),
      producer: Int32Array.from(byProd.map((t) => start[t]!)),
      producerPrefix,
      total: producerPrefix[list.length]!,
    };
  });

  const check = (a: number, b: number): void => {
    if (!(Number.isInteger(a) && Number.isInteger(b) && 0 <= a && a <= b && b <= n)) {
      throw new RangeError(`op range [${a}, ${b}) outside 0..${n}`);
    }
  };
  const sorted = (xs: Iterable<number>): number[] => [...xs].sort((x, y) => x - y);

  return {
    n,
    lastUse,
    paramBytes: (a, b) => (check(a, b), paramPrefix[b]! - paramPrefix[a]!),
    macs: (a, b) => (check(a, b), macPrefix[b]! - macPrefix[a]!),
    crossingBytes: (c) => (check(c, c), cuts[c]!.total),
    crossing: (c) => (check(c, c), sorted(cuts[c]!.byProducer)),
    rangeInputs(a, b) {
      check(a, b);
      const cl = cuts[a]!;
      return sorted(cl.byNextUse.subarray(0, lowerBound(cl.nextUse, b)));
    },
    rangeInputBytes(a, b) {
      check(a, b);
      const cl = cuts[a]!;
      return cl.nextUsePrefix[lowerBound(cl.nextUse, b)]!;
    },
    rangeOutputs(a, b) {
      check(a, b);
      const cl = cuts[b]!;
      return sorted(cl.byProducer.subarray(lowerBound(cl.producer, a)));
    },
    rangeOutputBytes(a, b) {
      check(a, b);
      const cl = cuts[b]!;
      return cl.total - cl.producerPrefix[lowerBound(cl.producer, a)]!;
    },
  };
}
