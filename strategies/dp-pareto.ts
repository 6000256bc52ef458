import { SHARED, SHARED_COUNT } from '../cost-models/types';
import { sharedBoundMs } from '../src/pipeline/evaluate';
import { bandPairs, boundBand, capBand, forStates, inBand as inBandOf, type Band } from '../src/search/band';
import { leastSumBound } from '../src/search/least-sum';
import { primaryOf, compareScores, scorePlan, type Score } from '../src/search/objective';
import type { RowPricer, StageRowPricer } from '../src/search/rows';
import type { Budget, Problem } from './types';

/**
 * The objectives of dp that do not decompose over segments: `batch`, sum (+ first invokes on a
 * fresh runner) + (B-1) x steady state, and `throughput` when resources every stage shares (the
 * interpreter lock, a shared link, host CPU) can set the steady state above the slowest stage.
 * Ties go to fewer off-chip bytes, then lower latency. Per state (segment j, end b) it keeps the
 * Pareto front of labels (max, sum, first invokes, lock, link, host CPU, off-chip) of the ways to
 * reach it; the score is monotone in each and extending by a segment is monotone in each, so a
 * label dominated in all of them cannot finish better, and the front of the final state contains
 * an optimal plan (see dp.ts for the full argument). Components a model does not have stay 0.
 * Pruning: the incumbent's score U bounds the optimum. Per state, `completions` gives the least
 * sum and the least max that completing it can add (over the band); a label whose score with
 * these can only exceed U cannot lead to a plan scoring <= U (the score is monotone), so it is
 * dropped. Only the states of a band run: with non-negative stage times sum >= max, so a plan
 * scoring <= U has B * max <= U and its max is within U / B; for any lower bound L of the least
 * sum of the plans in that band, also within (U - L) / (B - 1), usually a much narrower band:
 * batchBand takes L first from the cost's lower bound (boundCap), then exactly over the band that
 * gives (completions, which then hold over every plan scoring <= U).
 * Equal labels keep the first.
 */

interface Label {
  readonly m: number;
  readonly s: number;
  /** First invokes, interpreter lock, shared link, host CPU: sums over the segments. */
  readonly f: number;
  readonly g: number;
  readonly l: number;
  readonly c: number;
  readonly o: number;
  readonly a: number;
  readonly from: number;
}

// Module-level alias: an imported binding is a property read through a getter in the hot loops.
const inBand = inBandOf;

const dominates = (y: Label, x: Label): boolean =>
  y.m <= x.m && y.s <= x.s && y.o <= x.o && y.f <= x.f && y.g <= x.g && y.l <= x.l && y.c <= x.c;

/** Caps and score bounds computed in another order than the plans' own sums get this slack. */
const loosen = (x: number): number => x * (1 + 1e-9) + 1e-12;

/** Per state (j, b) in the band: the least sum and the least max of the segments completing it; Infinity when it cannot be completed. */
export interface Completions {
  readonly sum: Float64Array;
  readonly max: Float64Array;
  /** The least sum over the band's plans (completing the empty prefix). */
  readonly total: number;
}

/** Backward over the band: each end e pushes its states' completions to the starts of their segments. */
function completions(p: Problem, band: Band, price: RowPricer, budget: Budget): Completions | undefined {
  // Envelope prices (the least over positions) keep these lower bounds for every position.
  const { n, tpus: k } = p;
  const W = n + 1;
  const sum = new Float64Array(k * W).fill(Infinity);
  const max = new Float64Array(k * W).fill(Infinity);
  sum[(k - 1) * W + n] = 0;
  max[(k - 1) * W + n] = -Infinity;
  let total = Infinity;
  const { cap } = band;
  // Backward: every push into (j - 1, a) comes from an end e > a, already final.
  const done = forStates(band, price, budget, (j, e, lo, hi, row) => {
    const s0 = sum[j * W + e]!;
    const m0 = max[j * W + e]!;
    if (s0 === Infinity) return;
    if (j === 0) {
      if (row[0]! <= cap && row[0]! + s0 < total) total = row[0]! + s0;
      return;
    }
    for (let a = hi; a >= lo; a--) {
      const c = row[a]!;
      if (c > cap || !inBand(band, j - 1, a)) continue;
      const at = (j - 1) * W + a;
      if (c + s0 < sum[at]!) sum[at] = c + s0;
      const m = c > m0 ? c : m0;
      if (m < max[at]!) max[at] = m;
    }
  }, true);
  if (!done) return undefined;
  return { sum, max, total };
}

/**
 * The exact batch optimum, or undefined when the budget expires: the band of U / B, the least sum
 * L over it, then the Pareto fronts over the band of (U - L) / (B - 1) when it is narrower.
 */
