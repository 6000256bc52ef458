import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as path from 'node:path';
import { costModel, loadProfile, type CostProfile } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import { isPluginFault, loadStrategy, loadStrategyOrFail, pluginOf } from '../../strategies';
import type { Problem } from '../../strategies/types';
import { MAX_TASKS } from '../limits';
import type { CostRecipe } from '../plugins/protocol';
import { formatError, workerFailed, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { evaluatePlan } from '../pipeline/evaluate';
import { layerCuts } from '../plan/fixed-splits';
import { planResult, uncertaintyOf } from '../plan/result';
import { makeProblem } from '../search/problem';
import { checkOutcome, combineTasks, nonFiniteStage, solveInProcess, type TaskOutcome } from '../search/task';
import type { CellParams } from './cell';
import type { CellOutcome } from './runner';

/**
 * Runs one group of cells (same model, N, profile, objective, batch, seed, budget) in this
 * thread: the model, profile and cost model are built once per group (and cached across groups), each
 * strategy is solved with the search module's own task runner, so a cell gets the same plan
 * `tpuseg segment` gives for the same seed. `layers` is the fixed equal-layer split. Models are
 * anything `loadModel` takes, plus the calibration family `calib:fc?neurons=N&layers=L&inputs=I`.
 */

export interface GroupRequest {
  /** Directory file model specs are relative to. */
  readonly baseDir: string;
  /** Directory strategy module paths are relative to. */
  readonly cwd: string;
  readonly cells: readonly CellParams[];
  /** The model file's bytes in shared memory, when the caller has read them: parsed instead of reading the file again. */
  readonly modelBytes?: Uint8Array;
}

const graphs = new Map<string, E.Either<string, LayerGraph>>();
const costs = new Map<string, E.Either<string, { readonly profile: CostProfile; readonly cost: CostModel }>>();
const CACHE_LIMIT = 16;

const remember = <V>(cache: Map<string, V>, key: string, make: () => V): V => {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const v = make();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, v);
  return v;
};

/** Per-task time allowance when the config sets none (the search module's own default). */
export const DEFAULT_BUDGET_MS = 60_000;

export const resolveSpec = (spec: string, baseDir: string): string => (/^(zoo|synth|calib):/.test(spec) ? spec : path.resolve(baseDir, spec));

/**
 * `calibrationModel`, with its readers required on first use: a pool worker running zoo or
 * synthetic models then never loads the TFLite reader and its generated schema (~0.3 s of CPU
 * per thread, paid again by every worker).
 */
function load(spec: string, fileBytes?: Uint8Array): E.Either<TpusegError, LayerGraph> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (fileBytes !== undefined) return (require('../model/load') as typeof import('../model/load')).loadModelToPlan(spec, fileBytes);
  if (spec.startsWith('zoo:')) return (require('../zoo') as typeof import('../zoo')).zooModel(spec);
  if (spec.startsWith('synth:')) return (require('../zoo/synth') as typeof import('../zoo/synth')).synthModel(spec);
  return (require('../calibrate/models') as typeof import('../calibrate/models')).calibrationModel(spec);
}

/** The model of a (resolved) spec, built once per thread and kept for the next groups. */
export const graphOf = (spec: string, fileBytes?: Uint8Array): E.Either<string, LayerGraph> => remember(graphs, spec, () => E.mapLeft(formatError)(load(spec, fileBytes)));

export function modelFacts(g: LayerGraph): Pick<CellOutcome, 'modelOps' | 'modelParamBytes' | 'modelInput'> {
  const input = g.tensors[g.inputs[0] ?? -1];
  return {
    modelOps: g.ops.length,
    modelParamBytes: g.ops.reduce((s, op) => s + op.paramBytes, 0),
    ...(input !== undefined ? { modelInput: input.shape.slice(1) } : {}),
  };
}

interface GroupContext {
  readonly graph: LayerGraph;
  readonly facts: ReturnType<typeof modelFacts>;
  readonly profile: CostProfile;
  readonly cost: CostModel;
  readonly problem: Problem;
}

/** The model, cost model and problem a group's cells share (built once per thread and kept), or the error outcome of every cell. */
function groupContext(first: CellParams, baseDir: string, modelBytes?: Uint8Array): E.Either<CellOutcome, GroupContext> {
  const spec = resolveSpec(first.model, baseDir);
  const graph = graphOf(spec, modelBytes);
  if (E.isLeft(graph)) return E.left({ error: graph.left });
  const facts = modelFacts(graph.right);
  const priced = remember(costs, `${spec}\u0000${first.profile}\u0000${first.runner ?? ''}\u0000${first.freshRunner === true}`, () =>
    pipe(loadProfile(first.profile), E.bimap(formatError, (profile) =>
      ({ profile, cost: costModel(graph.right, profile, { ...(first.runner ? { runner: first.runner } : {}), freshRunner: first.freshRunner === true }) }))));
  if (E.isLeft(priced)) return E.left({ ...facts, error: priced.left });
  const { profile, cost } = priced.right;
  const problem = makeProblem(cost, first.tpus, { kind: first.objective, batch: first.batch }, { pins: [] });
  if (E.isLeft(problem)) return E.left({ ...facts, error: formatError(problem.left) });
  return E.right({ graph: graph.right, facts, profile, cost, problem: problem.right });
}

let pluginGroups = 0;

/**
 * One cell of a plug-in strategy: the plug-in searches in its own thread (src/plugins), its tasks
 * one after another, each stopped after twice its budget (+1 s) or when `signal` aborts; the plan
 * is checked and priced here. Strategy paths are relative to `baseDir` (the config's folder).
 */
