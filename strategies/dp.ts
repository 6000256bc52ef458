import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { workerFailed } from '../src/errors';
import { segmentBound } from '../src/search/bound';
import { coordinateDescent } from '../src/search/descent';
import { segmentsOf } from '../src/search/objective';
import { evenPlan, feasibleChains } from '../src/search/problem';
import { optionsCodec } from './options';
import { paretoBatch } from './dp-pareto';
import type { Budget, Problem, Strategy } from './types';

/**
 * dp: the exact optimum over contiguous cuts of the execution order, for any segment cost.
 *
 * Source: the chains-on-chains dynamic program (Pinar & Aykanat, "Fast optimal load balancing
 * algorithms for 1D partitioning", JPDC 2004, section 3), extended with the objectives'
 * tie-breaks and the problem's constraints.
 *
 * Complexity: O(n^2) cost evaluations (each segment [a, b) priced once and shared by all k
 * layers) plus O(k n^2) arithmetic; memory O(k n) (+ an n^2 table of costs when n <= 2048).
 * `batch` keeps Pareto fronts: O(k n^2 F) for fronts of size F, pruned by an incumbent.
 *
 * Why it is exact. Let F[j][b] be the least possible slowest stage over the ways to cut ops
 * [0, b) into j+1 non-empty segments whose cuts satisfy the constraints (cut j' at an allowed
 * position within its pin bounds). Any such way ends with a segment [a, b) after a way for
 * [0, a) with j segments, and max is monotone in both arguments, so
 *   F[j][b] = min over allowed a < b of max(F[j-1][a], cost(a, b))           (Bellman)
 * covers every plan and F[k-1][n] = B* is the optimum, for ANY cost (no monotonicity used).
 * throughput ties: among plans with max <= B* (these are exactly the optimal ones) we minimise
 * (off-chip bytes, latency) lexicographically. Both are sums over segments, and lexicographic
 * order on pairs is preserved when the same pair is added to both sides (floating-point addition
 * is monotone), so the same recurrence with (+, lexicographic min) over the segments with
 * cost <= B* whose prefix admits F <= B* is exact.
 * latency: the objective (sum, then off-chip bytes) is additive: the lexicographic DP is exact.
 * batch: sum + (B-1) max is not decomposable, but it is monotone in (max, sum, off-chip) and a
 * segment extends these monotonically, so a label dominated in all three can never finish
 * better: keeping the Pareto front of (max, sum, off) per state is exact (dp-pareto.ts).
 * Ties between equal labels keep the first found (the scan order), so the answer is deterministic.
 *
 * Pruning (option `prune`, default on), exact as well: with a lower bound bound(a, b) <= cost(a, b)
 * that grows with the range (src/search/bound.ts: the cost model's own `lowerBoundMs` when it
 * offers one, else the compute of the range when the cost model is additive in compute) and an incumbent plan of bottleneck U >= B*, no segment with
 * bound > U can be in an optimal plan, and scanning a downwards from b the bound only grows, so
 * the scan stops there. Prefix values above U are dropped for the same reason. Phase 2 and the
 * batch fronts prune the same way with their own caps. Without a valid bound, dp prices every
 * pair as above.
 */

const TABLE_LIMIT = 2048;

/** `segmentMs` memoised in a table (small graphs) so the tie-break phase re-reads instead of re-pricing. */
export function costTable(p: Problem): (a: number, b: number) => number {
  const n = p.n;
  if (n > TABLE_LIMIT) return (a, b) => p.cost.segmentMs(a, b);
  const table = new Float64Array((n + 1) * (n + 1)).fill(NaN);
  return (a, b) => {
    const i = b * (n + 1) + a;
    let v = table[i]!;
    if (v !== v) table[i] = v = p.cost.segmentMs(a, b);
    return v;
  };
}

/** okEnd[j * (n + 1) + b] = 1 when segment j may end at b (b = n for the last one). */
export function allowedEnds(p: Problem): Uint8Array {
  const { n, tpus: k } = p;
  const ok = new Uint8Array(k * (n + 1));
  const chains = feasibleChains(p)!;
  for (let j = 0; j < k - 1; j++) {
    for (let b = chains.left[j]!; b <= chains.right[j]!; b++) if (p.canCut[b]) ok[j * (n + 1) + b] = 1;
  }
  ok[(k - 1) * (n + 1) + n] = 1;
  return ok;
}

/** Per end b, the segments j that may end there (ok, and keep when given): CSR offsets + list. */
function layersByEnd(k: number, n: number, ok: Uint8Array, keep?: Uint8Array): { start: Int32Array; js: Int32Array } {
  const W = n + 1;
  const start = new Int32Array(W + 1);
  const list: number[] = [];
  for (let b = 0; b <= n; b++) {
    start[b] = list.length;
    for (let j = 0; j < k; j++) if (ok[j * W + b] && (!keep || keep[j * W + b])) list.push(j);
  }
  start[W] = list.length;
  return { start, js: Int32Array.from(list) };
}

