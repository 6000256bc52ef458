import { primaryOf, compareScores, scorePlan, type Score } from '../src/search/objective';
import type { Budget, Problem } from './types';

/**
 * The `batch` objective of dp: sum + (B-1) * max over the plans, ties to fewer off-chip bytes,
 * then lower latency. Per state (segment j, end b) it keeps the Pareto front of labels
 * (max, sum, off-chip) of the ways to reach it; a label dominated in all three cannot finish
 * better (the score is monotone in each, and extending by a segment is monotone in each), so
 * the front of the final state contains an optimal plan (see dp.ts for the full argument).
 * Pruning: the incumbent's score U bounds the optimum; a label with sum + (B-1) * max > U.primary
 * cannot improve on it (sum and max only grow), so it is dropped, and so is every segment whose
 * lower bound alone gives B * bound > U.primary. Equal labels keep the first.
 */

interface Label {
  readonly m: number;
  readonly s: number;
  readonly o: number;
  readonly a: number;
  readonly from: number;
}

export function paretoBatch(p: Problem, ms: (a: number, b: number) => number, ok: Uint8Array, budget: Budget, incumbent: readonly number[], bound?: (a: number, b: number) => number): { cuts: number[]; labels: number } | undefined {
  const { n, tpus: k, objective } = p;
  const W = n + 1;
  const limit = scorePlan(p, incumbent).primary;
  const fronts: (Label[] | undefined)[] = new Array(k * W);
  let labels = 0;

  const insert = (front: Label[], x: Label): void => {
    for (const y of front) if (y.m <= x.m && y.s <= x.s && y.o <= x.o) return;
    let w = 0;
    for (const y of front) if (!(x.m <= y.m && x.s <= y.s && x.o <= y.o)) front[w++] = y;
    front.length = w;
    front.push(x);
  };

  for (let b = 1; b <= n; b++) {
    if ((b & 63) === 0 && budget.expired()) return undefined;
    for (let a = b - 1; a >= 0; a--) {
      // sum + (B-1) max >= B * cost(a, b) >= B * bound(a, b), growing as a decreases.
      if (bound && primaryOf(objective, bound(a, b), bound(a, b)) > limit) break;
      let c = -1;
      let off = -1;
      for (let j = 0; j < k; j++) {
        const at = j * W + b;
        if (!ok[at]) continue;
        const prev = j === 0 ? (a === 0 ? [{ m: 0, s: 0, o: 0, a: -1, from: -1 }] : undefined) : fronts[(j - 1) * W + a];
        if (!prev || prev.length === 0) continue;
        if (c < 0) c = ms(a, b);
        if (primaryOf(objective, c, c) > limit) break;
        for (let i = 0; i < prev.length; i++) {
          const l = prev[i]!;
          const m = l.m > c ? l.m : c;
          const s = l.s + c;
          if (primaryOf(objective, m, s) > limit) continue;
          if (off < 0) off = p.cost.segment(a, b).offChipBytes;
          const front = fronts[at] ?? (fronts[at] = []);
          insert(front, { m, s, o: l.o + off, a, from: i });
          labels++;
        }
      }
    }
  }

  const last = fronts[(k - 1) * W + n] ?? [];
  let best = -1;
  let bestScore: Score | undefined;
  last.forEach((l, i) => {
    const score: Score = { primary: primaryOf(objective, l.m, l.s), offChipBytes: l.o, latencyMs: l.s, bottleneckMs: l.m };
    if (!bestScore || compareScores(score, bestScore) < 0) {
      bestScore = score;
      best = i;
    }
  });
  if (best < 0) return { cuts: [...incumbent], labels };
  const cuts: number[] = [];
  let b = n;
  let idx = best;
  for (let j = k - 1; j > 0; j--) {
    const l: Label = fronts[j * W + b]![idx]!;
    cuts.unshift(l.a);
    idx = l.from;
    b = l.a;
  }
  return { cuts, labels };
}
