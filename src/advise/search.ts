import * as E from 'fp-ts/Either';
import type { CostModel } from '../../cost-models/types';
import { strategy as dp } from '../../strategies/dp';
import type { ObjectiveKind } from '../../strategies/types';
import type { TpusegError } from '../errors';
import { evaluateLayout, type Layout, type LayoutEvaluation } from '../pipeline/layout';
import { makeProblem } from '../search/problem';
import { solveInProcess } from '../search/task';
import { assignedModel, positionKinds } from './assigned';
import { bestHybrids } from './hybrid-dp';
import { bestLayouts, kindsOf, layoutDpWork } from './layout-dp';

/**
 * The configurations `tpuseg advise` weighs on a board of K TPUs (src/pipeline/layout.ts):
 *
 * - pipelines of k = 1..K stages, cut by dp for the steady state (and for the objective asked,
 *   when it is latency or batch);
 * - r replicas of a k-stage pipeline, r x k <= K: the pipeline's cuts, which stay optimal while
 *   its slowest stage / r sets the steady state; otherwise dp on the replicated stages;
 * - hybrids, stages on different numbers of TPUs. On TPUs that are all alike, for every k and
 *   number of TPUs m the copies and cuts that minimize the slowest stage per input, exactly
 *   (hybrid-dp.ts); on a board whose TPUs differ, from each k-stage pipeline, the next fastest TPU
 *   given to the stage that sets the pace, one at a time, dp re-cutting each time.
 *
 * Every configuration is priced with everything its stages share (layout.ts); where a shared
 * resource rather than the slowest stage sets a configuration's steady state, dp is run again on
 * its TPUs, which is exact for them (assigned.ts). On a board whose TPUs differ, the order of the
 * TPUs in a pipeline matters: every distinct order of a pipeline's TPUs is tried when there are at
 * most ORDER_LIMIT of them, else the board's own order, fastest first and slowest first, then
 * swaps of two TPUs while one improves, up to ORDER_LIMIT orders; dp is exact for each order.
 * Beside them, an exact search over cuts, TPUs per stage and their order (layout-dp.ts) gives,
 * for every number of TPUs m, the layout with the least slowest stage and the best pipeline:
 * where the best configuration found runs at that bound it is proven optimal (`LayoutProof`);
 * where a shared resource binds instead, the output says how far from the bound it is.
 */

export interface AdviseSearch {
  readonly cost: CostModel;
  /** K: the TPUs on the board (positions 0..K-1 of the cost model). */
  readonly tpus: number;
  readonly objective: ObjectiveKind;
  readonly batch: number;
}

export interface OrderSearch {
  /** Device orders dp was run on, over all pipeline depths. */
  readonly tried: number;
  /** True when every distinct order of every depth was tried. */
  readonly exhaustive: boolean;
}

/** On a board whose TPUs differ: how far the layouts found are from the best any layout can do. */
export interface LayoutProof {
  /** False when the layout DP was too large to run (its transitions are above LAYOUT_DP_LIMIT). */
  readonly ran: boolean;
  readonly work: number;
  /** Per m = index + 1: the least slowest stage of any layout on up to m TPUs, a lower bound on its steady state. */
  readonly boundMs: readonly number[];
  /** Per m: the best steady state found on up to m TPUs over that bound (1: proven optimal). */
  readonly gap: readonly number[];
}

export interface SearchResult {
  readonly candidates: readonly LayoutEvaluation[];
  readonly orders?: OrderSearch;
  readonly layouts?: LayoutProof;
}

/** Transitions of the exact layout DP (layout-dp.ts) past which it is not run (about 2 s). */
export const LAYOUT_DP_LIMIT = 4e8;

export const ORDER_LIMIT = 24;

const SEED = 'advise';

/** dp's cuts of `cost` into k stages for an objective. */
function dpCuts(cost: CostModel, k: number, kind: ObjectiveKind, batch: number): E.Either<TpusegError, number[]> {
  if (k === 1) return E.right([]);
  const p = makeProblem(cost, k, { kind, batch }, { pins: [] });
  if (E.isLeft(p)) return p;
  const out = solveInProcess(p.right, dp, undefined, SEED);
  return E.isLeft(out.result) ? out.result : E.right([...out.result.right.cuts]);
}

