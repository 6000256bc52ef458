/**
 * A template strategy: copy this file into strategies/ (as `my-name.ts`) to register it, or pass
 * it by path: `tpuseg segment zoo:resnet50 --tpus 4 --strategy ./my-strategy.ts`.
 *
 * Contract (strategies/types.ts):
 *   - `name` is how users pick it; `description` is one line.
 *   - `options` decodes the user's partial options and fills the defaults (`optionsCodec`).
 *   - `search(problem, options, rng, budget, task)` returns Right({ cuts, stats? }) or a Left
 *     (e.g. `infeasible(...)` from src/errors). `cuts` are N-1 strictly increasing positions in
 *     1..n-1 that respect `problem.cutLo/cutHi/canCut` (helpers: `projectPlan`, `cutRange`,
 *     `checkPlan` in src/search/problem.ts; scoring in src/search/objective.ts).
 *   - Randomness only from `rng`; time only through `budget.expired()`; no files or pools.
 *   - Optional `tasks(options)`: how many independent runs (restarts) the pool should spread;
 *     `task.index` tells a run which one it is, and its `rng` is seeded from it.
 *
 * This example is "random restarts": each task draws `samples` random plans and keeps the best.
 */
import * as E from 'fp-ts/Either';
import { compareScores, scorePlan } from '../src/search/objective';
import { projectPlan } from '../src/search/problem';
import { intUpTo, optionsCodec, Restarts } from './options';
import type { Strategy } from './types';

interface Options {
  samples: number;
  restarts: number;
}

export const strategy: Strategy<Options> = {
  name: 'random-template',
  description: 'template: best of random plans (an example to copy, not a serious searcher)',
  options: optionsCodec('random-template', { samples: intUpTo(1e9), restarts: Restarts }, { samples: 200, restarts: 2 }),
  tasks: (o) => o.restarts,
  search(problem, o, rng, budget) {
    const { n, tpus } = problem;
    let best: number[] = projectPlan(problem, []);
    let bestScore = scorePlan(problem, best);
    for (let i = 0; i < o.samples && !budget.expired(); i++) {
      const targets = Array.from({ length: tpus - 1 }, () => rng.int(1, n - 1)).sort((a, b) => a - b);
      const plan = projectPlan(problem, targets);
      const score = scorePlan(problem, plan);
      if (compareScores(score, bestScore) < 0) {
        best = plan;
        bestScore = score;
      }
    }
    return E.right({ cuts: best, stats: { samples: o.samples } });
  },
};
