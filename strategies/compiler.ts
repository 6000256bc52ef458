import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { compilerCuts } from '../src/plan/fixed-splits';
import { checkPlan } from '../src/search/problem';
import { optionsCodec } from './options';
import type { Strategy } from './types';

/**
 * compiler: the Edge TPU compiler's parameter-size split (`edgetpu_compiler --num_segments=N`,
 * re-implemented in libcoral; domain.md section 2), via `compilerCuts`.
 *
 * Complexity: O(n). Optimality: none; it balances parameter bytes only, ignoring compute,
 * activations and the cost model. It does not know the constraints: a split that breaks one is
 * reported as Infeasible rather than silently repaired, because no compiler would repair it.
 */
export const strategy: Strategy<Record<string, never>> = {
  name: 'compiler',
  description: "the Edge TPU compiler's split: equal parameter bytes per segment (Segm_Comp)",
  options: optionsCodec('compiler', {}, {}),
  search(p) {
    return pipe(
      compilerCuts(p.graph, p.tpus),
      E.chain((cuts) => checkPlan(p, cuts)),
      E.map((cuts) => ({ cuts })),
    );
  },
};
