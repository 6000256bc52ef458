import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { usage, type TpusegError } from '../src/errors';
import { compilerCuts } from '../src/plan/fixed-splits';
import { refine } from '../src/search/descent';
import { evenPlan, projectPlan } from '../src/search/problem';
import { optionsCodec } from './options';
import type { Problem, Strategy } from './types';

/**
 * greedy: greedy boundary refinement from a starting plan.
 *
 * Source: local search for chains-on-chains partitioning (the "refinement" heuristics surveyed
 * by Pinar & Aykanat 2004), run as coordinate descent (src/search/descent.ts).
 * Steps: (1) start from the compiler's split, equal op counts, or a given plan (projected onto
 * the constraints); (2) sweep the cuts left to right, moving each to its best position between
 * its neighbours, ordered by (objective, leximax of stage times, off-chip bytes, latency);
 * (3) repeat while a sweep moves some cut; (4) when none does, try a ripple move on the slowest
 * stage (move its boundary inwards and let the neighbours pass ops along, src/search/ripple.ts)
 * and, if it improves that order, go back to (2).
 * Complexity: O(n) segment prices per sweep, O(n^2) worst case per ripple. Optimality: a local
 * optimum for single-cut moves and ripples; no guarantee.
 */

interface Options {
  start: 'compiler' | 'even' | 'plan';
  plan: number[];
}

export function startPlan(p: Problem, o: Options): E.Either<TpusegError, number[]> {
  if (o.start === 'plan') return E.right(projectPlan(p, o.plan));
  if (o.start === 'even') return E.right(evenPlan(p));
  return E.map((cuts: number[]) => projectPlan(p, cuts))(compilerCuts(p.graph, p.tpus));
}

export const strategy: Strategy<Options> = {
  name: 'greedy',
  description: 'greedy boundary refinement: move one cut at a time to its best place while the objective improves',
  options: optionsCodec(
    'greedy',
    { start: t.keyof({ compiler: null, even: null, plan: null }), plan: t.array(t.number) },
    { start: 'compiler', plan: [] },
  ),
  search(p, o, _rng, budget) {
    if (o.start === 'plan' && o.plan.length !== p.tpus - 1) {
      return E.left(usage(`greedy: option plan has ${o.plan.length} cuts, ${p.tpus} segments need ${p.tpus - 1}`));
    }
    return E.map((start: number[]) => {
      const r = refine(p, start, budget);
      return { cuts: r.cuts, stats: { sweeps: r.sweeps, moves: r.moves, ripples: r.ripples } };
    })(startPlan(p, o));
  },
};
