import * as E from 'fp-ts/Either';
import type { CostModel } from '../../cost-models/types';
import { boundBand, inBand } from '../../src/search/band';
import { unlimited } from '../../src/search/budget';
import { segmentBound } from '../../src/search/bound';
import { leastSumBound } from '../../src/search/least-sum';
import { segmentsOf, scorePlan } from '../../src/search/objective';
import { checkPlan, makeProblem } from '../../src/search/problem';
import { rng } from '../../src/rng';
import { boundCap } from '../../strategies/dp-pareto';
import type { Problem } from '../../strategies/types';
import { allPlans, streamingCost } from './fixtures';

const batchProblem = (cost: CostModel, k: number, batch: number): Problem => {
  const p = makeProblem(cost, k, { kind: 'batch', batch }, { pins: [] });
  if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
  return p.right;
};

const plansOf = (p: Problem): number[][] => [...allPlans(p.n, p.tpus)].filter((plan) => E.isRight(checkPlan(p, plan)));

describe('search/least-sum', () => {
  it('should give the least sum of the bound over the plans within the cap with cells of one position, and at most that with wider cells', () => {
    let feasible = 0;
    for (let trial = 0; trial < 50; trial++) {
      const r = rng(`least-sum-${trial}`);
      const n = r.int(4, 12);
      const k = r.int(2, Math.min(n, 4));
      const cost = streamingCost(n, trial);
      const bound = segmentBound(cost)!;
      const p = batchProblem(cost, k, 4);
      const plans = plansOf(p);
      // A cap some plans meet and some do not.
      const some = plans[r.int(0, plans.length - 1)]!;
      const cap = Math.max(...segmentsOf(n, some).map(([a, b]) => bound(a, b))) * (1 + r.next());
      let leastBound = Infinity;
      let leastCost = Infinity;
      for (const plan of plans) {
        const segs = segmentsOf(n, plan);
        if (segs.some(([a, b]) => bound(a, b) > cap)) continue;
        leastBound = Math.min(leastBound, segs.reduce((s, [a, b]) => s + bound(a, b), 0));
        leastCost = Math.min(leastCost, scorePlan(p, plan).latencyMs);
      }
      if (leastBound < Infinity) feasible++;
      const band = boundBand(p, cap, bound);
      const ops = Float64Array.from({ length: n }, (_, i) => bound(i, i + 1));
      expect([trial, leastSumBound(p, band, bound, ops, 1, unlimited)]).toEqual([trial, leastBound]);
      for (let cell = 2; cell <= 5; cell++) {
        const got = leastSumBound(p, band, bound, ops, cell, unlimited)!;
        expect([trial, cell, got <= leastBound, got <= leastCost]).toEqual([trial, cell, true, true]);
      }
    }
    expect(feasible).toBeGreaterThan(40);
  });

  it("should narrow batch's cap only as far as every plan scoring at most the incumbent allows", () => {
    let rounds = 0;
    let narrowed = 0;
    for (let trial = 0; trial < 40; trial++) {
      const r = rng(`bound-cap-${trial}`);
      const n = r.int(6, 13);
      const k = r.int(2, Math.min(n, 4));
      const B = r.int(2, 15);
      const cost = streamingCost(n, 100 + trial);
      const bound = segmentBound(cost)!;
      const p = batchProblem(cost, k, B);
      const plans = plansOf(p);
      // The incumbent: the optimum itself (as dp's usually is) or any plan.
      const scores = plans.map((plan) => scorePlan(p, plan).primary);
      const U = trial % 2 === 0 ? Math.min(...scores) : scores[r.int(0, plans.length - 1)]!;
      const start = (U / B) * (1 + 1e-9);
      // Little work per round: cells from most of the band down to a few positions, and many rounds.
      for (const work of [0.05, 0.3, 1]) {
        const got = boundCap(p, bound, U, start, unlimited, work)!;
          rounds += got.rounds;
        if (got.cap < start) narrowed++;
        for (const plan of plans) {
          const s = scorePlan(p, plan);
          if (s.primary > U) continue;
          expect([trial, work, plan, s.bottleneckMs <= got.cap]).toEqual([trial, work, plan, true]);
          const ends = [...plan, n];
          expect([trial, work, plan, ends.every((b, j) => inBand(got.band, j, b))]).toEqual([trial, work, plan, true]);
        }
      }
    }
    expect(rounds).toBeGreaterThan(40);
    expect(narrowed).toBeGreaterThan(15);
  });
});
