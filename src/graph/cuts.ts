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
  /**
   * `rangeInputBytes(a, b)` and `rangeOutputBytes(a, b)` into out[a] for every a in [lo, hi),
   * hi <= b: one end, many starts, for exhaustive searchers (same values, in O(hi - lo + crossing
   * widths)).
   */
  rangeInputBytesRow(b: number, lo: number, hi: number, out: Float64Array): void;
  rangeOutputBytesRow(b: number, lo: number, hi: number, out: Float64Array): void;
  /** Last use of each tensor: max consumer index, n for model outputs, producer (or -1) when unused. */
  readonly lastUse: Int32Array;
}

/** Index of the first element >= v in xs[lo, hi) (sorted ascending); a linear scan for short runs. */
function lowerBound(xs: Int32Array, lo: number, hi: number, v: number): number {
  if (hi - lo <= 8) {
    while (lo < hi && xs[lo]! < v) lo++;
    return lo;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

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
    const to = Math.min(lastUse[t.index]!, n);
    for (let c = Math.max(start[t.index]! + 1, 0); c <= to; c++) members[c]!.push(t.index);
  }

  // Flat (CSR) layout: cut c owns entries off[c] .. off[c + 1] of every array below.
  // in*: crossing tensors sorted by their first consumer at or after c, with running byte sums;
  // out*: sorted by producer, with running byte sums.
  const off = new Int32Array(n + 2);
  members.forEach((list, c) => (off[c + 1] = off[c]! + list.length));
  const total = off[n + 1]!;
  const inTensor = new Int32Array(total);
  const inNext = new Int32Array(total);
  const inCum = new Float64Array(total);
  const outTensor = new Int32Array(total);
  const outProducer = new Int32Array(total);
  const outCum = new Float64Array(total);
  const cutBytes = new Float64Array(n + 1);
  const bytes = (t: number): number => graph.tensors[t]!.bytes;
  members.forEach((list, c) => {
    const base = off[c]!;
    const withNext = list.map((t) => {
      let next = n;
      for (const k of graph.tensors[t]!.consumers) if (k >= c) { next = k; break; }
      return [t, next] as const;
    });
    withNext.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
    let sum = 0;
    withNext.forEach(([t, next], i) => {
      inTensor[base + i] = t;
      inNext[base + i] = next;
      inCum[base + i] = sum += bytes(t);
    });
    const byProd = [...list].sort((x, y) => start[x]! - start[y]! || x - y);
    sum = 0;
    byProd.forEach((t, i) => {
      outTensor[base + i] = t;
      outProducer[base + i] = start[t]!;
      outCum[base + i] = sum += bytes(t);
    });
    cutBytes[c] = sum;
  });

  // (x | 0) === x keeps the integer test cheap on the searchers' hot path.
  const check = (a: number, b: number): void => {
    if (!((a | 0) === a && (b | 0) === b && 0 <= a && a <= b && b <= n)) {
      throw new RangeError(`op range [${a}, ${b}) outside 0..${n}`);
    }
  };
  const sorted = (xs: Int32Array): number[] => Array.from(xs).sort((x, y) => x - y);
  /** Bytes of the first `count` entries of cut c in a running-sum array. */
  const head = (cum: Float64Array, c: number, count: number): number => (count > 0 ? cum[off[c]! + count - 1]! : 0);

  return {
    n,
    lastUse,
    paramBytes: (a, b) => (check(a, b), paramPrefix[b]! - paramPrefix[a]!),
    macs: (a, b) => (check(a, b), macPrefix[b]! - macPrefix[a]!),
    crossingBytes: (c) => (check(c, c), cutBytes[c]!),
    crossing: (c) => (check(c, c), sorted(outTensor.subarray(off[c]!, off[c + 1]!))),
    rangeInputs(a, b) {
      check(a, b);
      return sorted(inTensor.subarray(off[a]!, lowerBound(inNext, off[a]!, off[a + 1]!, b)));
    },
    rangeInputBytes(a, b) {
      check(a, b);
      return head(inCum, a, lowerBound(inNext, off[a]!, off[a + 1]!, b) - off[a]!);
    },
    rangeOutputs(a, b) {
      check(a, b);
      return sorted(outTensor.subarray(lowerBound(outProducer, off[b]!, off[b + 1]!, a), off[b + 1]!));
    },
    rangeOutputBytes(a, b) {
      check(a, b);
      return cutBytes[b]! - head(outCum, b, lowerBound(outProducer, off[b]!, off[b + 1]!, a) - off[b]!);
    },
    rangeInputBytesRow(b, lo, hi, out) {
      check(lo, hi);
      check(hi, b);
      for (let a = lo; a < hi; a++) out[a] = head(inCum, a, lowerBound(inNext, off[a]!, off[a + 1]!, b) - off[a]!);
    },
    rangeOutputBytesRow(b, lo, hi, out) {
      check(lo, hi);
      check(hi, b);
      // Entries of cut b produced before a: a pointer that only moves down as a does.
      const first = off[b]!;
      let i = off[b + 1]!;
      for (let a = hi - 1; a >= lo; a--) {
        while (i > first && outProducer[i - 1]! >= a) i--;
        out[a] = cutBytes[b]! - (i > first ? outCum[i - 1]! : 0);
      }
    },
  };
}
