import * as E from 'fp-ts/Either';
import { allowedEnds, minMax, strategy as dp } from '../../strategies/dp';
import type { Constraints, ObjectiveKind, Problem } from '../../strategies/types';
import { unlimited } from '../../src/search/budget';
import { compareScores, scorePlan } from '../../src/search/objective';
import { checkPlan, digestProblem, makeProblem } from '../../src/search/problem';
import { rng } from '../../src/rng';
import { additiveCost, allPlans, boundedCost, fromTables, randomGraph, tableCost } from '../search/fixtures';
import { computeBound, segmentBound } from '../../src/search/bound';

const problem = (cost: Parameters<typeof makeProblem>[0], k: number, kind: ObjectiveKind = 'throughput', constraints: Constraints = { pins: [] }): Problem => {
  const p = makeProblem(cost, k, { kind, batch: 4 }, constraints);
  if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
  return p.right;
};

const solve = (p: Problem, prune = true): number[] => {
  const r = dp.search(p, { prune }, rng(0), unlimited, { index: 0, count: 1 });
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return [...r.right.cuts];
};

// The order's components only: bottleneckMs is reported but ranks nothing under latency.
const ranked = (p: Problem, cuts: readonly number[]) => {
  const { primary, offChipBytes, latencyMs } = scorePlan(p, cuts);
  return { primary, offChipBytes, latencyMs };
};

const brute = (p: Problem): number[] => {
  let best: number[] | undefined;
  for (const plan of allPlans(p.n, p.tpus)) {
    if (E.isLeft(checkPlan(p, plan))) continue;
    if (!best || compareScores(scorePlan(p, plan), scorePlan(p, best)) < 0) best = plan;
  }
  return best!;
};

