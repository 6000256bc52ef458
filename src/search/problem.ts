import * as E from 'fp-ts/Either';
import type { CostModel } from '../../cost-models/types';
import type { Constraints, Objective, Problem } from '../../strategies/types';
import { infeasible, usage, type TpusegError } from '../errors';
import { rangeIndex } from '../graph/cuts';

/**
 * Builds a segmentation problem and digests its constraints into per-cut position bounds.
 * A pin (op i in segment s) means cuts[s-1] <= i < cuts[s]: every cut j < s sits at or before i,
 * every cut j >= s after it. The crossing limit forbids cut positions whose crossing tensors
 * exceed it. Requests no plan can satisfy are `Infeasible`, with the reason.
 */
export function makeProblem(cost: CostModel, tpus: number, objective: Objective, constraints: Constraints): E.Either<TpusegError, Problem> {
  const digested = digestProblem(cost, tpus, objective, constraints);
  if (E.isLeft(digested)) return digested;
  return feasibleChains(digested.right) === undefined ? E.left(infeasible(explain(digested.right))) : digested;
}

/** The problem with its constraints digested, before the check that some plan satisfies them. */
export function digestProblem(cost: CostModel, tpus: number, objective: Objective, constraints: Constraints): E.Either<TpusegError, Problem> {
  const graph = cost.graph;
  const n = graph.ops.length;
  if (!Number.isInteger(tpus) || tpus < 1) return E.left(usage(`the number of TPUs must be a positive integer, got ${tpus}`));
  if (!Number.isInteger(objective.batch) || objective.batch < 1) return E.left(usage(`the batch size must be a positive integer, got ${objective.batch}`));
  if (tpus > n) return E.left(infeasible(`${graph.name} has ${n} ops: it cannot be cut into ${tpus} non-empty segments`));

  const k = tpus;
  const cutLo = new Array<number>(Math.max(k - 1, 0)).fill(1);
  const cutHi = new Array<number>(Math.max(k - 1, 0)).fill(n - 1);
  for (const { op, segment } of constraints.pins) {
    if (!Number.isInteger(op) || op < 0 || op >= n) return E.left(usage(`pin ${op}:${segment}: op ${op} is outside 0..${n - 1}`));
    if (!Number.isInteger(segment) || segment < 0 || segment >= k) return E.left(usage(`pin ${op}:${segment}: segment ${segment} is outside 0..${k - 1}`));
    for (let j = 0; j < k - 1; j++) {
      if (j < segment) cutHi[j] = Math.min(cutHi[j]!, op);
      else cutLo[j] = Math.max(cutLo[j]!, op + 1);
    }
  }

  const canCut = new Uint8Array(n + 1).fill(1);
  const limit = constraints.maxCrossingBytes;
  if (limit !== undefined) {
    const index = rangeIndex(graph);
    for (let c = 1; c < n; c++) if (index.crossingBytes(c) > limit) canCut[c] = 0;
  }

  return E.right({ graph, n, tpus, cost, objective, constraints, cutLo, cutHi, canCut });
}

/**
 * Leftmost and rightmost feasible position of every cut (greedy from each end). Cut j can take a
 * position p exactly when canCut[p], left[j] <= p <= right[j], and p lies strictly between its
 * neighbours; any such choice can be completed. Undefined when no plan satisfies the constraints.
 */
export function feasibleChains(p: Problem): { left: number[]; right: number[] } | undefined {
  const m = p.tpus - 1;
  const left: number[] = [];
  let prev = 0;
  for (let j = 0; j < m; j++) {
    let c = Math.max(prev + 1, p.cutLo[j]!);
    while (c <= p.cutHi[j]! && !p.canCut[c]) c++;
    if (c > p.cutHi[j]! || c > p.n - 1) return undefined;
    left.push(c);
    prev = c;
  }
  const right = new Array<number>(m);
  let next = p.n;
  for (let j = m - 1; j >= 0; j--) {
    let c = Math.min(next - 1, p.cutHi[j]!);
    while (c >= p.cutLo[j]! && !p.canCut[c]) c--;
    if (c < left[j]!) return undefined;
    right[j] = c;
    next = c;
  }
  return { left, right };
}

function explain(p: Problem): string {
  const name = p.graph.name;
  const limit = p.constraints.maxCrossingBytes;
  const open = p.canCut.subarray(1, p.n).reduce((s, v) => s + v, 0);
  if (limit !== undefined && open < p.tpus - 1) {
    return `${name}: only ${open} cut positions carry at most ${limit} crossing bytes, ${p.tpus} segments need ${p.tpus - 1}`;
  }
  const pinned = pinProblem(p.constraints.pins, p.n, p.tpus);
  if (pinned !== undefined) return `${name}: ${pinned}`;
  for (let j = 0; j < p.tpus - 1; j++) {
    if (p.cutLo[j]! > p.cutHi[j]!) return `${name}: the pins force cut ${j} after op ${p.cutLo[j]! - 1} and at or before op ${p.cutHi[j]}: pinned ops are out of order`;
  }
  return `${name}: no cut into ${p.tpus} non-empty segments satisfies the pins${limit !== undefined ? ` and the crossing limit of ${limit} bytes` : ''}`;
}