export interface Layers {
  /** Value per (segment j, end b), row-major (n + 1 per row); Infinity when unreachable. */
  value: Float64Array;
  parent: Int32Array;
}

const fresh = (k: number, n: number): Layers => ({
  value: new Float64Array(k * (n + 1)).fill(Infinity),
  parent: new Int32Array(k * (n + 1)).fill(-1),
});

export function cutsFrom(parent: Int32Array, n: number, k: number): number[] {
  const cuts: number[] = [];
  let b = n;
  for (let j = k - 1; j > 0; j--) {
    b = parent[j * (n + 1) + b]!;
    cuts.unshift(b);
  }
  return cuts;
}

const expiredError = (budget: Budget) => workerFailed('dp', 0, `exceeded its time budget of ${budget.timeMs} ms`);

/** bound(a, b) <= ms(a, b), shrunk by a relative 1e-9 so that rounding never prunes a tight segment. */
export type Bound = ((a: number, b: number) => number) | undefined;
export const shrunk = (bound: ((a: number, b: number) => number) | undefined): Bound =>
  bound ? (a, b) => bound(a, b) * (1 - 1e-9) - 1e-12 : undefined;

/**
 * Phase 1: F[j][b] = min over a of max(F[j-1][a], cost(a, b)), values above the incumbent's
 * bottleneck `cap` dropped (no optimal plan passes through them). Scanning a downwards from b,
 * the monotone bound ends the scan once bound(a, b) > cap; a prefix with F[j-1][a] >= the best
 * found for (j, b) cannot improve it, so its segment is not priced.
 */
export function minMax(p: Problem, ms: (a: number, b: number) => number, ok: Uint8Array, budget: Budget, bound: Bound = undefined, cap = Infinity): Layers | undefined {
  const { n, tpus: k } = p;
  const L = fresh(k, n);
  const W = n + 1;
  const { start, js } = layersByEnd(k, n, ok);
  // row[a] = cost(a, b) for the current b: nearly every segment is needed by some layer, so all are priced.
  const row = new Float64Array(n + 1);
  const value = L.value;
  for (let b = 1; b <= n; b++) {
    if ((b & 63) === 0 && budget.expired()) return undefined;
    const j0 = start[b]!;
    const j1 = start[b + 1]!;
    if (j0 === j1) continue;
    let lo = b - 1;
    if (bound) while (lo >= 0 && bound(lo, b) <= cap) lo--;
    else lo = -1;
    for (let a = lo + 1; a < b; a++) row[a] = ms(a, b);
    for (let x = j0; x < j1; x++) {
      const j = js[x]!;
      let best = Infinity;
      let arg = -1;
      if (j === 0) {
        const c = lo < 0 ? row[0]! : Infinity;
        if (c <= cap) {
          best = c;
          arg = 0;
        }
      } else {
        // Scanning a downwards and keeping strict improvements: ties go to the largest a.
        const base = (j - 1) * W;
        for (let a = b - 1; a > lo; a--) {
          const prev = value[base + a]!;
          if (prev > cap || prev >= best) continue;
          const c = row[a]!;
          const v = prev > c ? prev : c;
          if (v < best && v <= cap) {
            best = v;
            arg = a;
          }
        }
      }
      value[j * W + b] = best;
      L.parent[j * W + b] = arg;
    }
  }
  return L;
}

/**
 * R[j * (n + 1) + b] = 1 when ops [b, n) can be covered by segments j+1..k-1, each costing at
 * most `cap`, with their cuts allowed: the states from which a plan of bottleneck <= cap can
 * still be completed. Phase 2 prices off-chip bytes only for segments ending in such states.
 */
export function completable(p: Problem, ms: (a: number, b: number) => number, ok: Uint8Array, cap: number, bound: Bound): Uint8Array {
  const { n, tpus: k } = p;
  const W = n + 1;
  const R = new Uint8Array(k * W);
  R[(k - 1) * W + n] = 1;
  // Bit sets over the layers j = 0..k-2, `words` 32-bit words each. ready[e]: segment j + 1 may
  // start at e and the rest can be completed from there; open: layers still undecided at b.
  const words = Math.ceil((k - 1) / 32);
  const ready = new Int32Array(W * words);
  const open = new Int32Array(words);
  const hit = new Int32Array(words);
  ready[n * words + ((k - 2) >>> 5)] = 1 << ((k - 2) & 31);
  for (let b = n - 1; b >= 1; b--) {
    open.fill(0);
    let left = 0;
    for (let j = 0; j < k - 1; j++) if (ok[j * W + b]) (open[j >>> 5]! |= 1 << (j & 31)), left++;
    for (let e = b + 1; e <= n && left > 0; e++) {
      let any = 0;
      for (let w = 0; w < words; w++) any |= hit[w] = open[w]! & ready[e * words + w]!;
      if (any === 0) continue;
      if (bound && bound(b, e) > cap) break;
      if (ms(b, e) > cap) continue;
      for (let j = 0; j < k - 1; j++) {
        if (hit[j >>> 5]! & (1 << (j & 31))) {
          R[j * W + b] = 1;
          left--;
        }
      }
      for (let w = 0; w < words; w++) open[w]! &= ~hit[w]!;
    }
    for (let j = 0; j < k - 1; j++) {
      if (ok[(j + 1) * W + b] && R[(j + 1) * W + b]) ready[b * words + (j >>> 5)]! |= 1 << (j & 31);
    }
  }
  return R;
}