/** Lower steady state, then lower latency. */
const better = (x: LayoutEvaluation, y: LayoutEvaluation): boolean =>
  x.bottleneckMs < y.bottleneckMs || (x.bottleneckMs === y.bottleneckMs && x.latencyMs < y.latencyMs);

const keyOf = (l: Layout): string => JSON.stringify([l.cuts, l.tpus]);

export function searchLayouts(s: AdviseSearch): E.Either<TpusegError, SearchResult> {
  const { cost, batch } = s;
  const n = cost.graph.ops.length;
  const K = s.tpus;
  const kinds = positionKinds(cost, K);
  const alike = new Set(kinds).size === 1;
  // Every layout priced once; only the configurations chosen are kept (not every order tried on the way).
  const priced = new Map<string, LayoutEvaluation>();
  const kept = new Map<string, LayoutEvaluation>();
  const price = (l: Layout): LayoutEvaluation => {
    const key = keyOf(l);
    let ev = priced.get(key);
    if (!ev) priced.set(key, (ev = evaluateLayout(cost, l, batch)));
    return ev;
  };
  const keep = (ev: LayoutEvaluation): LayoutEvaluation => {
    kept.set(keyOf(ev), ev);
    return ev;
  };
  /** The layout's TPUs cut by dp for them: exact for the steady state, shared resources included. */
  const recut = (tpus: readonly (readonly number[])[]): E.Either<TpusegError, LayoutEvaluation> =>
    E.map((cuts: number[]) => price({ cuts, tpus }))(dpCuts(assignedModel(cost, tpus), tpus.length, 'throughput', batch));
  /** These cuts on these TPUs, or dp's own for them when something the stages share sets the pace. */
  const withCuts = (cuts: readonly number[], tpus: readonly (readonly number[])[]): E.Either<TpusegError, LayoutEvaluation> => {
    const ev = price({ cuts, tpus });
    if (ev.limitedBy === 'slowest stage' || tpus.length === 1) return E.right(ev);
    return E.map((again: LayoutEvaluation) => (better(again, ev) ? again : ev))(recut(tpus));
  };
  const depth = Math.min(K, n);
  const r = alike ? alikeBoard(s, depth, withCuts, keep) : unlikeBoard(s, depth, kinds, recut, withCuts, keep);
  if (E.isLeft(r)) return r;
  if (alike) return E.right({ candidates: [...kept.values()] });
  const proof = exactLayouts(cost, kinds.slice(0, K), withCuts, keep, () => [...kept.values()]);
  if (E.isLeft(proof)) return proof;
  return E.right({ candidates: [...kept.values()], ...(r.right ? { orders: r.right } : {}), layouts: proof.right });
}

/**
 * The exact layouts of a board whose TPUs differ (layout-dp.ts), one per number of TPUs, priced
 * with everything the stages share; and, per m, how far the best configuration found is from the
 * least slowest stage any layout on m TPUs can have.
 */
function exactLayouts(cost: CostModel, kinds: readonly string[], withCuts: WithCuts, keep: Keep, all: () => LayoutEvaluation[]): E.Either<TpusegError, LayoutProof> {
  const board = kindsOf(kinds);
  const n = cost.graph.ops.length;
  const work = layoutDpWork(board.tpus.map((t) => t.length), n);
  const K = kinds.length;
  const bestFound = (): number[] => {
    const evs = all();
    return Array.from({ length: K }, (_, i) => Math.min(...evs.filter((e) => e.tpuCount <= i + 1).map((e) => e.bottleneckMs)));
  };
  if (work > LAYOUT_DP_LIMIT) return E.right({ ran: false, work, boundMs: [], gap: [] });
  const bound = bestLayouts(cost, board).byTpus.slice(0, K);
  // The best pipelines too: where a hybrid's handoffs make the interpreter lock bind, the best
  // layout on m TPUs is often a pipeline.
  const pipelines = bestLayouts(cost, board, true).byTpus.slice(0, K);
  for (const b of [...bound, ...pipelines]) {
    if (!Number.isFinite(b.slowestMs)) continue;
    const ev = withCuts(b.layout.cuts, b.layout.tpus);
    if (E.isLeft(ev)) return ev;
    keep(ev.right);
  }
  const found = bestFound();
  return E.right({ ran: true, work, boundMs: bound.map((b) => b.slowestMs), gap: found.map((f, i) => f / bound[i]!.slowestMs) });
}