/**
 * What makes pins unsatisfiable, said of the pins themselves: a pin whose segment cannot be
 * reached with non-empty segments on either side of its op, two pins in the wrong order, or two
 * pins with too few ops between them for the segments between; undefined when none of these.
 */
export function pinProblem(pins: Constraints['pins'], n: number, tpus: number): string | undefined {
  const plural = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
  for (const { op, segment } of pins) {
    if (op < segment) {
      const before = segment === 1 ? 'segment 0 before it needs at least 1 op' : `segments 0..${segment - 1} before it need at least ${segment} ops`;
      return `pin ${op}:${segment}: op ${op} cannot run in segment ${segment}: ${before}, and ${plural(op, 'op')} come before op ${op}`;
    }
    const after = tpus - 1 - segment;
    if (n - 1 - op < after) {
      const needs = after === 1 ? `segment ${segment + 1} after it needs at least 1 op` : `segments ${segment + 1}..${tpus - 1} after it need at least ${after} ops`;
      return `pin ${op}:${segment}: op ${op} cannot run in segment ${segment}: ${needs}, and ${plural(n - 1 - op, 'op')} come after op ${op}`;
    }
  }
  const sorted = [...pins].sort((a, b) => a.op - b.op || a.segment - b.segment);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.op === b.op && a.segment !== b.segment) return `pins ${a.op}:${a.segment} and ${b.op}:${b.segment} put op ${a.op} in two segments`;
    if (b.segment < a.segment) return `pins ${a.op}:${a.segment} and ${b.op}:${b.segment} are out of order: op ${b.op} comes after op ${a.op}, so its segment cannot come before segment ${a.segment}`;
    const between = b.segment - a.segment - 1;
    if (between > 0 && b.op - a.op - 1 < between) {
      return `pins ${a.op}:${a.segment} and ${b.op}:${b.segment} leave ${plural(b.op - a.op - 1, 'op')} between them for ${plural(between, 'segment')} (${a.segment + 1}..${b.segment - 1}) that must not be empty`;
    }
  }
  return undefined;
}

/** Checks a plan against the contract and the constraints; the message names the first fault. */
export function checkPlan(p: Problem, cuts: readonly number[]): E.Either<TpusegError, readonly number[]> {
  if (cuts.length !== p.tpus - 1) return E.left(infeasible(`plan has ${cuts.length + 1} segments, ${p.tpus} requested`));
  let prev = 0;
  for (let j = 0; j < cuts.length; j++) {
    const c = cuts[j]!;
    if (!Number.isInteger(c) || c <= prev || c >= p.n) return E.left(infeasible(`cut ${j} at ${c} is not strictly between ${prev} and ${p.n}: segments must be non-empty`));
    if (c < p.cutLo[j]! || c > p.cutHi[j]!) return E.left(infeasible(`cut ${j} at ${c} breaks a pin (allowed ${p.cutLo[j]}..${p.cutHi[j]})`));
    if (!p.canCut[c]) return E.left(infeasible(`cut ${j} at ${c} crosses more than ${p.constraints.maxCrossingBytes} bytes`));
    prev = c;
  }
  return E.right(cuts);
}

/** Where cut j of `cuts` may move, all else fixed: [lo, hi] (positions inside still need canCut). */
export function cutRange(p: Problem, cuts: readonly number[], j: number): [number, number] {
  const lo = Math.max(j === 0 ? 1 : cuts[j - 1]! + 1, p.cutLo[j]!);
  const hi = Math.min(j === cuts.length - 1 ? p.n - 1 : cuts[j + 1]! - 1, p.cutHi[j]!);
  return [lo, hi];
}

/**
 * The feasible plan nearest to the wanted cut positions, taken left to right: each cut goes to
 * the allowed position closest to its target among those that keep the rest completable
 * (ties to the left). Targets may be fractional, unsorted or out of range.
 */
export function projectPlan(p: Problem, targets: readonly number[]): number[] {
  const chains = feasibleChains(p);
  if (chains === undefined) throw new Error('projectPlan on an infeasible problem');
  const cuts: number[] = [];
  let prev = 0;
  for (let j = 0; j < p.tpus - 1; j++) {
    const lo = Math.max(chains.left[j]!, prev + 1);
    const hi = chains.right[j]!;
    const want = Math.min(Math.max(Math.round(targets[j] ?? lo), lo), hi);
    let best = -1;
    for (let d = 0; best < 0; d++) {
      if (want - d >= lo && p.canCut[want - d]) best = want - d;
      else if (want + d <= hi && p.canCut[want + d]) best = want + d;
      else if (want - d < lo && want + d > hi) throw new Error('projectPlan: no allowed position (feasibleChains is wrong)');
    }
    cuts.push(best);
    prev = best;
  }
  return cuts;
}

/** Equal op counts per segment, projected onto the constraints. */
export const evenPlan = (p: Problem): number[] =>
  projectPlan(p, Array.from({ length: p.tpus - 1 }, (_, j) => ((j + 1) * p.n) / p.tpus));
