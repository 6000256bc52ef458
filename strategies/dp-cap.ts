import { SHARED, SHARED_COUNT } from '../cost-models/types';
import { rowLayout, rowRange, type Band } from '../src/search/band';
import { compareScores, scorePlan, type Score } from '../src/search/objective';
import type { RowPricer } from '../src/search/rows';
import { backtrack } from './dp-pareto';
import type { Budget, Problem } from './types';

/**
 * The objectives of dp that do not decompose over segments, solved by a search over the cap T on
 * the slowest stage instead of Pareto fronts per state, when at most one quantity besides the
 * stages' own times can matter (dp.ts says when; otherwise dp-pareto.ts runs).
 *
 * E(T): one additive dynamic program over the band's pairs with cost <= T (or < T), minimising
 * (key, off-chip bytes, latency) lexicographically, where key is the latency plus first invokes
 * (`batch`) or the summed demand on the one shared resource that can bind (`throughput`). Every
 * plan within T stays feasible for any T' in [M, T], M the slowest stage of E(T)'s plan, and the
 * feasible set only shrinks with T', so E(T') = E(T) there: one run settles the whole step [M, T].
 * - batch: primary = key + (B-1) x slowest stage (the shared resources proven unable to bind). A
 *   plan X with slowest stage in a settled step [M, T] has key(X) >= key(E(T)) and slowest stage
 *   >= M, so it scores no better than E(T)'s plan (and ties go its way: same key and stage, then
 *   off-chip bytes, then latency). Steps are settled from the top cap down; below a settled step
 *   every key is at least the step's, so once key + (B-1) x B* (B* the least slowest stage of any
 *   plan) exceeds the best score, no lower step can do better and the search stops.
 * - throughput with one shared resource R (demand sum over a divisor: host cores for CPU time):
 *   primary = max(slowest stage, R). Walking down, a step whose plan has R >= its slowest stage
 *   ends the search: every lower step has R at least as large. The tie-breaks (off-chip bytes,
 *   then latency among the plans within the optimum s*) run as one more dynamic program over the
 *   band of s*: without the resource constraint first (a relaxation: exact when its plan keeps
 *   R <= s*), else with fronts of (off-chip bytes, latency; demand) per state, a label dropped when
 *   its demand plus the least demand completing it exceeds s*.
 * Complexity: one pass over the band's pairs to price them (ms, off-chip bytes, the key's terms),
 * then O(pairs) per step visited; memory O(pairs + k n).
 */

// Module-level aliases: imported bindings are property reads through getters in the hot loops.
const COUNT = SHARED_COUNT;
const { clz32, max: maxOf, min: minOf } = Math;
/** Whether state (j, b) is in the band (j >= 0). */
const has = (band: Band, j: number, b: number): boolean => (band.live[b * band.words + (j >>> 5)]! & (1 << (j & 31))) !== 0;

/** The band's pairs (a, b), priced once: index off[b] + a for a in [from[b], to[b]). */
export interface Pairs {
  readonly band: Band;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly off: Float64Array;
  readonly ms: Float64Array;
  readonly offChip: Float64Array;
  /** The key's own term per pair (first invokes, or the demand on the shared resource); 0s when none. */
  readonly aux: Float64Array;
  /** Buffers reused by every step. */
  work?: { A: Float64Array; O: Float64Array; S: Float64Array; M: Float64Array; parent: Int32Array };
}

/** What a step's term of the key is: first invokes (batch on a fresh runner), one shared demand, or nothing. */
export type Aux = { kind: 'none' } | { kind: 'first' } | { kind: 'shared'; resource: number };

export function pricePairs(p: Problem, band: Band, price: RowPricer, budget: Budget, aux: Aux): Pairs | undefined {
  const { n } = p;
  const W = n + 1;
  const { from, to, off, total } = rowLayout(band);
  const ms = new Float64Array(total);
  const offChip = new Float64Array(total);
  const auxOf = new Float64Array(aux.kind === 'none' ? 0 : total);
  const row = new Float64Array(W);
  const cost = p.cost;
  const demand = new Float64Array(COUNT);
  for (let b = 1; b <= n; b++) {
    if ((b & 31) === 0 && budget.expired()) return undefined;
    const f = from[b]!;
    const t = to[b]!;
    if (f >= t) continue;
    price(b, f, t, row);
    const base = off[b]!;
    for (let a = f; a < t; a++) {
      const i = base + a;
      ms[i] = row[a]!;
      offChip[i] = cost.offChipBytes ? cost.offChipBytes(a, b) : cost.segment(a, b).offChipBytes;
      if (aux.kind === 'first') auxOf[i] = cost.firstMs!(a, b);
      else if (aux.kind === 'shared') {
        cost.sharedMs!(a, b, demand);
        auxOf[i] = demand[aux.resource]!;
      }
    }
  }
  return { band, from, to, off, ms, offChip, aux: auxOf };
}

