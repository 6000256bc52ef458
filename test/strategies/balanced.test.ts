import * as E from 'fp-ts/Either';
import { costModel, loadProfile } from '../../cost-models';
import { strategy as balanced } from '../../strategies/balanced';
import { strategy as profiling } from '../../strategies/profiling';
import type { Constraints, Objective, Problem } from '../../strategies/types';
import { compareScores, scorePlan } from '../../src/search/objective';
import { makeProblem } from '../../src/search/problem';
import { solveInProcess } from '../../src/search/task';
import { rng } from '../../src/rng';
import { zooModel, zooNames } from '../../src/zoo';
import { boundedCost, memoCost, randomGraph, tableCost } from '../search/fixtures';

const problem = (cost: Parameters<typeof makeProblem>[0], k: number, objective: Objective, constraints: Constraints = { pins: [] }): Problem => {
  const p = makeProblem(cost, k, objective, constraints);
  if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
  return p.right;
};

const plan = (p: Problem, name: 'balanced' | 'profiling'): readonly number[] => {
  const r = solveInProcess(p, name === 'balanced' ? balanced : profiling, undefined, 0).result;
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right.cuts;
};

/** balanced's score against profiling's on the same problem: <= 0 when balanced is no worse. */
const versus = (p: Problem): number => compareScores(scorePlan(p, plan(p, 'balanced')), scorePlan(p, plan(p, 'profiling')));

describe('strategies/balanced', () => {
  // Table 2's setting (PCIe, batch of 15) and the default one (USB 3, slowest stage).
  const settings = [
    { profile: 'edgetpu-pcie', objective: { kind: 'batch', batch: 15 } },
    { profile: 'edgetpu-usb3', objective: { kind: 'throughput', batch: 15 } },
  ] as const;

  describe.each(zooNames())('zoo:%s', (name) => {
    const graph = zooModel(`zoo:${name}`);
    if (E.isLeft(graph)) throw new Error(`zoo:${name} failed to build`);

    it.each(settings)('should never be worse than profiling for N = 2..8 ($profile, $objective.kind)', ({ profile, objective }) => {
      const prof = loadProfile(profile);
      if (E.isLeft(prof)) throw new Error(`profile ${profile} failed to load`);
      const cost = memoCost(costModel(graph.right, prof.right));
      const verdicts = [2, 3, 4, 5, 6, 7, 8].map((k) => [k, versus(problem(cost, k, objective)) <= 0]);
      expect(verdicts).toEqual([2, 3, 4, 5, 6, 7, 8].map((k) => [k, true]));
    });
  });

  it('should never be worse than profiling on costs that are neither monotone nor additive', () => {
    const r = rng('balanced-vs-profiling');
    for (let trial = 0; trial < 40; trial++) {
      const g = randomGraph(8 + r.int(0, 24), r, 0.3, `g${trial}`);
      const cost = trial % 2 === 0 ? tableCost(g, trial) : boundedCost(g, trial);
      const k = 2 + r.int(0, 4);
      for (const kind of ['throughput', 'batch', 'latency'] as const) {
        expect([trial, kind, versus(problem(cost, k, { kind, batch: 4 })) <= 0]).toEqual([trial, kind, true]);
      }
    }
  });

  it('should respect pins while refining the profiling plan', () => {
    const g = randomGraph(30, rng('pins'), 0.2);
    const p = problem(tableCost(g, 'pins'), 4, { kind: 'throughput', batch: 4 }, { pins: [{ op: 5, segment: 0 }, { op: 20, segment: 3 }] });
    const cuts = plan(p, 'balanced');
    expect(cuts[0]).toBeGreaterThan(5);
    expect(cuts[2]).toBeLessThanOrEqual(20);
  });

  it('should improve on profiling where profiling leaves stages unbalanced (inception_v3, N = 4, PCIe, batch 15)', () => {
    const prof = loadProfile('edgetpu-pcie');
    if (E.isLeft(prof)) throw new Error('profile failed to load');
    const graph = zooModel('zoo:inception_v3');
    if (E.isLeft(graph)) throw new Error('zoo model failed to build');
    const p = problem(costModel(graph.right, prof.right), 4, { kind: 'batch', batch: 15 });
    const b = scorePlan(p, plan(p, 'balanced')).primary;
    const q = scorePlan(p, plan(p, 'profiling')).primary;
    expect(b).toBeLessThan(q * 0.99);
    const stats = solveInProcess(p, balanced, undefined, 0).result;
    expect(E.isRight(stats) && stats.right.stats['gainPercent']).toBeCloseTo((100 * (q - b)) / q, 9);
  });
});
