/**
 * A template strategy (a plug-in): copy this file anywhere, e.g. `~/my-strategy.ts`, change its
 * `name`, and pass it by path:
 *
 *   tpuseg segment zoo:resnet50_v1 --tpus 4 --strategy ~/my-strategy.ts
 *
 * or list its path under "strategies" in an experiment config (relative to the config's folder).
 * It imports only `tpuseg/strategy`, which the plug-in loader resolves from any folder; .ts and
 * .js both load. A plug-in runs in a worker thread of its own with a frozen copy of the problem.
 *
 * Contract (the types in `tpuseg/strategy`):
 *   - `name` is how tables and figures label it (not a built-in's name); `description` is one line.
 *   - `options` decodes the user's partial options and fills the defaults (`optionsCodec`).
 *   - `search(problem, options, rng, budget, task)` returns E.right({ cuts, stats? }) or an
 *     E.left (e.g. `infeasible(...)`). `cuts` are N-1 strictly increasing integers in 1..n-1 that
 *     respect `problem.cutLo/cutHi/canCut` (helpers: `projectPlan`, `cutRange`, `checkPlan`;
 *     scoring: `scorePlan`, `compareScores`).
 *   - Randomness only from `rng`; time only through `budget.expired()`; no files or pools.
 *   - Optional `tasks(options)`: how many independent runs (restarts) to make; `task.index`
 *     tells a run which one it is, and its `rng` is seeded from it.
 *
 * This example is "random restarts": each task draws `samples` random plans and keeps the best.
 */
import { compareScores, E, intUpTo, optionsCodec, projectPlan, Restarts, scorePlan, type Strategy } from 'tpuseg/strategy';

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