/** A step: the plan E(T) found, its sums and its slowest stage. */
export interface Step {
  readonly cuts: number[];
  readonly aux: number;
  readonly offChip: number;
  readonly sum: number;
  readonly max: number;
}

/**
 * E(T): over the band's plans whose every segment costs <= cap (< cap when `strict`), the least
 * (key, off-chip, latency, slowest stage), key = latency + aux (`withSum`) or aux alone. Undefined when no plan
 * qualifies; null when the budget expired.
 */
export function capStep(p: Problem, pairs: Pairs, cap: number, strict: boolean, withSum: boolean, budget: Budget): Step | undefined | null {
  const { n, tpus: k } = p;
  const W = n + 1;
  const { band, from, to, off, ms, offChip } = pairs;
  const auxOf = pairs.aux;
  const hasAux = auxOf.length > 0;
  const work = (pairs.work ??= { A: new Float64Array(k * W), O: new Float64Array(k * W), S: new Float64Array(k * W), M: new Float64Array(k * W), parent: new Int32Array(k * W) });
  const { A, O, S, M, parent } = work;
  A.fill(Infinity);
  // c > limit rules a segment out: limit = cap, or the largest double below it when strict.
  const limit = strict ? below(cap) : cap;
  const { first, last, words, live } = band;
  for (let b = 1; b <= n; b++) {
    if ((b & 63) === 0 && budget.expired()) return null;
    const f = from[b]!;
    const t = to[b]!;
    if (f >= t) continue;
    const base = off[b]!;
    for (let w = 0; w < words; w++) {
      for (let x = live[b * words + w]!; x !== 0; x &= x - 1) {
        const j = (w << 5) + 31 - clz32(x & -x);
        const at = j * W + b;
        let bk = Infinity;
        let ba = Infinity;
        let bo = Infinity;
        let bs = Infinity;
        let bm = Infinity;
        let bp = -1;
        if (j === 0) {
          const c = ms[base]!;
          if (f === 0 && c <= limit) {
            ba = hasAux ? auxOf[base]! : 0;
            bk = withSum ? c + ba : ba;
            bo = offChip[base]!;
            bs = c;
            bm = c;
            bp = 0;
          }
        } else {
          const lo = maxOf(f, first[j - 1]!);
          const hi = minOf(t - 1, last[j - 1]!);
          const pw = (j - 1) >>> 5;
          const pb = 1 << ((j - 1) & 31);
          const row = (j - 1) * W;
          for (let a = hi; a >= lo; a--) {
            const i = base + a;
            const c = ms[i]!;
            if (c > limit || (live[a * words + pw]! & pb) === 0) continue;
            const a0 = A[row + a]!;
            if (a0 === Infinity) continue;
            const av = hasAux ? a0 + auxOf[i]! : a0;
            const sv = S[row + a]! + c;
            const kv = withSum ? sv + av : av;
            if (kv > bk) continue;
            const ov = O[row + a]! + offChip[i]!;
            const m0 = M[row + a]!;
            const mv = m0 > c ? m0 : c;
            if (kv === bk && (ov > bo || (ov === bo && (sv > bs || (sv === bs && mv >= bm))))) continue;
            bk = kv;
            ba = av;
            bo = ov;
            bs = sv;
            bm = mv;
            bp = a;
          }
        }
        if (bp < 0) continue;
        A[at] = ba;
        O[at] = bo;
        S[at] = bs;
        M[at] = bm;
        parent[at] = bp;
      }
    }
  }
  const end = (k - 1) * W + n;
  if (A[end] === Infinity) return undefined;
  const cuts: number[] = [];
  for (let j = k - 1, b = n; j > 0; j--) {
    b = parent[j * W + b]!;
    cuts.unshift(b);
  }
  return { cuts, aux: A[end]!, offChip: O[end]!, sum: S[end]!, max: M[end]! };
}

/** The largest double below x (x finite and positive, or 0). */
function below(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] = x > 0 ? i[0]! - 1n : i[0]! + 1n;
  return f[0]!;
}

/** The best plan found so far, with its score. */
type Best = { readonly cuts: readonly number[]; readonly score: Score };

const better = (p: Problem, x: readonly number[], y: Best): Best => {
  const s = scorePlan(p, x);
  return compareScores(s, y.score) < 0 ? { cuts: x, score: s } : y;
};

/**
 * The exact batch optimum over the band (which holds every plan scoring <= the incumbent's), the
 * shared resources unable to bind: the steps walked down from the band's cap. `least` is B*.
 */