describe('strategies/dp', () => {
  describe('search', () => {
    it('should split equal weights evenly (hand-checked)', () => {
      const g = randomGraph(6, rng(1));
      expect(solve(problem(additiveCost(g, [1, 1, 1, 1, 1, 1]), 3))).toEqual([2, 4]);
    });

    it('should isolate one giant layer (hand-checked)', () => {
      const g = randomGraph(5, rng(2));
      // [1, 1, 10, 1, 1] into 3: the giant layer alone bounds the max at 10; ties go to fewer
      // off-chip bytes (none here), then the lowest latency (all equal): the first plan found.
      const cuts = solve(problem(additiveCost(g, [1, 1, 10, 1, 1]), 3));
      expect(scorePlan(problem(additiveCost(g, [1, 1, 10, 1, 1]), 3), cuts).primary).toBe(10);
    });

    it('should return no cuts for one segment and one op per segment when k = n', () => {
      const g = randomGraph(4, rng(3));
      expect(solve(problem(additiveCost(g, [1, 2, 3, 4]), 1))).toEqual([]);
      expect(solve(problem(additiveCost(g, [1, 2, 3, 4]), 4))).toEqual([1, 2, 3]);
    });

    it('should match brute force on random graphs and random cost tables, for every objective', () => {
      for (let trial = 0; trial < 60; trial++) {
        const r = rng(`dp-brute-${trial}`);
        const n = r.int(2, 9);
        const k = r.int(1, Math.min(n, 4));
        const g = randomGraph(n, r, 0.3);
        const cost = tableCost(g, `table-${trial}`);
        for (const kind of ['throughput', 'batch', 'latency'] as const) {
          const p = problem(cost, k, kind);
          const got = ranked(p, solve(p));
          const want = ranked(p, brute(p));
          expect([trial, kind, got]).toEqual([trial, kind, want]);
        }
      }
    });

    it('should keep the exact bottleneck and the tie-breaks with more than 32 segments', () => {
      // Brute force is out of reach here; the min-max phase alone gives the optimal bottleneck, and the
      // completion sets (bit sets of more than one word above 32 segments) must keep a plan that reaches it.
      for (let trial = 0; trial < 4; trial++) {
        const r = rng(`dp-wide-${trial}`);
        const n = r.int(45, 70);
        const k = r.int(34, 40);
        const cost = tableCost(randomGraph(n, r, 0.3), `wide-${trial}`);
        const p = problem(cost, k);
        const F = minMax(p, (a, b) => cost.segmentMs(a, b), allowedEnds(p), unlimited);
        const cuts = solve(p);
        expect(E.isRight(checkPlan(p, cuts))).toBe(true);
        expect(scorePlan(p, cuts).bottleneckMs).toBe(F!.value[(k - 1) * (n + 1) + n]);
        // No single-cut move keeps the bottleneck and lowers (off-chip bytes, latency).
        const base = scorePlan(p, cuts);
        for (let i = 0; i < cuts.length; i++) {
          for (const d of [-1, 1]) {
            const moved = cuts.map((c, j) => (j === i ? c + d : c));
            if (E.isLeft(checkPlan(p, moved))) continue;
            expect(compareScores(scorePlan(p, moved), base)).toBeGreaterThanOrEqual(0);
          }
        }
      }
    });

    it('should match brute force with pruning on costs whose compute bounds them', () => {
      for (let trial = 0; trial < 60; trial++) {
        const r = rng(`dp-pruned-${trial}`);
        const n = r.int(2, 10);
        const k = r.int(1, Math.min(n, 5));
        const g = randomGraph(n, r, 0.3);
        const cost = boundedCost(g, `bounded-${trial}`);
        expect(computeBound(cost)).toBeDefined();
        for (const kind of ['throughput', 'batch', 'latency'] as const) {
          const p = problem(cost, k, kind);
          expect([trial, kind, ranked(p, solve(p))]).toEqual([trial, kind, ranked(p, brute(p))]);
          expect([trial, kind, ranked(p, solve(p, false))]).toEqual([trial, kind, ranked(p, brute(p))]);
        }
      }
    });

    it('should prune with a bound the cost model offers itself, and stay exact', () => {
      for (let trial = 0; trial < 30; trial++) {
        const r = rng(`dp-own-bound-${trial}`);
        const n = r.int(2, 10);
        const k = r.int(1, Math.min(n, 5));
        const g = randomGraph(n, r, 0.3);
        const base = boundedCost(g, `own-${trial}`);
        // Hide the additive compute (computeMs = ms) and offer it as lowerBoundMs instead.
        const cost = { ...fromTables(g, base.segmentMs, (a, b) => base.segment(a, b).offChipBytes), lowerBoundMs: (a: number, b: number) => base.segment(a, b).computeMs };
        expect(segmentBound(cost)?.(0, n)).toBe(cost.lowerBoundMs(0, n));
        for (const kind of ['throughput', 'batch'] as const) {
          const p = problem(cost, k, kind);
          expect([trial, kind, ranked(p, solve(p))]).toEqual([trial, kind, ranked(p, brute(p))]);
        }
      }
    });

    it('should not prune on a cost table whose compute is not additive', () => {
      expect(computeBound(tableCost(randomGraph(8, rng(9)), 'not-additive'))).toBeUndefined();
    });

    it('should match brute force under pins and crossing limits', () => {
      let checked = 0;
      let infeasibleSeen = 0;
      for (let trial = 0; trial < 80; trial++) {
        const r = rng(`dp-constrained-${trial}`);
        const n = r.int(3, 9);
        const k = r.int(2, Math.min(n, 4));
        const g = randomGraph(n, r, 0.4);
        const cost = tableCost(g, `ctable-${trial}`);
        const pins = r.next() < 0.7 ? [{ op: r.int(0, n - 1), segment: r.int(0, k - 1) }] : [];
        const limit = r.next() < 0.5 ? r.int(4, 24) : undefined;
        for (const kind of ['throughput', 'batch', 'latency'] as const) {
          const p = makeProblem(cost, k, { kind, batch: 3 }, { pins, ...(limit !== undefined ? { maxCrossingBytes: limit } : {}) });
          if (E.isLeft(p)) {
            expect(p.left._tag).toBe('Infeasible');
            const raw = digestProblem(cost, k, { kind, batch: 3 }, { pins, ...(limit !== undefined ? { maxCrossingBytes: limit } : {}) });
            if (E.isLeft(raw)) throw new Error('digest failed');
            expect([...allPlans(n, k)].filter((plan) => E.isRight(checkPlan(raw.right, plan)))).toEqual([]);
            infeasibleSeen++;
            continue;
          }
          const cuts = solve(p.right);
          expect(E.isRight(checkPlan(p.right, cuts))).toBe(true);
          expect(ranked(p.right, cuts)).toEqual(ranked(p.right, brute(p.right)));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(infeasibleSeen).toBeGreaterThan(0);
    });
  });
});
