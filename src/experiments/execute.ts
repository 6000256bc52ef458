import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as path from 'node:path';
import { costModel, loadProfile, type CostProfile } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import { loadStrategy } from '../../strategies';
import { formatError, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { evaluatePlan } from '../pipeline/evaluate';
import { layerCuts } from '../plan/fixed-splits';
import { planResult, uncertaintyOf } from '../plan/result';
import { makeProblem } from '../search/problem';
import { nonFiniteStage, solveInProcess } from '../search/task';
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

export function runGroupInProcess(req: GroupRequest): CellOutcome[] {
  const first = req.cells[0];
  if (first === undefined) return [];
  const spec = resolveSpec(first.model, req.baseDir);
  const graph = graphOf(spec, req.modelBytes);
  if (E.isLeft(graph)) return req.cells.map(() => ({ error: graph.left }));
  const facts = modelFacts(graph.right);
  const priced = remember(costs, `${spec}\u0000${first.profile}\u0000${first.runner ?? ''}\u0000${first.freshRunner === true}`, () =>
    pipe(loadProfile(first.profile), E.bimap(formatError, (profile) =>
      ({ profile, cost: costModel(graph.right, profile, { ...(first.runner ? { runner: first.runner } : {}), freshRunner: first.freshRunner === true }) }))));
  if (E.isLeft(priced)) return req.cells.map(() => ({ ...facts, error: priced.left }));
  const { profile, cost } = priced.right;
  const problem = makeProblem(cost, first.tpus, { kind: first.objective, batch: first.batch }, { pins: [] });
  if (E.isLeft(problem)) return req.cells.map(() => ({ ...facts, error: formatError(problem.left) }));

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
      const s = loadStrategy(cell.strategy, req.cwd);
      if (E.isLeft(s)) return { ...facts, error: formatError(s.left) };
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
