import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { capBand, forStates, fullBand, inBand, type Band } from '../src/search/band';
import { bottleneckPlan } from '../src/search/bisect';
import { segmentBound } from '../src/search/bound';
import { compareScores, scorePlan, segmentsOf } from '../src/search/objective';
import { evenPlan } from '../src/search/problem';
import { memoRowPricer, rowPricer, stageRowPricer, type RowPricer, type StageRowPricer } from '../src/search/rows';
import { optionsCodec } from './options';
import { batchBand, paretoPlans, sharedBand } from './dp-pareto';
import { batchByCaps, divisorOf, liveResources, pricePairs, sharedByCaps } from './dp-cap';
import type { Budget, Problem, Strategy } from './types';

/**
 * dp: the exact optimum over contiguous cuts of the execution order, for any segment cost.
 *
 * Source: the chains-on-chains dynamic program (Pinar & Aykanat, "Fast optimal load balancing
 * algorithms for 1D partitioning", JPDC 2004, section 3), extended with the objectives'
 * tie-breaks and the problem's constraints, and confined to the band of an incumbent.
 *
 * Complexity, per path (n ops, k segments, P pairs priced in a band: O(n^2) at worst, about n
 * times the segment length the band's cap allows on the bench chains):
 * - throughput, nothing shared binding: O(n log(1/tol)) prices for the incumbent; the band's P
 *   pairs priced once (rows: one end, many starts; with a lower bound of the cost that grows with
 *   the range, only the pairs between states the bound cannot rule out) and O(k / 32) bit
 *   operations per pair; then O(k w^2) for the dynamic programs over a band w positions wide per
 *   segment (w = n at worst, a few dozen on the bench chains). Memory O(k n + P / 32).
 * - latency: the same dynamic program over every allowed state: O(k n^2) prices and steps.
 * - batch, and throughput with one shared resource that can bind (dp-cap.ts): the band of the
 *   incumbent priced once (P prices, each row kept and reused), one O(P) pass deciding which
 *   shared resources can bind, then O(k w^2) per cap step visited (a handful: 4-5 on the bench
 *   chains at N = 64). Memory O(P + k n). For batch, the band is first narrowed without pricing:
 *   rounds of a dynamic program over the lower bound with cut positions grouped in cells
 *   (least-sum.ts), each the bound's band (O(n k) bit operations, O(n) bound evaluations) and at
 *   most 4n more evaluations (about P' / cell^2 for the P' pairs of that band), until it has at
 *   most 4n pairs. On the 1,000-op bench chain at N = 8: 3 rounds take the bound's band from 158k pairs
 *   to 2.5k, and P = 957.
 * - otherwise (stage prices that depend on position, or several shared resources that can bind):
 *   Pareto fronts over the band (dp-pareto.ts), O(k w^2 F^2) for fronts of F labels.
 *
 * Why it is exact. Let F[j][b] be the least possible slowest stage over the ways to cut ops
 * [0, b) into j+1 non-empty segments whose cuts satisfy the constraints (cut j' at an allowed
 * position within its pin bounds). Any such way ends with a segment [a, b) after a way for
 * [0, a) with j segments, and max is monotone in both arguments, so
 *   F[j][b] = min over allowed a < b of max(F[j-1][a], cost(a, b))           (Bellman)
 * covers every plan and F[k-1][n] = B* is the optimum, for ANY cost (no monotonicity used).
 * The band: an incumbent plan of bottleneck U >= B* (bisection with greedy sweeps, bisect.ts)
 * bounds every segment of an optimal plan by U, so every state of an optimal plan lies on a plan
 * whose segments all cost <= U and whose cuts are allowed; band.ts finds exactly those states
 * (each pair priced and tested, no monotonicity assumed; a lower bound of the cost that grows with
 * the range only skips pairs it proves dearer than U). Restricting the recurrence to the band
 * keeps every optimal plan and adds none, so it still yields B*.
 * throughput ties: among plans with max <= B* (these are exactly the optimal ones) we minimise
 * (off-chip bytes, latency) lexicographically. Both are sums over segments, and lexicographic
 * order on pairs is preserved when the same pair is added to both sides (floating-point addition
 * is monotone), so the same recurrence with (+, lexicographic min) over the band's segments with
 * cost <= B* is exact.
 * latency: the objective (sum, then off-chip bytes) is additive: the lexicographic DP over every
 * allowed state is exact.
 * batch: sum + (B-1) max is not decomposable; for a cap T on the slowest stage, the least sum
 * over the plans within T is (dp-cap.ts says why searching the caps is exact). Where that does not
 * apply, it is monotone in (max, sum, off-chip) and a segment extends these monotonically, so a
 * label dominated in all three can never finish better: keeping the Pareto front of (max, sum,
 * off) per state is exact (dp-pareto.ts). With
 * non-negative stage times sum >= max, so a plan scoring at most the incumbent's U has
 * B * max <= U: the band of U / B holds every such plan; and max <= (U - L) / (B - 1) for any L at
 * most its latency, so once a lower bound L of the least latency over that band is known, so does
 * the band of (U - L) / (B - 1). L comes first from the lower bound of the cost, nothing priced
 * (least-sum.ts says why it is one), then exactly from the band it gives. The incumbent is the
 * best of the equal split, the bisection plan and the lowest-latency plan among the min-max
 * optimal ones.
 * Ties between equal labels keep the first found (the scan order), so the answer is deterministic.
 *
 * Option `prune` (default on): the band and the lower bound. Off, dp runs the same recurrences
 * over every allowed state and prices every pair (the reference the tests compare against).
 */

