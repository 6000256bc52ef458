import * as E from 'fp-ts/Either';
import { costModel, loadProfile } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import { loadModel } from '../../src/model/load';
import { segmentsOf } from '../../src/search/objective';
import { evenPlan, makeProblem } from '../../src/search/problem';
import { relieve } from '../../src/search/ripple';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

/** The same prices with no lower bound a searcher can use (its compute exceeds its time, so computeBound refuses it). */
function unbounded(cost: CostModel): CostModel {
  return {
    id: `${cost.id}+unbounded`, profile: cost.profile, graph: cost.graph,
    segmentMs: (a, b, stage) => cost.segmentMs(a, b, stage),
    segment: (a, b, stage) => {
      const s = cost.segment(a, b, stage);
      return { ...s, computeMs: s.ms + 1 };
    },
  };
}

describe('ripple moves', () => {
  it.each(['zoo:densenet201', 'synth:conv?filters=512&layers=40&size=16'])('relieve on %s finds the same plans with the lower bound skipping positions as without it', (spec) => {
    const cost = costModel(right(loadModel(spec)), right(loadProfile('edgetpu-usb3')));
    for (const k of [3, 8]) {
      const p = right(makeProblem(cost, k, { kind: 'throughput', batch: 15 }, { pins: [] }));
      const q = right(makeProblem(unbounded(cost), k, { kind: 'throughput', batch: 15 }, { pins: [] }));
      const cuts = evenPlan(p);
      const ms = segmentsOf(p.n, cuts).map(([a, b], i) => cost.segmentMs(a, b, i));
      // At the slowest stage (the moves the searchers make) and below it (longer ripple chains, more failures).
      for (const maxMs of [Math.max(...ms), Math.max(...ms) * 0.8, Math.min(...ms) * 1.1]) {
        for (let s = 0; s < k; s++) {
          for (const side of ['left', 'right'] as const) expect(relieve(p, cuts, s, side, maxMs)).toEqual(relieve(q, cuts, s, side, maxMs));
        }
      }
    }
  });
});
