import * as E from 'fp-ts/Either';
import { costModel, loadProfile } from '../../cost-models';
import { strategies } from '../../strategies';
import { compareScores, scorePlan } from '../../src/search/objective';
import { makeProblem } from '../../src/search/problem';
import { solveInProcess } from '../../src/search/task';
import { zooModel, zooNames } from '../../src/zoo';
import { memoCost } from '../search/fixtures';

// Data-driven over the whole zoo (models join as they are added): dp is never beaten, and the
// local searches land within 1% of it, for N = 2..8 under the default profile and objective.
const profile = loadProfile('edgetpu-usb3');
if (E.isLeft(profile)) throw new Error('default profile failed to load');

describe('strategies on the zoo', () => {
  describe.each(zooNames())('zoo:%s', (name) => {
    const graph = zooModel(`zoo:${name}`);
    if (E.isLeft(graph)) throw new Error(`zoo:${name} failed to build`);
    const cost = memoCost(costModel(graph.right, profile.right));

    it.each([2, 3, 4, 5, 6, 7, 8])('should find dp never beaten and greedy/annealing within 1%% of it for N = %i', (k) => {
      const p = makeProblem(cost, k, { kind: 'throughput', batch: 15 }, { pins: [] });
      if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
      const results = strategies().map((s) => [s.name, solveInProcess(p.right, s, undefined, 'zoo').result] as const);
      const dp = results.find(([n]) => n === 'dp')![1];
      if (E.isLeft(dp)) throw new Error(JSON.stringify(dp.left));
      const best = scorePlan(p.right, dp.right.cuts);
      for (const [strategy, r] of results) {
        if (E.isLeft(r)) {
          expect([strategy, r.left._tag]).toEqual([strategy, 'Infeasible']);
          continue;
        }
        const score = scorePlan(p.right, r.right.cuts);
        expect([strategy, compareScores(score, best) >= 0]).toEqual([strategy, true]);
        if (strategy === 'greedy' || strategy === 'annealing') {
          expect([strategy, score.primary / best.primary]).toEqual([strategy, expect.toBeWithin(1, 1.01)]);
        }
      }
    });
  });
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Expect {
      toBeWithin(lo: number, hi: number): unknown;
    }
  }
}
expect.extend({
  toBeWithin(received: number, lo: number, hi: number) {
    const pass = received >= lo && received <= hi;
    return { pass, message: () => `expected ${received} ${pass ? 'not ' : ''}to be within [${lo}, ${hi}]` };
  },
});