export function batchByCaps(p: Problem, pairs: Pairs, least: number, budget: Budget, incumbent: readonly number[]): { cuts: number[]; steps: number; unproven?: boolean } {
  const B = p.objective.batch;
  // Every lower step has a key >= this one and a slowest stage >= B*.
  const w = walkCaps(p, pairs, true, budget, incumbent, (step, best) => (step.sum + step.aux) + (B - 1) * least > best.score.primary);
  return { cuts: [...w.best.cuts], steps: w.steps, ...(w.unproven ? { unproven: true } : {}) };
}

/**
 * The steps walked down from the band's cap, each below the last one's slowest stage, until none is
 * left or `done` says no lower step can beat the best plan found; `unproven` when the budget ran out.
 */
function walkCaps(p: Problem, pairs: Pairs, withSum: boolean, budget: Budget, incumbent: readonly number[],
  done: (step: Step, best: Best) => boolean): { best: Best; steps: number; unproven: boolean } {
  let best: Best = { cuts: incumbent, score: scorePlan(p, incumbent) };
  let cap = pairs.band.cap;
  let strict = false;
  let steps = 0;
  for (;;) {
    const step = capStep(p, pairs, cap, strict, withSum, budget);
    if (step === null) return { best, steps, unproven: true };
    if (step === undefined) return { best, steps, unproven: false };
    steps++;
    best = better(p, step.cuts, best);
    if (done(step, best)) return { best, steps, unproven: false };
    cap = step.max;
    strict = true;
  }
}

/**
 * The exact throughput optimum when one shared resource (index `resource`, its demand sum divided
 * by `divisor`) can bind and no other: pairs priced with that demand as aux.
 */
export function sharedByCaps(p: Problem, pairs: Pairs, divisor: number, budget: Budget, incumbent: readonly number[]): { cuts: number[]; steps: number; labels: number; unproven?: boolean } {
  // Every lower step has a demand at least this one's.
  const w = walkCaps(p, pairs, false, budget, incumbent, (step, b) => step.aux / divisor >= step.max || step.aux / divisor > b.score.primary);
  let best = w.best;
  const steps = w.steps;
  if (w.unproven) return { cuts: [...best.cuts], steps, labels: 0, unproven: true };
  // Tie-breaks among the plans within the optimum: the relaxation first (no demand constraint).
  const opt = best.score.primary;
  const relaxed = capStep(p, { ...pairs, aux: new Float64Array(0) }, opt, false, false, budget);
  if (relaxed === null) return { cuts: [...best.cuts], steps, labels: 0, unproven: true };
  if (relaxed && scorePlan(p, relaxed.cuts).primary <= opt) return { cuts: [...better(p, relaxed.cuts, best).cuts], steps, labels: 0 };
  const fronts = constrained(p, pairs, opt, divisor, budget);
  if (fronts === null) return { cuts: [...best.cuts], steps, labels: 0, unproven: true };
  if (fronts) best = better(p, fronts.cuts, best);
  return { cuts: [...best.cuts], steps, labels: fronts?.labels ?? 0 };
}

interface Label {
  readonly o: number;
  readonly s: number;
  readonly r: number;
  readonly a: number;
  readonly from: number;
}

/**
 * The least (off-chip, latency) over the band's plans with every segment <= cap and demand sum /
 * divisor <= cap: fronts of (off-chip, latency) against demand per state, sorted by the former,
 * a label dropped when its demand and the least demand completing it exceed the cap.
 */
