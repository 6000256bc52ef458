import * as E from 'fp-ts/Either';
import { costModel, type CostProfile, type RunnerName } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import { loadStrategyOrFail, pluginOf } from '../../strategies';
import type { ObjectiveKind } from '../../strategies/types';
import type { TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { makeProblem } from '../search/problem';
import { solveInPluginThread, solveInProcess } from '../search/task';

/**
 * `tpuseg export --strategy S --tpus N`: one strategy's plan, searched in this thread with the
 * search orchestrator's own task code (task seeds from (seed, strategy, task index)), so the plan
 * is the one `tpuseg segment --strategy S --seed SEED` reports for the same model and profile.
 */

export interface SearchPlanRequest {
  readonly graph: LayerGraph;
  readonly strategy: string;
  readonly tpus: number;
  readonly profile: CostProfile;
  readonly batch: number;
  readonly seed: string;
  readonly cwd: string;
  readonly objective?: ObjectiveKind;
  /** The runner to price for (default: the profile's). */
  readonly runner?: RunnerName;
  /** The cost model to search with, when it is not the profile's own (a board of mixed devices). */
  readonly cost?: CostModel;
}

export function searchPlan(r: SearchPlanRequest): E.Either<TpusegError, { cuts: readonly number[]; strategy: string }> {
  const s = loadStrategyOrFail(r.strategy, r.cwd);
  if (E.isLeft(s)) return s;
  const problem = makeProblem(r.cost ?? costModel(r.graph, r.profile, r.runner ? { runner: r.runner } : {}), r.tpus, { kind: r.objective ?? 'throughput', batch: r.batch }, { pins: [] });
  if (E.isLeft(problem)) return problem;
  const host = pluginOf(s.right);
  const outcome = host
    ? solveInPluginThread(problem.right, host, { graph: r.graph, profile: r.profile, opts: r.runner ? { runner: r.runner } : {} }, r.seed)
    : solveInProcess(problem.right, s.right, {}, r.seed);
  return E.map((x: { cuts: readonly number[] }) => ({ cuts: x.cuts, strategy: s.right.name }))(outcome.result);
}