type WithCuts = (cuts: readonly number[], tpus: readonly (readonly number[])[]) => E.Either<TpusegError, LayoutEvaluation>;
type Recut = (tpus: readonly (readonly number[])[]) => E.Either<TpusegError, LayoutEvaluation>;
type Keep = (ev: LayoutEvaluation) => LayoutEvaluation;

const seq = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

/** TPUs all alike: positions are interchangeable, so stage i of replica j runs on TPU j x k + i. */
function alikeBoard(s: AdviseSearch, depth: number, withCuts: WithCuts, keep: Keep): E.Either<TpusegError, undefined> {
  const { cost, objective, batch } = s;
  const K = s.tpus;
  for (let k = 1; k <= depth; k++) {
    const plans: number[][] = [];
    const main = dpCuts(cost, k, 'throughput', batch);
    if (E.isLeft(main)) return main;
    plans.push(main.right);
    if (objective !== 'throughput') {
      const own = dpCuts(cost, k, objective, batch);
      if (E.isLeft(own)) return own;
      if (JSON.stringify(own.right) !== JSON.stringify(main.right)) plans.push(own.right);
    }
    for (const cuts of plans) {
      for (let r = 1; r * k <= K; r++) {
        const tpus = seq(0, k).map((i) => seq(0, r).map((j) => j * k + i));
        const ev = withCuts(cuts, tpus);
        if (E.isLeft(ev)) return ev;
        keep(ev.right);
      }
    }
  }
  for (const h of bestHybrids(cost, K)) {
    let next = 0;
    const tpus = h.copies.map((c) => {
      const ts = seq(next, c);
      next += c;
      return ts;
    });
    const ev = withCuts(h.cuts, tpus);
    if (E.isLeft(ev)) return ev;
    keep(ev.right);
  }
  return E.right(undefined);
}

/** Distinct orders of a multiset of TPUs (by kind), at most `limit` + 1 of them (one more tells there are more). */
function distinctOrders(pool: readonly number[], kinds: readonly string[], limit: number): number[][] {
  const out: number[][] = [];
  const byKind = new Map<string, number[]>();
  for (const t of pool) byKind.set(kinds[t]!, [...(byKind.get(kinds[t]!) ?? []), t]);
  const left = [...byKind.values()].map((ts) => [...ts]);
  const order: number[] = [];
  const walk = (): void => {
    if (out.length > limit) return;
    if (order.length === pool.length) {
      out.push([...order]);
      return;
    }
    for (const ts of left) {
      if (ts.length === 0) continue;
      order.push(ts.shift()!);
      walk();
      ts.unshift(order.pop()!);
    }
  };
  walk();
  return out;
}