/**
 * Additive lexicographic DP over (first, second) with first = off-chip bytes and second = sum of
 * stage times (throughput, restricted to cost <= cap and prefixes with F <= cap), or
 * first = sum and second = off-chip bytes (latency, cap = Infinity). Off-chip bytes of a segment
 * are priced lazily: only when the candidate could still win.
 */
export function lexicographic(p: Problem, ms: (a: number, b: number) => number, ok: Uint8Array, budget: Budget, cap: number, bound: Bound, offFirst: boolean, keep?: Uint8Array): Layers | undefined {
  const { n, tpus: k } = p;
  const W = n + 1;
  const first = fresh(k, n);
  const fv = first.value;
  const fp = first.parent;
  const second = new Float64Array(k * W).fill(Infinity);
  const { start, js } = layersByEnd(k, n, ok, keep);
  const cost = p.cost;
  const offChip = cost.offChipBytes ? (a: number, b: number) => cost.offChipBytes!(a, b) : (a: number, b: number) => cost.segment(a, b).offChipBytes;
  for (let b = 1; b <= n; b++) {
    if ((b & 63) === 0 && budget.expired()) return undefined;
    const j0 = start[b]!;
    const j1 = start[b + 1]!;
    if (j0 === j1) continue;
    for (let a = b - 1; a >= 0; a--) {
      if (bound && bound(a, b) > cap) break;
      let c = -1;
      let off = -1;
      for (let x = j0; x < j1; x++) {
        const j = js[x]!;
        const at = j * W + b;
        const from = (j - 1) * W + a;
        if (j === 0 ? a !== 0 : fv[from] === Infinity) continue;
        if (c < 0) c = ms(a, b);
        if (c > cap) break;
        const f0 = j === 0 ? 0 : fv[from]!;
        const s0 = j === 0 ? 0 : second[from]!;
        if (offFirst) {
          if (f0 > fv[at]! || (f0 === fv[at]! && s0 + c >= second[at]!)) continue;
          if (off < 0) off = offChip(a, b);
          const f = f0 + off;
          const s = s0 + c;
          if (f < fv[at]! || (f === fv[at]! && s < second[at]!)) {
            fv[at] = f;
            second[at] = s;
            fp[at] = a;
          }
        } else {
          const f = f0 + c;
          if (f > fv[at]!) continue;
          if (off < 0) off = offChip(a, b);
          const s = s0 + off;
          if (f < fv[at]! || s < second[at]!) {
            fv[at] = f;
            second[at] = s;
            fp[at] = a;
          }
        }
      }
    }
  }
  return first;
}

interface Options {
  prune: boolean;
}

export const strategy: Strategy<Options> = {
  name: 'dp',
  description: 'exact optimum over contiguous cuts for any segment cost (chains-on-chains DP with tie-breaks)',
  options: optionsCodec('dp', { prune: t.boolean }, { prune: true }),
  search(p, o, _rng, budget) {
    const { n, tpus: k } = p;
    if (k === 1) return E.right({ cuts: [] });
    const ms = costTable(p);
    const ok = allowedEnds(p);
    const own = o.prune ? shrunk(segmentBound(p.cost)) : undefined;
    // The bound grows with the range, so one that stays at or under the cap even for the whole
    // model never prunes: drop it rather than evaluate it for every pair.
    const pruning = (limit: number): Bound => (own && own(0, n) > limit ? own : undefined);
    if (p.objective.kind === 'latency') {
      const L = lexicographic(p, ms, ok, budget, Infinity, undefined, false);
      return L ? E.right({ cuts: cutsFrom(L.parent, n, k) }) : E.left(expiredError(budget));
    }
    // An incumbent's bottleneck caps phase 1 (two descent sweeps from equal op counts).
    const cap = own ? Math.max(...segmentsOf(n, coordinateDescent(p, evenPlan(p), budget, 2).cuts).map(([a, b]) => ms(a, b))) : Infinity;
    const F = minMax(p, ms, ok, budget, pruning(cap), cap);
    if (!F) return E.left(expiredError(budget));
    const bStar = F.value[(k - 1) * (n + 1) + n]!;
    const bound = pruning(bStar);
    const G = lexicographic(p, ms, ok, budget, bStar, bound, true, completable(p, ms, ok, bStar, bound));
    if (!G) return E.left(expiredError(budget));
    const best = cutsFrom(G.parent, n, k);
    if (p.objective.kind === 'throughput') return E.right({ cuts: best, stats: { pruned: bound ? 1 : 0 } });
    const front = paretoBatch(p, ms, ok, budget, best, bound);
    return front ? E.right({ cuts: front.cuts, stats: { labels: front.labels, pruned: bound ? 1 : 0 } }) : E.left(expiredError(budget));
  },
};
