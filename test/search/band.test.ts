import * as E from 'fp-ts/Either';
import { capBand, fullBand, rowRange, type Band } from '../../src/search/band';
import { bottleneckPlan } from '../../src/search/bisect';
import { segmentBound } from '../../src/search/bound';
import { unlimited } from '../../src/search/budget';
import { checkPlan, evenPlan, makeProblem } from '../../src/search/problem';
import { rowPricer } from '../../src/search/rows';
import { counted } from '../../src/search/task';
import { rng } from '../../src/rng';
import type { Problem } from '../../strategies/types';
import { additiveCost, allPlans, boundedCost, randomGraph, tableCost } from './fixtures';

const live = (band: Band, j: number, b: number): boolean => (band.live[b * band.words + (j >>> 5)]! & (1 << (j & 31))) !== 0;

/** The band by definition: the states of the allowed plans whose every segment costs <= cap. */
function bruteBand(p: Problem, cap: number): Set<string> {
  const states = new Set<string>();
  for (const plan of allPlans(p.n, p.tpus)) {
    if (E.isLeft(checkPlan(p, plan))) continue;
    const ends = [...plan, p.n];
    if (ends.some((b, j) => p.cost.segmentMs(j === 0 ? 0 : ends[j - 1]!, b) > cap)) continue;
    ends.forEach((b, j) => states.add(`${j}@${b}`));
  }
  return states;
}

const statesOf = (band: Band): Set<string> => {
  const out = new Set<string>();
  for (let b = 0; b <= band.n; b++) for (let j = 0; j < band.k; j++) if (live(band, j, b)) out.add(`${j}@${b}`);
  return out;
};

describe('search/band', () => {
  it('should hold exactly the states of the plans within the cap, for any cost, with or without a bound', () => {
    let nonEmpty = 0;
    for (let trial = 0; trial < 60; trial++) {
      const r = rng(`band-${trial}`);
      const n = r.int(2, 10);
      const k = r.int(1, Math.min(n, 5));
      const g = randomGraph(n, r, 0.3);
      const cost = trial % 2 === 0 ? tableCost(g, `band-table-${trial}`) : boundedCost(g, `band-bounded-${trial}`);
      const pins = r.next() < 0.4 ? [{ op: r.int(0, n - 1), segment: r.int(0, k - 1) }] : [];
      const made = makeProblem(cost, k, { kind: 'throughput', batch: 1 }, { pins });
      if (E.isLeft(made)) continue;
      const p = made.right;
      const bound = segmentBound(cost);
      for (const cap of [0.5, 3, 6, 9, 14]) {
        const band = capBand(p, rowPricer(cost), cap, bound, unlimited)!;
        const want = bruteBand(p, cap);
        expect([trial, cap, [...statesOf(band)].sort()]).toEqual([trial, cap, [...want].sort()]);
        expect(band.states).toBe(want.size);
        if (want.size > 0) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('should hold every allowed state without a cap, and price no pair for it', () => {
    const g = randomGraph(7, rng('full'));
    const meter = counted(tableCost(g, 'full'));
    const p = makeProblem(meter.cost, 3, { kind: 'throughput', batch: 1 }, { pins: [{ op: 5, segment: 2 }] });
    if (E.isLeft(p)) throw new Error('problem');
    const band = capBand(p.right, rowPricer(meter.cost), Infinity, undefined, unlimited)!;
    expect(statesOf(band)).toEqual(statesOf(fullBand(p.right)));
    expect(meter.count()).toBe(0);
    // Segment 2 holds op 5, so segment 1 ends at 5 at the latest.
    expect(band.last[1]).toBe(5);
    expect(rowRange(band, 7)).toEqual([band.first[1], 6]);
  });

  it('should work with bit sets of several words (more than 32 segments)', () => {
    const r = rng('wide-band');
    const n = 44;
    const k = 36;
    const cost = tableCost(randomGraph(n, r, 0.2), 'wide-band');
    const p = makeProblem(cost, k, { kind: 'throughput', batch: 1 }, { pins: [] });
    if (E.isLeft(p)) throw new Error('problem');
    // Brute force is out of reach: states of the band are exactly those some plan within the cap passes.
    const band = capBand(p.right, rowPricer(cost), 6, segmentBound(cost), unlimited)!;
    let n0 = 0;
    for (let j = 0; j < k; j++) {
      for (let b = 1; b <= n; b++) {
        if (!live(band, j, b)) continue;
        n0++;
        expect(b).toBeGreaterThanOrEqual(j + 1);
        expect(n - b).toBeGreaterThanOrEqual(k - 1 - j);
      }
    }
    expect(n0).toBe(band.states);
    expect(live(band, k - 1, n)).toBe(band.states > 0);
  });
});

describe('search/bisect', () => {
  it('should find the optimal bottleneck (to its tolerance) when the cost grows with the range', () => {
    for (let trial = 0; trial < 20; trial++) {
      const r = rng(`bisect-${trial}`);
      const n = r.int(4, 10);
      const k = r.int(2, Math.min(n, 4));
      const weights = Array.from({ length: n }, () => r.int(1, 9));
      const p = makeProblem(additiveCost(randomGraph(n, r), weights, 0.5), k, { kind: 'throughput', batch: 1 }, { pins: [] });
      if (E.isLeft(p)) throw new Error('problem');
      const worst = (cuts: readonly number[]): number => Math.max(...[...cuts, n].map((b, j) => p.right.cost.segmentMs(j === 0 ? 0 : cuts[j - 1]!, b)));
      const best = Math.min(...[...allPlans(n, k)].map(worst));
      const plan = bottleneckPlan(p.right, evenPlan(p.right), unlimited);
      expect(E.isRight(checkPlan(p.right, plan))).toBe(true);
      expect(worst(plan)).toBeLessThanOrEqual(best * (1 + 1e-3));
    }
  });

  it('should return a valid plan no worse than its start for any cost and constraints', () => {
    for (let trial = 0; trial < 30; trial++) {
      const r = rng(`bisect-any-${trial}`);
      const n = r.int(4, 12);
      const k = r.int(2, Math.min(n, 5));
      const cost = tableCost(randomGraph(n, r, 0.3), `bisect-any-${trial}`);
      const p = makeProblem(cost, k, { kind: 'throughput', batch: 1 }, { pins: [{ op: r.int(0, n - 1), segment: r.int(0, k - 1) }] });
      if (E.isLeft(p)) continue;
      const worst = (cuts: readonly number[]): number => Math.max(...[...cuts, n].map((b, j) => cost.segmentMs(j === 0 ? 0 : cuts[j - 1]!, b)));
      const start = evenPlan(p.right);
      const plan = bottleneckPlan(p.right, start, unlimited);
      expect(E.isRight(checkPlan(p.right, plan))).toBe(true);
      expect(worst(plan)).toBeLessThanOrEqual(worst(start));
    }
  });
});

describe('search/rows', () => {
  it('should price through segmentMs when the model has no row method, and count every start', () => {
    const cost = tableCost(randomGraph(6, rng('rows')), 'rows');
    const meter = counted(cost);
    const row = new Float64Array(7).fill(-1);
    rowPricer(meter.cost)(5, 1, 4, row);
    expect(Array.from(row)).toEqual([-1, cost.segmentMs(1, 5), cost.segmentMs(2, 5), cost.segmentMs(3, 5), -1, -1, -1]);
    expect(meter.count()).toBe(3);
  });
});
