import type { CostModel } from '../../cost-models/types';
import { stageRowPricer } from '../search/rows';
import type { Layout } from '../pipeline/layout';

/**
 * The layouts of a board whose TPUs differ that minimize the slowest stage, exactly, for every
 * number of TPUs m: cuts, how many TPUs of each kind run each stage, and the stages' order.
 *
 * TPUs of one kind price alike (positionKind), so a layout is a sequence of stages, each a range
 * of ops and a count of TPUs per kind. With g[c][v] the least slowest stage over the ops [0, c)
 * on at most v TPUs (v a vector of counts per kind):
 *
 *   g[c][v] = min over a < c and w <= v, w != 0 of max(g[a][v - w], stage(a, c, w)),
 *   stage(a, c, w) = max over the kinds in w of segmentMs(a, c, kind) / |w|,
 *
 * a stage's slowest copy over its copies, as layout.ts counts it (with the runner's work of a
 * replicated whole model). That is the steady state of
 * every layout whose slowest stage sets its pace; shared resources (the interpreter lock, a
 * shared link, host cores) only add to it, so g is a
 * lower bound on every layout's steady state, attained when none of them binds.
 *
 * Work: (n + 1)^2 / 2 x sum over v of the sub-vectors of v, segment prices from the cost model's
 * rows (one row per end c and kind). With counts c_k per kind, sum_v prod(v_k + 1) =
 * prod((c_k + 1)(c_k + 2) / 2): 225 for 4 + 4 TPUs, 6,561 for 8 TPUs of 8 kinds.
 */

export interface KindCounts {
  /** Per kind, the board positions of its TPUs (ascending). */
  readonly tpus: readonly (readonly number[])[];
}

export interface LayoutBound {
  /** m = index + 1: the least slowest stage on up to m TPUs, and a layout that attains it. */
  readonly byTpus: readonly { readonly slowestMs: number; readonly layout: Layout }[];
}

/** Sum over v <= counts of the sub-vectors of v: the DP's transitions per (a, c) pair. */
export function layoutDpWork(counts: readonly number[], ops: number): number {
  const perEnd = counts.reduce((p, c) => p * ((c + 1) * (c + 2)) / 2, 1);
  return ((ops + 1) * (ops + 2)) / 2 * perEnd;
}

export function kindsOf(kinds: readonly string[]): KindCounts {
  const byKind = new Map<string, number[]>();
  kinds.forEach((k, t) => byKind.set(k, [...(byKind.get(k) ?? []), t]));
  return { tpus: [...byKind.values()] };
}

/** `pipelinesOnly`: every stage on one TPU (the hybrids' handoffs, which hold the interpreter lock, left out). */
export function bestLayouts(cost: CostModel, board: KindCounts, pipelinesOnly = false): LayoutBound {
  const n = cost.graph.ops.length;
  const counts = board.tpus.map((t) => t.length);
  const kinds = counts.length;
  const radix: number[] = [];
  let V = 1;
  for (const c of counts) {
    radix.push(V);
    V *= c + 1;
  }
  const digits = (v: number): number[] => counts.map((c, k) => Math.floor(v / radix[k]!) % (c + 1));
  const sizeOf = Int32Array.from({ length: V }, (_, v) => digits(v).reduce((s, d) => s + d, 0));
  // supers[w]: the v >= w; kindMask[w]: the kinds w uses.
  const all = Array.from({ length: V }, (_, v) => digits(v));
  const supers = all.map((dw) => Int32Array.from(all.flatMap((dv, v) => (dw.every((d, k) => d <= dv[k]!) ? [v] : []))));
  const kindMask = Int32Array.from(all, (dw) => dw.reduce((m, d, k) => (d > 0 ? m | (1 << k) : m), 0));
  const g = new Float64Array((n + 1) * V).fill(Infinity);
  const fromA = new Int32Array((n + 1) * V).fill(-1);
  const fromW = new Int32Array((n + 1) * V).fill(-1);
  for (let v = 0; v < V; v++) g[v] = 0;
  const price = stageRowPricer(cost);
  const rows = Array.from({ length: kinds }, () => new Float64Array(n + 1));
  const stage = new Float64Array(n + 1);
  const wholeRunner = cost.runnerStageMs?.(0, n) ?? 0;
  for (let c = 1; c <= n; c++) {
    for (let k = 0; k < kinds; k++) price(c, 0, c, rows[k]!, board.tpus[k]![0]!);
    const base = c * V;
    for (let w = 1; w < V; w++) {
      if (pipelinesOnly && sizeOf[w] !== 1) continue;
      // The stage's price for every start a, for this w: its slowest kind over its copies.
      const mask = kindMask[w]!;
      stage.fill(0, 0, c);
      for (let k = 0; k < kinds; k++) {
        if ((mask & (1 << k)) === 0) continue;
        const row = rows[k]!;
        for (let a = 0; a < c; a++) if (row[a]! > stage[a]!) stage[a] = row[a]!;
      }
      const size = sizeOf[w]!;
      // Replicas of the whole model each run in a runner of their own (layout.ts).
      if (c === n && size > 1) stage[0] = stage[0]! + wholeRunner;
      for (let a = 0; a < c; a++) stage[a] = stage[a]! / size;
      for (const v of supers[w]!) {
        const rest = v - w;
        let best = g[base + v]!;
        let bestA = -1;
        for (let a = 0; a < c; a++) {
          const before = g[a * V + rest]!;
          const s = stage[a]!;
          const t = before > s ? before : s;
          if (t < best) {
            best = t;
            bestA = a;
          }
        }
        if (bestA >= 0) {
          g[base + v] = best;
          fromA[base + v] = bestA;
          fromW[base + v] = w;
        }
      }
    }
  }
  const K = sizeOf.reduce((m, s) => Math.max(m, s), 0);
  const byTpus: { slowestMs: number; layout: Layout }[] = [];
  for (let m = 1; m <= K; m++) {
    let bestV = -1;
    for (let v = 1; v < V; v++) {
      if (sizeOf[v]! > m) continue;
      const at = n * V + v;
      if (bestV < 0 || g[at]! < g[n * V + bestV]! || (g[at] === g[n * V + bestV] && sizeOf[v]! < sizeOf[bestV]!)) bestV = v;
    }
    byTpus.push({ slowestMs: g[n * V + bestV]!, layout: rebuild(n, bestV, V, fromA, fromW, digits, board) });
  }
  return { byTpus };
}

/** The stages of the optimum at (n, v), back to op 0, each given the next unused TPUs of its kinds. */
function rebuild(n: number, v: number, V: number, fromA: Int32Array, fromW: Int32Array, digits: (v: number) => number[], board: KindCounts): Layout {
  const stages: { a: number; w: number[] }[] = [];
  for (let c = n, at = v; c > 0;) {
    const a = fromA[c * V + at]!;
    const w = fromW[c * V + at]!;
    if (a < 0) {
      // g[c][at] was reached with fewer TPUs than `at` allows: the same value at a sub-vector.
      throw new RangeError(`layout-dp: no stage ends at op ${c} on vector ${at}`);
    }
    stages.push({ a, w: digits(w) });
    c = a;
    at -= w;
  }
  stages.reverse();
  const next = board.tpus.map(() => 0);
  const tpus = stages.map((s) => s.w.flatMap((d, k) => {
    const ts = board.tpus[k]!.slice(next[k]!, next[k]! + d);
    next[k] = next[k]! + d;
    return ts;
  }).sort((x, y) => x - y));
  return { cuts: stages.slice(1).map((s) => s.a), tpus };
}