export function batchOptimum(p: Problem, price: RowPricer, bound: ((a: number, b: number) => number) | undefined, budget: Budget, incumbent: readonly number[],
  stagePrice?: StageRowPricer): { cuts: number[]; labels: number; band: number } | undefined {
  const found = batchBand(p, price, bound, budget, incumbent);
  if (!found) return undefined;
  const front = paretoPlans(p, found.band, price, budget, incumbent, found.rest, stagePrice);
  return front && { ...front, band: found.band.states };
}

/**
 * The band holding every plan that scores at most the incumbent under `batch`, the completions
 * over a band that holds it, and the rounds of boundCap that ran.
 */
export function batchBand(p: Problem, price: RowPricer, bound: ((a: number, b: number) => number) | undefined, budget: Budget, incumbent: readonly number[]):
  { band: Band; rest: Completions; rounds: number } | undefined {
  const U = scorePlan(p, incumbent).primary;
  const B = p.objective.batch;
  // primary >= sum + (B-1) x max >= B x max: every plan scoring <= U has max <= U / B; and
  // max <= (U - sum) / (B-1), so a lower bound of the least sum narrows that before anything is priced.
  const start = B > 1 && bound ? boundCap(p, bound, U, loosen(U / B), budget) : { cap: loosen(U / B), band: undefined, rounds: 0 };
  if (!start) return undefined;
  const wide = capBand(p, price, start.cap, bound, budget, start.band);
  if (!wide) return undefined;
  const rest = completions(p, wide, price, budget);
  if (!rest) return undefined;
  // The least sum over the wide band itself: a cap within it.
  const cap = B > 1 ? loosen((U - rest.total) / (B - 1)) : Infinity;
  const band = cap < wide.cap ? capBand(p, price, cap, bound, budget, wide) : wide;
  return band && { band, rest, rounds: start.rounds };
}

/** Bound evaluations a round of boundCap may spend, per op: a band with fewer pairs than a round would evaluate is priced as it is. */
const ROUND_WORK = 4;

/**
 * The cap of batchBand narrowed by rounds of leastSumBound over the bound's own band (nothing
 * priced): each round's lower bound L of the least sum gives the cap (U - L) / (B-1), and the next
 * round runs over its narrower band with finer cells. A round costs about pairs / cell^2 bound
 * evaluations, so rounds run while cells of 2 or more positions keep that within ROUND_WORK x n:
 * on fewer pairs, pricing them (and taking the exact least sum) costs about as much as bounding
 * them. They also stop once a round narrows the cap by less than 1%. Returns the cap, the bound's
 * band of it and the rounds run; undefined when the budget expires.
 */
export function boundCap(p: Problem, bound: (a: number, b: number) => number, U: number, start: number, budget: Budget, work = ROUND_WORK):
  { cap: number; band: Band; rounds: number } | undefined {
  const { n } = p;
  const B = p.objective.batch;
  let ops: Float64Array | undefined;
  let cap = start;
  let band = boundBand(p, cap, bound);
  let rounds = 0;
  while (band.states > 0) {
    const cell = Math.ceil(Math.sqrt(bandPairs(band) / (work * n)));
    if (cell <= 1) break;
    if (!ops) {
      ops = new Float64Array(n);
      for (let i = 0; i < n; i++) ops[i] = bound(i, i + 1);
    }
    const least = leastSumBound(p, band, bound, ops, cell, budget);
    if (least === undefined) return undefined;
    rounds++;
    const next = loosen((U - least) / (B - 1));
    if (!(next < cap)) break;
    const narrowing = next < 0.99 * cap;
    cap = next;
    band = boundBand(p, cap, bound);
    if (!narrowing) break;
  }
  return { cap, band, rounds };
}

/** The exact throughput optimum when shared resources can bind: every plan scoring <= U has all its stages <= U. */
export function sharedOptimum(p: Problem, price: RowPricer, bound: ((a: number, b: number) => number) | undefined, budget: Budget, incumbent: readonly number[],
  stagePrice?: StageRowPricer): { cuts: number[]; labels: number; band: number } | undefined {
  const band = sharedBand(p, price, bound, budget, incumbent);
  if (!band) return undefined;
  const front = paretoPlans(p, band, price, budget, incumbent, undefined, stagePrice);
  return front && { ...front, band: band.states };
}

/** The band holding every plan whose steady state is at most the incumbent's. */
export const sharedBand = (p: Problem, price: RowPricer, bound: ((a: number, b: number) => number) | undefined, budget: Budget, incumbent: readonly number[]): Band | undefined =>
  capBand(p, price, loosen(scorePlan(p, incumbent).primary), bound, budget);