/** F[j * (n + 1) + b] per state, Infinity outside the band; `parent` the start of the last segment. */
export interface Layers {
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

/** bound(a, b) <= ms(a, b), shrunk by a relative 1e-9 so that rounding never prunes a tight segment. */
export type Bound = ((a: number, b: number) => number) | undefined;
export const shrunk = (bound: ((a: number, b: number) => number) | undefined): Bound =>
  bound ? (a, b) => bound(a, b) * (1 - 1e-9) - 1e-12 : undefined;

/** Phase 1: F[j][b] = min over a of max(F[j-1][a], cost(a, b)) over the band's states and segments. */
export function minMax(p: Problem, band: Band, price: RowPricer, budget: Budget, stagePrice?: StageRowPricer): Layers | undefined {
  const { n, tpus: k } = p;
  const W = n + 1;
  const L = fresh(k, n);
  const { value, parent } = L;
  const { cap } = band;
  const done = forStates(band, price, budget, (j, b, lo, hi, row) => {
    const at = j * W + b;
    for (let a = hi; a >= lo; a--) {
      // The empty prefix is no slower than anything (-Infinity, so negative costs stay exact).
      const prev = j === 0 ? -Infinity : value[(j - 1) * W + a]!;
      const c = row[a]!;
      if (prev >= value[at]! || c > cap || !inBand(band, j - 1, a)) continue;
      const v = prev > c ? prev : c;
      if (v < value[at]!) {
        value[at] = v;
        parent[at] = a;
      }
    }
  }, false, stagePrice);
  return done ? L : undefined;
}

/**
 * Additive lexicographic DP over (first, second) with first = off-chip bytes and second = sum of
 * stage times (throughput, over segments costing <= cap), or first = sum and second = off-chip
 * bytes (latency, cap = Infinity). Off-chip bytes of a segment are priced lazily: only when the
 * candidate could still win.
 */
export function lexicographic(p: Problem, band: Band, price: RowPricer, budget: Budget, cap: number, offFirst: boolean, stagePrice?: StageRowPricer): Layers | undefined {
  const { n, tpus: k } = p;
  const W = n + 1;
  const first = fresh(k, n);
  const fv = first.value;
  const fp = first.parent;
  const second = new Float64Array(k * W).fill(Infinity);
  const cost = p.cost;
  const offChip = cost.offChipBytes ? (a: number, b: number, j: number) => cost.offChipBytes!(a, b, j) : (a: number, b: number, j: number) => cost.segment(a, b, j).offChipBytes;
  const done = forStates(band, price, budget, (j, b, lo, hi, row) => {
    const at = j * W + b;
    for (let a = hi; a >= lo; a--) {
      const c = row[a]!;
      const from = (j - 1) * W + a;
      const f0 = j === 0 ? 0 : fv[from]!;
      if (c > cap || f0 === Infinity || !inBand(band, j - 1, a)) continue;
      const s0 = j === 0 ? 0 : second[from]!;
      if (offFirst) {
        if (f0 > fv[at]! || (f0 === fv[at]! && s0 + c >= second[at]!)) continue;
        const f = f0 + offChip(a, b, j);
        const s = s0 + c;
        if (f < fv[at]! || (f === fv[at]! && s < second[at]!)) {
          fv[at] = f;
          second[at] = s;
          fp[at] = a;
        }
      } else {
        const f = f0 + c;
        if (f > fv[at]!) continue;
        const s = s0 + offChip(a, b, j);
        if (f < fv[at]! || s < second[at]!) {
          fv[at] = f;
          second[at] = s;
          fp[at] = a;
        }
      }
    }
  }, false, stagePrice);
  return done ? first : undefined;
}

/** The slowest stage of a plan, each stage priced at its own position. */
const maxStageMs = (p: Problem, cuts: readonly number[]): number => Math.max(...segmentsOf(p.n, cuts).map(([a, b], i) => p.cost.segmentMs(a, b, i)));

interface Options {
  prune: boolean;
}

export const strategy: Strategy<Options> = {
  name: 'dp',
  description: 'exact optimum over contiguous cuts for any segment cost (chains-on-chains DP with tie-breaks)',
  options: optionsCodec('dp', { prune: t.boolean }, { prune: true }),
  search(p, o, _rng, budget) {
    const { n, tpus: k, objective } = p;
    if (k === 1) return E.right({ cuts: [] });
    // Bands and bounds price each segment at the least of its positions; the dynamic programs price
    // each layer at its own position when positions differ (TPUs of one host that are not alike).
    const price = rowPricer(p.cost, k);
    const stagePrice = p.cost.stageDependent ? stageRowPricer(p.cost) : undefined;
    const bound = o.prune ? shrunk(segmentBound(p.cost)) : undefined;
    // The best plan known so far: what an expired budget returns, marked unproven.
    const even = evenPlan(p);
    let known: readonly number[] = even;
    const keep = (cuts: readonly number[]): void => {
      if (compareScores(scorePlan(p, cuts), scorePlan(p, known)) < 0) known = cuts;
    };
    let stats: Record<string, number> = {};
    const unproven = (): E.Either<never, { cuts: number[]; stats: Record<string, number> }> => E.right({ cuts: [...known], stats: { ...stats, unproven: 1 } });
    const found = (x: { cuts: readonly number[]; unproven?: boolean }, more: Record<string, number>) => {
      stats = { ...stats, ...more };
      if (!x.unproven) return E.right({ cuts: [...x.cuts], stats });
      keep(x.cuts);
      return unproven();
    };
    if (objective.kind === 'latency') {
      const L = lexicographic(p, fullBand(p), price, budget, Infinity, false, stagePrice);
      return L ? E.right({ cuts: cutsFrom(L.parent, n, k) }) : unproven();
    }
    // The min-max plan is the throughput optimum unless resources every stage shares set its
    // steady state above its slowest stage; then the Pareto fronts over the shared demands decide.
    const sharedBinds = (cuts: readonly number[]): boolean => scorePlan(p, cuts).bottleneckMs > maxStageMs(p, cuts);
    if (!o.prune) {
      // The reference: every allowed state, every pair.
      const band = fullBand(p);
      if (objective.kind === 'batch') {
        const front = paretoPlans(p, band, price, budget, even, undefined, stagePrice);
        return front ? E.right({ cuts: front.cuts, stats: { labels: front.labels } }) : unproven();
      }
      const F = minMax(p, band, price, budget, stagePrice);
      const G = F && lexicographic(p, band, price, budget, F.value[(k - 1) * (n + 1) + n]!, true, stagePrice);
      if (!G) return unproven();
      const cuts = cutsFrom(G.parent, n, k);
      if (!sharedBinds(cuts)) return E.right({ cuts });
      keep(cuts);
      const front = paretoPlans(p, band, price, budget, cuts, undefined, stagePrice);
      return front ? E.right({ cuts: front.cuts, stats: { labels: front.labels } }) : unproven();
    }
    // The incumbent (bisection on the bottleneck from equal op counts) caps every segment of an optimal plan.
    const plan = bottleneckPlan(p, even, budget, bound);
    keep(plan);
    const band = capBand(p, price, maxStageMs(p, plan), bound, budget);
    const F = band && minMax(p, band, price, budget, stagePrice);
    if (!band || !F) return unproven();
    const bStar = F.value[(k - 1) * (n + 1) + n]!;
    stats = { band: band.states, pruned: bound ? 1 : 0 };
    // Throughput: fewest off-chip bytes, then lowest latency among the optimal plans.
    // Batch: the lowest latency among them is the incumbent of the Pareto search.
    const G = lexicographic(p, band, price, budget, bStar, objective.kind === 'throughput', stagePrice);
    if (!G) return unproven();
    const best = cutsFrom(G.parent, n, k);
    keep(best);
    const memo = memoRowPricer(price, n);
    if (objective.kind === 'throughput') {
      if (!sharedBinds(best)) return E.right({ cuts: best, stats });
      const wide = sharedBand(p, memo, bound, budget, best);
      const live = wide && !stagePrice ? liveResources(p, wide, bStar, budget) : undefined;
      if (!wide || (!stagePrice && !live)) return unproven();
      stats.band = wide.states;
      if (live && live.length === 1) {
        const pairs = pricePairs(p, wide, memo, budget, { kind: 'shared', resource: live[0]! });
        if (!pairs) return unproven();
        const r = sharedByCaps(p, pairs, divisorOf(p, live[0]!), budget, known);
        return found(r, { steps: r.steps, labels: r.labels });
      }
      const front = paretoPlans(p, wide, memo, budget, known, undefined, stagePrice);
      return front ? found(front, { labels: front.labels }) : unproven();
    }
    const narrow = batchBand(p, memo, bound, budget, known);
    const shared = p.cost.hasShared === true && p.cost.sharedMs !== undefined;
    const live = narrow && !stagePrice ? (shared ? liveResources(p, narrow.band, bStar, budget) : []) : undefined;
    if (!narrow || (!stagePrice && !live)) return unproven();
    stats.band = narrow.band.states;
    stats.rounds = narrow.rounds;
    if (live && live.length === 0) {
      const withFirst = p.cost.pipeline?.freshRunner === true && p.cost.firstMs !== undefined;
      const pairs = pricePairs(p, narrow.band, memo, budget, withFirst ? { kind: 'first' } : { kind: 'none' });
      if (!pairs) return unproven();
      const r = batchByCaps(p, pairs, bStar, budget, known);
      return found(r, { steps: r.steps });
    }
    const front = paretoPlans(p, narrow.band, memo, budget, known, narrow.rest, stagePrice);
    return front ? found(front, { labels: front.labels }) : unproven();
  },
};