export async function runPluginCell(cell: CellParams, baseDir: string, signal: AbortSignal): Promise<CellOutcome> {
  const ctx = groupContext(cell, baseDir);
  if (E.isLeft(ctx)) return ctx.left;
  const { facts, problem } = ctx.right;
  const budgetMs = cell.budget.timeMs ?? DEFAULT_BUDGET_MS;
  const t0 = performance.now();
  const s = loadStrategy(cell.strategy, baseDir, budgetMs);
  if (E.isLeft(s)) return { ...facts, error: isPluginFault(s.left) ? s.left.message : formatError(s.left) };
  const host = pluginOf(s.right);
  if (!host) return { ...facts, error: `${cell.strategy} is not a plug-in` };
  const name = host.name;
  const searched = await host.session(async (): Promise<CellOutcome | TaskOutcome[]> => {
    const decoded = host.decode(cell.options, budgetMs);
    if (E.isLeft(decoded)) return { ...facts, error: 'rejected' in decoded.left ? decoded.left.rejected.join('; ') : `plug-in ${name} (${cell.strategy}): ${decoded.left.failed}` };
    const tasks = host.tasks(cell.options, budgetMs);
    if (E.isLeft(tasks)) return { ...facts, error: `plug-in ${name} (${cell.strategy}): ${tasks.left}` };
    const count = Math.min(Math.max(1, Math.floor(tasks.right) || 1), MAX_TASKS);
    const recipe: CostRecipe = { graph: ctx.right.graph, profile: ctx.right.profile, opts: { ...(cell.runner ? { runner: cell.runner } : {}), freshRunner: cell.freshRunner === true } };
    const costKey = `cell-${++pluginGroups}`;
    const outcomes: TaskOutcome[] = [];
    for (let index = 0; index < count; index++) {
      const out = await host.searchNow({ costKey, recipe, tpus: cell.tpus, objective: problem.objective, constraints: problem.constraints, options: cell.options, seed: cell.seed, index, count, budgetMs }, 2 * budgetMs + 1000, signal);
      if (E.isRight(out)) {
        outcomes.push(checkOutcome(problem, name, out.right));
        continue;
      }
      if (out.left._tag === 'Interrupted') return { ...facts, error: 'interrupted before it finished', interrupted: true };
      const why = /took longer than/.test(out.left.why) ? `stopped after ${((2 * budgetMs + 1000) / 1000).toFixed(0)} s (time budget exceeded)` : out.left.why;
      outcomes.push({ _tag: 'Left', index, error: workerFailed(name, index, why), evaluations: 0, searchMs: 0 });
    }
    return outcomes;
  });
  if (!Array.isArray(searched)) return searched;
  const outcomes = searched;
  const combined = combineTasks(problem, name, outcomes);
  const plugin = { strategyName: name, strategyDescription: host.description };
  if (E.isLeft(combined.result)) return { ...facts, ...plugin, error: formatError(combined.result.left) };
  const ev = evaluatePlan(ctx.right.cost, combined.result.right.cuts, cell.batch);
  const result = { ...planResult(name, ev, uncertaintyOf(ctx.right.profile, ctx.right.graph, ev)), runner: ctx.right.cost.pipeline?.runner ?? 'pycoral' };
  return { ...facts, ...plugin, result: { ...result, evaluations: combined.evaluations, searchMs: performance.now() - t0 } };
}

export function runGroupInProcess(req: GroupRequest): CellOutcome[] {
  const first = req.cells[0];
  if (first === undefined) return [];
  const ctx = groupContext(first, req.baseDir, req.modelBytes);
  if (E.isLeft(ctx)) return req.cells.map(() => ctx.left);
  const { facts, profile, cost } = ctx.right;
  const graph = { right: ctx.right.graph };
  const problem = { right: ctx.right.problem };

  return req.cells.map((cell): CellOutcome => {
    const t0 = performance.now();
    let cuts: readonly number[];
    let evaluations = 0;
    if (cell.strategy === 'layers') {
      const c = layerCuts(graph.right, cell.tpus);
      if (E.isLeft(c)) return { ...facts, error: formatError(c.left) };
      cuts = c.right;
      const unpriced = nonFiniteStage(problem.right, cuts);
      if (unpriced !== undefined) return { ...facts, error: `layers: ${unpriced}` };
    } else {
      // Built-ins only: plug-in cells run through runPluginCell.
      const s = loadStrategyOrFail(cell.strategy, req.baseDir);
      if (E.isLeft(s)) return { ...facts, error: formatError(s.left) };
      if (pluginOf(s.right)) return { ...facts, error: `${cell.strategy}: a plug-in runs in its own thread, not with the built-ins` };
      const outcome = solveInProcess(problem.right, s.right, cell.options, cell.seed, cell.budget.timeMs ?? DEFAULT_BUDGET_MS);
      if (E.isLeft(outcome.result)) return { ...facts, error: formatError(outcome.result.left) };
      cuts = outcome.result.right.cuts;
      evaluations = outcome.evaluations;
    }
    const ev = evaluatePlan(cost, cuts, cell.batch);
    const result = { ...planResult(cell.strategy, ev, uncertaintyOf(profile, graph.right, ev)), runner: cost.pipeline?.runner ?? 'pycoral' };
    return { ...facts, result: { ...result, evaluations, searchMs: performance.now() - t0 } };
  });
}