export function paretoPlans(p: Problem, band: Band, price: RowPricer, budget: Budget, incumbent: readonly number[], rest?: Completions,
  stagePrice?: StageRowPricer): { cuts: number[]; labels: number } | undefined {
  const { n, tpus: k, objective } = p;
  const W = n + 1;
  const cost = p.cost;
  const limit = scorePlan(p, incumbent).primary;
  const slack = loosen(limit);
  const fronts: (Label[] | undefined)[] = new Array(k * W);
  const origin: Label[] = [{ m: 0, s: 0, f: 0, g: 0, l: 0, c: 0, o: 0, a: -1, from: -1 }];
  const cores = cost.pipeline?.hostCores ?? Infinity;
  const shared = cost.hasShared === true && cost.sharedMs !== undefined;
  const withFirst = objective.kind === 'batch' && cost.pipeline?.freshRunner === true && cost.firstMs !== undefined;
  const demand = new Float64Array(SHARED_COUNT);
  const score = (x: { m: number; s: number; f: number; g: number; l: number; c: number }): number => primaryOf(objective, x.m, x.s, sharedBoundMs(x.g, x.l, x.c, cores), x.f);
  let labels = 0;

  const insert = (front: Label[], x: Label): void => {
    for (const y of front) if (dominates(y, x)) return;
    let w = 0;
    for (const y of front) if (!dominates(x, y)) front[w++] = y;
    front.length = w;
    front.push(x);
  };

  // Extends the front of (j - 1, a) by segment [a, b) of cost c into the front of (j, b).
  const extend = (j: number, a: number, b: number, c: number): void => {
    const prev = j === 0 ? origin : fronts[(j - 1) * W + a];
    if (!prev || prev.length === 0) return;
    // A segment alone can rule itself out: the score of a plan is at least the score of one segment.
    if (primaryOf(objective, c, c) > limit) return;
    let off = -1;
    let seg: { f: number; g: number; l: number; c: number } | undefined;
    for (let i = 0; i < prev.length; i++) {
      const x = prev[i]!;
      const m = x.m > c ? x.m : c;
      const s = x.s + c;
      if (primaryOf(objective, m, s) > limit) continue;
      if (rest && primaryOf(objective, m > rest.max[j * W + b]! ? m : rest.max[j * W + b]!, s + rest.sum[j * W + b]!) > slack) continue;
      if (!seg) {
        if (shared) cost.sharedMs!(a, b, demand, j);
        seg = {
          f: withFirst ? cost.firstMs!(a, b, j) : 0,
          g: shared ? demand[SHARED.gil]! : 0, l: shared ? demand[SHARED.link]! : 0, c: shared ? demand[SHARED.hostCpu]! : 0,
        };
      }
      const y = { m, s, f: x.f + seg.f, g: x.g + seg.g, l: x.l + seg.l, c: x.c + seg.c };
      if (score(y) > slack) continue;
      if (off < 0) off = cost.offChipBytes ? cost.offChipBytes(a, b, j) : cost.segment(a, b, j).offChipBytes;
      const front = fronts[j * W + b] ?? (fronts[j * W + b] = []);
      insert(front, { ...y, o: x.o + off, a, from: i });
      labels++;
    }
  };

  const done = forStates(band, price, budget, (j, b, lo, hi, row) => {
    for (let a = hi; a >= lo; a--) if (inBand(band, j - 1, a)) extend(j, a, b, row[a]!);
  }, false, stagePrice);
  if (!done) return undefined;

  const last = fronts[(k - 1) * W + n] ?? [];
  let best = -1;
  let bestScore: Score | undefined;
  last.forEach((l, i) => {
    const final: Score = { primary: score(l), offChipBytes: l.o, latencyMs: l.s, bottleneckMs: l.m };
    if (!bestScore || compareScores(final, bestScore) < 0) {
      bestScore = final;
      best = i;
    }
  });
  if (best < 0) return { cuts: [...incumbent], labels };
  return { cuts: backtrack(fronts, W, n, k, best), labels };
}

/** The cuts of the plan ending in label `idx` of the front at (k - 1, n): each label's start, then the label it extends. */
export function backtrack(fronts: readonly (readonly { readonly a: number; readonly from: number }[] | undefined)[], W: number, n: number, k: number, idx: number): number[] {
  const cuts: number[] = [];
  let b = n;
  for (let j = k - 1; j > 0; j--) {
    const l = fronts[j * W + b]![idx]!;
    cuts.unshift(l.a);
    idx = l.from;
    b = l.a;
  }
  return cuts;
}