function constrained(p: Problem, pairs: Pairs, cap: number, divisor: number, budget: Budget): { cuts: number[]; labels: number } | undefined | null {
  const { n, tpus: k } = p;
  const W = n + 1;
  const { band, from, to, off, ms, offChip, aux } = pairs;
  // Pruning with the least completion compares sums taken in another order: a relative slack.
  const slack = cap * (1 + 1e-12);
  // Backward: the least demand completing each state.
  const rest = new Float64Array(k * W).fill(Infinity);
  rest[(k - 1) * W + n] = 0;
  for (let e = n; e >= 1; e--) {
    if ((e & 63) === 0 && budget.expired()) return null;
    const f = from[e]!;
    const t = to[e]!;
    for (let j = k - 1; j >= 1; j--) {
      if (!has(band, j, e)) continue;
      const r0 = rest[j * W + e]!;
      if (r0 === Infinity) continue;
      const lo = maxOf(f, band.first[j - 1]!);
      const hi = minOf(t - 1, band.last[j - 1]!);
      for (let a = lo; a <= hi; a++) {
        const i = off[e]! + a;
        if (ms[i]! > cap || !has(band, j - 1, a)) continue;
        const v = r0 + aux[i]!;
        if (v < rest[(j - 1) * W + a]!) rest[(j - 1) * W + a] = v;
      }
    }
  }
  const fronts: (Label[] | undefined)[] = new Array(k * W);
  let labels = 0;
  const origin: Label[] = [{ o: 0, s: 0, r: 0, a: -1, from: -1 }];
  for (let b = 1; b <= n; b++) {
    if ((b & 63) === 0 && budget.expired()) return null;
    const f = from[b]!;
    const t = to[b]!;
    if (f >= t) continue;
    for (let j = 0; j < k; j++) {
      if (!has(band, j, b)) continue;
      const r1 = rest[j * W + b]!;
      if (r1 === Infinity) continue;
      const lo = j === 0 ? 0 : maxOf(f, band.first[j - 1]!);
      const hi = j === 0 ? (f === 0 ? 0 : -1) : minOf(t - 1, band.last[j - 1]!);
      const cand: Label[] = [];
      for (let a = hi; a >= lo; a--) {
        const i = off[b]! + a;
        if (ms[i]! > cap) continue;
        const prev = j === 0 ? origin : fronts[(j - 1) * W + a];
        if (!prev) continue;
        for (let x = 0; x < prev.length; x++) {
          const l = prev[x]!;
          const r = l.r + aux[i]!;
          if ((r + r1) / divisor > slack || (j === k - 1 && r / divisor > cap)) continue;
          cand.push({ o: l.o + offChip[i]!, s: l.s + ms[i]!, r, a, from: x });
        }
      }
      if (cand.length === 0) continue;
      // Sorted by (off-chip, latency), stable (ties keep the scan order); keep each label whose demand beats all before it.
      cand.sort((x, y) => x.o - y.o || x.s - y.s);
      const front: Label[] = [];
      let minR = Infinity;
      for (const l of cand) {
        if (l.r < minR) {
          front.push(l);
          minR = l.r;
        }
      }
      labels += front.length;
      fronts[j * W + b] = front;
    }
  }
  const last = fronts[(k - 1) * W + n];
  if (!last || last.length === 0) return undefined;
  return { cuts: backtrack(fronts, W, n, k, 0), labels };
}

/**
 * The shared resources that can set the steady state of some plan in the band: resource r (demand
 * sum over its divisor) cannot when its largest sum over the band's plans stays within `least`
 * (B*, below every plan's slowest stage), or when another kept resource's demand is at least its
 * own on every pair (then so is the sum). The largest sums: one max-plus pass over the band.
 */
export function liveResources(p: Problem, band: Band, least: number, budget: Budget): number[] | undefined {
  const { n, tpus: k } = p;
  const W = n + 1;
  const cost = p.cost;
  const divisor = [1, 1, cost.pipeline?.hostCores ?? Infinity];
  const most = Array.from({ length: COUNT }, () => new Float64Array(k * W).fill(-Infinity));
  // dominated[r * 3 + q]: r / d_r <= q / d_q on every pair so far.
  const dominated = new Uint8Array(COUNT * COUNT).fill(1);
  const demand = new Float64Array(COUNT);
  for (let b = 1; b <= n; b++) {
    if ((b & 31) === 0 && budget.expired()) return undefined;
    const [f, t] = rowRange(band, b);
    for (let j = 0; j < k; j++) {
      if (!has(band, j, b)) continue;
      const lo = j === 0 ? 0 : maxOf(f, band.first[j - 1]!);
      const hi = j === 0 ? (f === 0 ? 0 : -1) : minOf(t - 1, band.last[j - 1]!);
      for (let a = lo; a <= hi; a++) {
        if (j > 0 && !has(band, j - 1, a)) continue;
        cost.sharedMs!(a, b, demand);
        for (let r = 0; r < COUNT; r++) {
          const v = (j === 0 ? 0 : most[r]![(j - 1) * W + a]!) + demand[r]!;
          if (v > most[r]![j * W + b]!) most[r]![j * W + b] = v;
          for (let q = 0; q < COUNT; q++) if (demand[r]! / divisor[r]! > demand[q]! / divisor[q]!) dominated[r * COUNT + q] = 0;
        }
      }
    }
  }
  const can = [0, 1, 2].filter((r) => most[r]![(k - 1) * W + n]! / divisor[r]! > least);
  const live: number[] = [];
  for (const r of can) {
    if (!can.some((q) => q !== r && dominated[r * COUNT + q] === 1 && !(dominated[q * COUNT + r] === 1 && q > r))) live.push(r);
  }
  return live;
}

export const divisorOf = (p: Problem, resource: number): number => (resource === SHARED.hostCpu ? p.cost.pipeline?.hostCores ?? Infinity : 1);
