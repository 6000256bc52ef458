import * as E from 'fp-ts/Either';
import type { CostModel, RunnerName } from '../../cost-models/types';
import { loadStrategyOrFail, pluginFile } from '../../strategies';
import type { Constraints, Objective, Problem } from '../../strategies/types';
import { workerFailed, type TpusegError } from '../errors';
import { loadModel } from '../model/load';
import { makeProblem } from './problem';
import { requestCost } from './request-cost';
import { decodeOptions, runTask, type TaskOutcome } from './task';

/**
 * The pool worker: one search task per call. The model and its cost model are built once per
 * (model spec, profile) in each worker thread and reused by every later task. Never throws
 * across the thread boundary: failures come back as a Left outcome.
 */
export interface WorkerTask {
  readonly model: string;
  /** The profile (the host's, with `devices`; absent: the first device's). */
  readonly profile?: string;
  /** One profile per TPU position, comma-separated (a board whose TPUs differ). */
  readonly devices?: string;
  /** The pipeline runner the plan is priced for (default: the profile's). */
  readonly runner?: RunnerName;
  readonly tpus: number;
  readonly objective: Objective;
  readonly constraints: Constraints;
  /** A built-in strategy's name (plug-ins run in threads of their own, src/plugins). */
  readonly strategy: string;
  readonly options: unknown;
  readonly seed: string | number;
  readonly index: number;
  readonly count: number;
  readonly timeBudgetMs: number;
  /** The model file's bytes in shared memory (a file model read by the caller): parsed here instead of reading the file again. */
  readonly modelBytes?: Uint8Array;
  /** Set to 1 by the worker when the task starts (a shared buffer), so overruns are timed from the start, not the queue. */
  readonly started?: Int32Array;
}

const models = new Map<string, E.Either<TpusegError, CostModel>>();
let loads = 0;

/** How many models this thread has built (tests check that tasks share them). */
export const modelLoads = (): number => loads;

function costFor(task: WorkerTask): E.Either<TpusegError, CostModel> {
  const { model, profile, devices, runner } = task;
  const key = `${model}\u0000${profile ?? ''}\u0000${devices ?? ''}\u0000${runner ?? ''}`;
  let cached = models.get(key);
  if (!cached) {
    loads++;
    const graph = loadModel(model, task.modelBytes);
    const priced = E.isLeft(graph) ? graph : requestCost(task, graph.right);
    cached = E.isLeft(priced) ? priced : E.right(priced.right.cost);
    models.set(key, cached);
  }
  return cached;
}

export function runWorkerTask(task: WorkerTask): TaskOutcome & { readonly modelLoads: number } {
  const fail = (error: TpusegError): TaskOutcome & { modelLoads: number } =>
    ({ _tag: 'Left', index: task.index, error, evaluations: 0, searchMs: 0, modelLoads: loads });
  if (task.started) Atomics.store(task.started, 0, 1);
  try {
    const cost = costFor(task);
    if (E.isLeft(cost)) return fail(cost.left);
    const problem: E.Either<TpusegError, Problem> = makeProblem(cost.right, task.tpus, task.objective, task.constraints);
    if (E.isLeft(problem)) return fail(problem.left);
    // Pool workers run the built-ins only: plug-ins run in threads of their own (src/plugins).
    if (pluginFile(task.strategy) !== undefined) return fail(workerFailed(task.strategy, task.index, 'only built-in strategies run in a pool worker'));
    const strategy = loadStrategyOrFail(task.strategy);
    if (E.isLeft(strategy)) return fail(strategy.left);
    const options = decodeOptions(strategy.right, task.options);
    if (E.isLeft(options)) return fail(options.left);
    const out = runTask(problem.right, strategy.right, options.right, task.seed, task.index, task.count, task.timeBudgetMs);
    return { ...out, modelLoads: loads };
  } catch (e) {
    return fail(workerFailed(task.strategy, task.index, `worker defect: ${(e as Error)?.message ?? String(e)}`));
  }
}

export default runWorkerTask;
