import * as E from 'fp-ts/Either';
import { assignedModel } from '../../src/advise/assigned';
import { evaluateLayout } from '../../src/pipeline/layout';
import { rng } from '../../src/rng';
import { unlimited } from '../../src/search/budget';
import { makeProblem } from '../../src/search/problem';
import { strategy as dp } from '../../strategies/dp';
import { allPlans } from '../search/fixtures';
import { boardCost } from './fixtures';

describe('advise/assigned', () => {
  it('should make dp exact for the steady state of the layout on the given TPUs (brute force)', () => {
    const cases: [number, string, number[][], readonly number[], boolean][] = [
      [7, 'a', [[0], [1], [2]], [1, 2, 3], true],
      [7, 'b', [[0, 1], [2], [3]], [1, 1, 2, 2], true],
      [8, 'c', [[2], [0, 3], [1]], [1, 3, 1, 0.5], true],
      [8, 'd', [[0, 1, 2], [3, 4]], [1], true],
      [6, 'e', [[1, 0], [2, 3]], [2, 1, 1, 2], false],
      [9, 'f', [[0], [1, 2], [3], [4, 5]], [1, 2, 1, 2, 1, 2], true],
    ];
    let bound = 0;
    for (const [n, seed, tpus, factors, shared] of cases) {
      for (const runner of ['pycoral', 'python-threads'] as const) {
        const cost = boardCost(n, seed, { factors, shared, runner, cores: 2 });
        const p = makeProblem(assignedModel(cost, tpus), tpus.length, { kind: 'throughput', batch: 15 }, { pins: [] });
        if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
        for (const prune of [true, false]) {
          const r = dp.search(p.right, { prune }, rng(0), unlimited, { index: 0, count: 1 });
          if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
          const ev = evaluateLayout(cost, { cuts: r.right.cuts, tpus });
          const found = ev.bottleneckMs;
          if (ev.limitedBy !== 'slowest stage') bound++;
          let best = Infinity;
          for (const cuts of allPlans(n, tpus.length)) best = Math.min(best, evaluateLayout(cost, { cuts, tpus }).bottleneckMs);
          expect([seed, runner, prune, found]).toEqual([seed, runner, prune, expect.closeTo(best, 9)]);
        }
      }
    }
    // Some of these optima are set by a shared resource, not by the slowest stage.
    expect(bound).toBeGreaterThan(0);
  });

  it('should price a stage as its slowest copy over the copies, with their mean demands and the handoff after it', () => {
    const cost = boardCost(6, 'g', { factors: [1, 3], shared: true });
    const m = assignedModel(cost, [[0, 1], [2]]);
    expect(m.segmentMs(0, 3, 0)).toBe(Math.max(cost.segmentMs(0, 3, 0), cost.segmentMs(0, 3, 1)) / 2);
    const row = new Float64Array(7);
    m.segmentMsRow!(4, 0, 4, row, 0);
    for (let a = 0; a < 4; a++) expect(row[a]).toBe(m.segmentMs(a, 4, 0));
    const own = new Float64Array(3);
    const out = new Float64Array(3);
    cost.sharedMs!(0, 3, own);
    m.sharedMs!(0, 3, out, 0);
    expect(out[0]).toBeCloseTo(own[0]! + cost.handoffMs!(3), 12);
    expect(out[1]).toBeCloseTo(own[1]!, 12);
    m.sharedMs!(3, 6, out, 1);
    cost.sharedMs!(3, 6, own);
    expect([...out]).toEqual([...own]);
    expect(() => m.segmentMs(0, 3, 2)).toThrow(RangeError);
  });
});