/** TPUs that differ: which TPUs run which stage, and in what order, is part of the search. */
function unlikeBoard(s: AdviseSearch, depth: number, kinds: readonly string[], recut: Recut, withCuts: WithCuts, keep: Keep): E.Either<TpusegError, OrderSearch> {
  const { cost, objective, batch } = s;
  const K = s.tpus;
  const n = cost.graph.ops.length;
  const alone = seq(0, K).map((t) => cost.segmentMs(0, n, t));
  const fastest = seq(0, K).sort((a, b) => alone[a]! - alone[b]! || a - b);
  let tried = 0;
  let exhaustive = true;
  const pipelines: LayoutEvaluation[] = [];
  const orderKey = (o: readonly number[]): string => o.map((t) => kinds[t]).join('|');
  for (let k = 1; k <= depth; k++) {
    const pool = fastest.slice(0, k).sort((a, b) => a - b);
    const seen = new Map<string, LayoutEvaluation>();
    let best: LayoutEvaluation | undefined;
    const tryOrder = (o: readonly number[]): E.Either<TpusegError, LayoutEvaluation | undefined> => {
      const key = orderKey(o);
      if (seen.has(key)) return E.right(undefined);
      tried++;
      const ev = recut(o.map((t) => [t]));
      if (E.isLeft(ev)) return ev;
      seen.set(key, ev.right);
      if (!best || better(ev.right, best)) best = ev.right;
      return E.right(ev.right);
    };
    const all = distinctOrders(pool, kinds, ORDER_LIMIT);
    if (all.length <= ORDER_LIMIT) {
      for (const o of all) {
        const r = tryOrder(o);
        if (E.isLeft(r)) return r;
      }
    } else {
      exhaustive = false;
      const bySpeed = [...pool].sort((a, b) => alone[a]! - alone[b]! || a - b);
      for (const o of [pool, bySpeed, [...bySpeed].reverse()]) {
        const r = tryOrder(o);
        if (E.isLeft(r)) return r;
      }
      // Swaps of two TPUs of different kinds, while one improves and orders remain.
      for (let improved = true; improved && seen.size < ORDER_LIMIT;) {
        improved = false;
        const from = best!.tpus.map((t) => t[0]!);
        for (let i = 0; i < k && !improved && seen.size < ORDER_LIMIT; i++) {
          for (let j = i + 1; j < k && !improved && seen.size < ORDER_LIMIT; j++) {
            if (kinds[from[i]!] === kinds[from[j]!]) continue;
            const o = [...from];
            [o[i], o[j]] = [o[j]!, o[i]!];
            const before = best!;
            const r = tryOrder(o);
            if (E.isLeft(r)) return r;
            if (best !== before) improved = true;
          }
        }
      }
    }
    pipelines.push(keep(best!));
    if (objective !== 'throughput' && k > 1) {
      const tpus = best!.tpus;
      const own = dpCuts(assignedModel(cost, tpus), k, objective, batch);
      if (E.isLeft(own)) return own;
      const ev = withCuts(own.right, tpus);
      if (E.isLeft(ev)) return ev;
      keep(ev.right);
    }
  }
  // Replicas: the k x r fastest TPUs, stage by stage in blocks of r, fastest block first or last.
  for (let k = 1; k <= depth; k++) {
    for (let r = 2; r * k <= K; r++) {
      const pool = fastest.slice(0, k * r);
      const blocks = seq(0, k).map((i) => pool.slice(i * r, (i + 1) * r).sort((a, b) => a - b));
      let best: LayoutEvaluation | undefined;
      for (const tpus of k === 1 ? [blocks] : [blocks, [...blocks].reverse()]) {
        const ev = k === 1 ? withCuts([], tpus) : recut(tpus);
        if (E.isLeft(ev)) return ev;
        if (!best || better(ev.right, best)) best = ev.right;
      }
      keep(best!);
    }
  }
  // Hybrids: from each pipeline, the next fastest TPU to the stage that sets the pace.
  for (const start of pipelines) {
    const k = start.tpus.length;
    if (k < 2) continue;
    const free = fastest.filter((t) => !start.tpus.some((ts) => ts.includes(t)));
    let cur = start;
    while (free.length > 0) {
      let slow = 0;
      for (let i = 1; i < k; i++) if (cur.segments[i]!.ms / cur.copies[i]! > cur.segments[slow]!.ms / cur.copies[slow]!) slow = i;
      const tpus = cur.tpus.map((ts, i) => (i === slow ? [...ts, free.shift()!].sort((a, b) => a - b) : [...ts]));
      const ev = recut(tpus);
      if (E.isLeft(ev)) return ev;
      cur = keep(ev.right);
    }
  }
  return E.right({ tried, exhaustive });
}
