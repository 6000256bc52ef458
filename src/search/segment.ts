import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { DEFAULT_PROFILE, type CostProfile, type RunnerName } from '../../cost-models';
import { requestCost } from './request-cost';
import { DEFAULT_TOLERANCE } from './tolerance';
import { isPluginFault, loadStrategyEvented, pluginOf, strategyNames } from '../../strategies';
import type { PluginHost } from '../plugins/host';
import type { CostRecipe } from '../plugins/protocol';
import type { Constraints, ObjectiveKind, Problem, Strategy } from '../../strategies/types';
import { configInvalid, formatError, usage, workerFailed, type TpusegError } from '../errors';
import { count, MAX_TASKS } from '../limits';
import { loadModelToPlan, sharedModelBytes } from '../model/load';
import { evaluatePlan } from '../pipeline/evaluate';
import { planResult, uncertaintyOf, type PlanResult } from '../plan/result';
import { ratioBandOf, speedupOf, type Speedup } from '../../cost-models/bands';
import { madeFor, type MadeFor } from '../plan/made-for';
import { compareScores, scorePlan } from './objective';
import { createSearchPool, watched, type SearchPool } from './pool';
import { makeProblem } from './problem';
import { checkOutcome, combineTasks, decodeOptions, runTask, taskCount, type StrategyOutcome, type TaskOutcome } from './task';
import { searchWorkers } from './workers';
import type { WorkerTask } from './worker';

/**
 * `segmentModel`: runs the chosen strategies (each restart a separate task) on a worker pool, or
 * in this thread with `workers: 0`, and reports every plan priced by the cost model plus the
 * winner. The plans depend only on the request (seeds derive from seed, strategy and task index;
 * restarts combine in task order), never on the worker count or timing, unless a budget cuts a
 * search short. A task that throws or overruns its budget fails its strategy alone.
 */
export interface SegmentRequest {
  /** A model spec as `loadModel` takes it (path, zoo:, synth:). */
  readonly model: string;
  /** N; with `devices`, defaults to their number. */
  readonly tpus?: number;
  /**
   * One profile per TPU position (comma-separated names or paths, paths already resolved): a board
   * whose TPUs differ, stage i priced on device i; `profile` is then the host's (default: the first device's).
   */
  readonly devices?: string;
  /** Use up to `tpus` segments: the fewest whose best plan is within `tolerance` of the best on up to N. */
  readonly atMost?: boolean;
  /** For `atMost` (default 0.02). */
  readonly tolerance?: number;
  /** Names or module paths; 'all' expands to every registered strategy. Default: all. */
  readonly strategies?: readonly string[];
  readonly profile?: string;
  /** The pipeline runner to price plans for (default: the profile's, else pycoral's C++ runner). */
  readonly runner?: RunnerName;
  readonly objective?: ObjectiveKind;
  readonly batch?: number;
  readonly constraints?: Partial<Constraints>;
  readonly seed?: string | number;
  /** Per task; a task still running twice this (+1 s) after it started is stopped and reported failed. */
  readonly timeBudgetMs?: number;
  /** Worker threads; 0 runs in this thread. Default: chosen from the work (src/search/workers.ts). Ignored when `pool` is given. */
  readonly workers?: number;
  /** A pool to reuse across calls (left open). */
  readonly pool?: SearchPool;
  /** Options per strategy name, decoded by each strategy's codec. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Resolves when the caller wants to stop: unfinished tasks are abandoned, finished ones reported. */
  readonly interrupted?: Promise<void>;
  /** Base for relative strategy paths. */
  readonly cwd?: string;
}

export type StrategyResult =
  | (PlanResult & { readonly evaluations: number; readonly searchMs: number; readonly tasks: number; readonly stats: Readonly<Record<string, number>> })
  | { readonly strategy: string; readonly error: string; readonly evaluations: number; readonly searchMs: number; readonly tasks: number };

/** What `--at-most` weighed: the best plan for every number of segments up to N, and the choice. */
export interface AtMost {
  /** N, the most segments allowed. */
  readonly tpus: number;
  readonly tolerance: number;
  /** Segments used, and TPUs left unused (N - used). */
  readonly used: number;
  readonly unused: number;
  /** Per number of segments n = 1..N: the winning strategy and its objective value (primary) and steady state. */
  readonly byTpus: readonly { readonly tpus: number; readonly best: string | null; readonly primary: number | null; readonly bottleneckMs: number | null }[];
}

export interface SegmentReport {
  readonly model: string;
  /** Segments of the plans reported (with --at-most, the number chosen). */
  readonly tpus: number;
  readonly profile: string;
  /** One profile name per TPU position, for a board whose TPUs differ. */
  readonly devices?: readonly string[];
  readonly atMost?: AtMost;
  /** The runner the plans were priced for. */
  readonly runner: RunnerName;
  readonly objective: ObjectiveKind;
  readonly results: readonly StrategyResult[];
  /** Name of the winning strategy (first listed on ties); null when every strategy failed. */
  readonly best: string | null;
  /** The model the plans were made for, so a plan file applied to another model is caught. */
  readonly madeFor: MadeFor;
  /**
   * The winner's speedup over the compiler's split, when both ran: the compiler plan's objective
   * value over the winner's, with the profile's speedup band (cost-models/bands.ts).
   */
  readonly overCompiler?: Speedup;
}

interface Resolved {
  readonly strategy: Strategy;
  /** What workers load: a built-in's name (plug-ins run in their own threads, through `host`). */
  readonly ref: string;
  readonly options: unknown;
  readonly count: number;
  readonly host?: PluginHost;
}

/** A plug-in that failed before it could search (did not load, took a reserved name, threw in its options): it fails alone. */
interface Faulted {
  readonly label: string;
  readonly message: string;
}

async function resolveStrategies(req: SegmentRequest, signal: AbortSignal): Promise<E.Either<TpusegError, { ok: Resolved[]; faulted: Faulted[] }>> {
  const wanted = (req.strategies ?? ['all']).flatMap((s) => (s === 'all' ? strategyNames() : [s]));
  if (wanted.length === 0) return E.left(usage('no strategy given'));
  const limitMs = req.timeBudgetMs ?? 60_000;
  const out: Resolved[] = [];
  const faulted: Faulted[] = [];
  for (const ref of wanted) {
    const s = await loadStrategyEvented(ref, req.cwd ?? process.cwd(), limitMs, signal);
    if (E.isLeft(s)) {
      if (s.left !== undefined && !isPluginFault(s.left)) return E.left(s.left);
      if (!faulted.some((f) => f.label === ref)) faulted.push({ label: ref, message: s.left === undefined ? `plug-in ${ref}: interrupted while it loaded` : s.left.message });
      continue;
    }
    if (out.some((r) => r.strategy.name === s.right.name)) {
      if (out.some((r) => r.strategy === s.right)) continue;
      faulted.push({ label: ref, message: `plug-in ${ref}: its name "${s.right.name}" is already taken by another strategy of this search` });
      continue;
    }
    const raw = req.options?.[s.right.name];
    const host = pluginOf(s.right);
    if (host) {
      const decoded = await host.decodeEvented(raw, limitMs, signal);
      if (E.isLeft(decoded) && 'rejected' in decoded.left) return E.left(configInvalid(`options of strategy ${s.right.name}`, decoded.left.rejected));
      if (E.isLeft(decoded)) {
        const why = 'failed' in decoded.left ? `options.decode ${decoded.left.failed.replace(/^options\.decode /, '')}` : 'interrupted in options.decode';
        faulted.push({ label: s.right.name, message: `plug-in ${s.right.name} (${ref}): ${why}` });
        continue;
      }
      const tasks = await host.tasksEvented(raw, limitMs, signal);
      if (E.isLeft(tasks)) {
        faulted.push({ label: s.right.name, message: `plug-in ${s.right.name} (${ref}): ${tasks.left._tag === 'Failed' ? tasks.left.why : 'interrupted in tasks()'}` });
        continue;
      }
      const n = Number.isInteger(tasks.right) && tasks.right >= 1 ? tasks.right : 1;
      if (n > MAX_TASKS) return E.left(usage(`strategy ${s.right.name} asks for ${count(n)} tasks (restarts); at most ${count(MAX_TASKS)}`));
      out.push({ strategy: s.right, ref: path.resolve(req.cwd ?? process.cwd(), ref), options: raw, count: n, host });
      continue;
    }
    const options = decodeOptions(s.right, raw);
    if (E.isLeft(options)) return options;
    const count_ = taskCount(s.right, options.right);
    if (E.isLeft(count_)) return count_;
    out.push({ strategy: s.right, ref, options: raw, count: count_.right });
  }
  const run = [...out.map((r) => r.strategy.name), ...faulted.map((f) => f.label)];
  const stray = Object.keys(req.options ?? {}).find((k) => !run.includes(k));
  if (stray !== undefined) return E.left(usage(`--option ${stray}.*: no strategy "${stray}" runs in this search (it runs ${run.join(', ')})`));
  if (out.length === 0 && faulted.length > 0) return E.left(usage(faulted.map((f) => f.message).join('; ')));
  return E.right({ ok: out, faulted });
}

export async function segmentModel(req: SegmentRequest): Promise<E.Either<TpusegError, SegmentReport>> {
  // An explicit pool size starts the threads first, so their start-up overlaps loading the model here.
  const own = !req.pool && req.workers !== undefined && req.workers > 0 ? createSearchPool(req.workers) : undefined;
  try {
    return await segmentWith({ ...req, ...(own ? { pool: own } : {}) });
  } finally {
    await own?.close();
  }
}

async function segmentWith(req: SegmentRequest): Promise<E.Either<TpusegError, SegmentReport>> {
  const graph = loadModelToPlan(req.model);
  if (E.isLeft(graph)) return graph;
  const priced = requestCost(req, graph.right);
  if (E.isLeft(priced)) return priced;
  const { cost, profile, devices } = priced.right;
  const N = req.tpus ?? devices?.length;
  if (N === undefined) return E.left(usage('segment: --tpus N is required (or --devices D1,...,DN)'));
  if (devices && devices.length !== N) return E.left(usage(`segment: --tpus ${N} but --devices lists ${devices.length} TPUs; give one profile per TPU`));
  const objective = { kind: req.objective ?? 'throughput', batch: req.batch ?? 15 } as const;
  const constraints: Constraints = { pins: req.constraints?.pins ?? [], ...(req.constraints?.maxCrossingBytes !== undefined ? { maxCrossingBytes: req.constraints.maxCrossingBytes } : {}) };
  const problem = makeProblem(cost, N, objective, constraints);
  if (E.isLeft(problem)) return problem;
  const stop = new AbortController();
  void req.interrupted?.then(() => stop.abort());
  const resolved = await resolveStrategies(req, stop.signal);
  if (E.isLeft(resolved)) return resolved;
  // Every number of segments up to N with --at-most (those the constraints allow), else N alone.
  const counts: number[] = [];
  const problems = new Map<number, Problem>();
  for (let n = req.atMost ? 1 : N; n <= N; n++) {
    const p = n === N ? problem : makeProblem(cost, n, objective, constraints);
    if (E.isLeft(p)) continue;
    counts.push(n);
    problems.set(n, p.right);
  }

  const seed = req.seed ?? 0;
  const budgetMs = req.timeBudgetMs ?? 60_000;
  const modelBytes = sharedModelBytes(graph.right);
  const recipe: CostRecipe = { graph: graph.right, profile, ...(devices ? { devices } : {}), opts: req.runner ? { runner: req.runner } : {} };
  const tasks: { n: number; r: Resolved; task: WorkerTask }[] = counts.flatMap((n) => resolved.right.ok.flatMap((r) =>
    Array.from({ length: r.count }, (_, index) => ({
      n,
      r,
      task: {
        model: req.model, ...(req.profile !== undefined || req.devices === undefined ? { profile: req.profile ?? DEFAULT_PROFILE } : {}),
        ...(req.devices !== undefined ? { devices: req.devices } : {}), ...(req.runner ? { runner: req.runner } : {}),
        tpus: n, objective, constraints, strategy: r.ref, options: r.options, seed, index, count: r.count, timeBudgetMs: budgetMs,
        ...(modelBytes ? { modelBytes } : {}),
      },
    }))));

  // No pool and no size given: threads only when the work pays for them (workers.ts).
  // Plug-in tasks run in threads of their own: only the built-ins' count for the pool.
  const builtins = tasks.filter((t) => !t.r.host).length;
  const weightBytes = problem.right.graph.tensors.reduce((sum, t) => sum + (t.data?.length ?? 0), 0);
  const auto = !req.pool && req.workers === undefined ? searchWorkers(builtins, problem.right.n, undefined, weightBytes) : 0;
  const pool = auto > 0 ? createSearchPool(auto) : undefined;
  try {
    const outcomes = await runAll(problems, tasks, pool ? { ...req, pool } : req, budgetMs, recipe, stop);
    const reports = new Map(counts.map((n) => {
      const p = problems.get(n)!;
      const combined = resolved.right.ok.map((r) => combineTasks(p, r.strategy.name, outcomes.filter((o) => o.n === n && o.name === r.strategy.name).map((o) => o.outcome)));
      const r = report(req, n, profile, devices, p, combined);
      const faults: StrategyResult[] = resolved.right.faulted.map((f) => ({ strategy: f.label, error: f.message, evaluations: 0, searchMs: 0, tasks: 0 }));
      return [n, { ...r, results: [...r.results, ...faults] }] as const;
    }));
    if (!req.atMost) return E.right(reports.get(N)!);
    return E.right(atMost(reports, problems, N, req.tolerance ?? DEFAULT_TOLERANCE));
  } finally {
    await pool?.close();
  }
}

/**
 * `--at-most`: among the numbers of segments n <= N, the fewest whose best plan's objective is
 * within the tolerance of the best over all of them (so, with tolerance 0, exactly the best plan on
 * up to N segments, which is never slower than the best on exactly N).
 */
function atMost(reports: ReadonlyMap<number, SegmentReport>, problems: ReadonlyMap<number, Problem>, N: number, tolerance: number): SegmentReport {
  const byTpus = [...reports.entries()].map(([n, r]) => {
    const best = r.results.find((x) => x.strategy === r.best);
    const primary = best && !('error' in best) ? scorePlan(problems.get(n)!, best.cuts).primary : null;
    return { tpus: n, best: r.best, primary, bottleneckMs: best && !('error' in best) ? best.bottleneckMs : null };
  });
  const scored = byTpus.filter((b): b is typeof b & { primary: number } => b.primary !== null);
  const top = Math.min(...scored.map((b) => b.primary));
  const chosen = scored.find((b) => b.primary <= top * (1 + tolerance))?.tpus ?? N;
  const r = reports.get(chosen)!;
  return { ...r, atMost: { tpus: N, tolerance, used: chosen, unused: N - chosen, byTpus } };
}

type Job = { n: number; r: Resolved; task: WorkerTask };
type Done = { n: number; name: string; outcome: TaskOutcome };

const interruptedOutcome = (name: string, index: number): TaskOutcome =>
  ({ _tag: 'Left', index, error: workerFailed(name, index, 'interrupted before it finished'), evaluations: 0, searchMs: 0 });

let recipes = 0;

async function runAll(problems: ReadonlyMap<number, Problem>, tasks: readonly Job[], req: SegmentRequest, budgetMs: number, recipe: CostRecipe, stop: AbortController): Promise<Done[]> {
  // Plug-ins run in threads of their own, beside the built-ins (on the pool, or here with --workers 0).
  const costKey = `segment-${++recipes}`;
  const pluginTasks = tasks.filter((t) => t.r.host);
  const builtinTasks = tasks.filter((t) => !t.r.host);
  const plugins = Promise.all(pluginTasks.map(async ({ n, r, task }): Promise<Done> => {
    const name = r.strategy.name;
    const out = await r.host!.search({
      costKey, recipe, tpus: n, objective: task.objective, constraints: task.constraints,
      options: task.options, seed: task.seed, index: task.index, count: task.count, budgetMs,
    }, 2 * budgetMs + 1000, stop.signal);
    const outcome: TaskOutcome = E.isRight(out) ? checkOutcome(problems.get(n)!, name, out.right)
      : out.left._tag === 'Interrupted' ? interruptedOutcome(name, task.index)
      : { _tag: 'Left', index: task.index, error: workerFailed(name, task.index, /took longer than/.test(out.left.why) ? `exceeded its time budget of ${budgetMs} ms` : out.left.why), evaluations: 0, searchMs: 0 };
    return { n, name, outcome };
  }));
  if (req.pool) return [...(await onPool(req.pool, builtinTasks, stop.signal, budgetMs)), ...(await plugins)];
  const local: Done[] = [];
  for (const { n, r, task } of builtinTasks) {
    await new Promise((ok) => setImmediate(ok));
    const options = decodeOptions(r.strategy, r.options);
    const outcome = stop.signal.aborted ? interruptedOutcome(r.strategy.name, task.index)
      : E.isLeft(options) ? { _tag: 'Left' as const, index: task.index, error: options.left, evaluations: 0, searchMs: 0 }
      : runTask(problems.get(n)!, r.strategy, options.right, task.seed, task.index, task.count, budgetMs);
    local.push({ n, name: r.strategy.name, outcome });
  }
  return [...local, ...(await plugins)];
}

async function onPool(pool: SearchPool, tasks: readonly Job[], stop: AbortSignal, budgetMs: number): Promise<Done[]> {
  return Promise.all(tasks.map(async ({ n, r, task }) => {
    const name = r.strategy.name;
    const out = await watched(stop, 2 * budgetMs + 1000, (started, signal) => pool.run({ ...task, started }, signal));
    const outcome: TaskOutcome = 'done' in out ? out.done as TaskOutcome : out.failed === 'interrupted' ? interruptedOutcome(name, task.index)
      : { _tag: 'Left', index: task.index, error: workerFailed(name, task.index, out.failed === 'overrun' ? `exceeded its time budget of ${budgetMs} ms` : `worker crashed: ${out.message}`), evaluations: 0, searchMs: 0 };
    return { n, name, outcome };
  }));
}

function report(req: SegmentRequest, tpus: number, profile: CostProfile, devices: readonly CostProfile[] | undefined, problem: Problem, outcomes: readonly StrategyOutcome[]): SegmentReport {
  let best: { name: string; cuts: readonly number[] } | undefined;
  const results: StrategyResult[] = outcomes.map((o) => {
    const base = { evaluations: o.evaluations, searchMs: o.searchMs, tasks: o.tasks };
    if (E.isLeft(o.result)) return { strategy: o.strategy, error: formatError(o.result.left), ...base };
    const cuts = o.result.right.cuts;
    if (!best || compareScores(scorePlan(problem, cuts), scorePlan(problem, best.cuts)) < 0) best = { name: o.strategy, cuts };
    const ev = evaluatePlan(problem.cost, cuts, problem.objective.batch);
    return { ...planResult(o.strategy, ev, uncertaintyOf(profile, problem.graph, ev, devices)), ...base, stats: o.result.right.stats };
  });
  const compiler = outcomes.find((o) => o.strategy === 'compiler' && E.isRight(o.result));
  const overCompiler = best && compiler && E.isRight(compiler.result) && best.name !== 'compiler'
    ? speedupOf(scorePlan(problem, compiler.result.right.cuts).primary / scorePlan(problem, best.cuts).primary, ratioBandOf(profile))
    : undefined;
  return {
    model: req.model, tpus, profile: profile.name, ...(devices ? { devices: devices.slice(0, tpus).map((d) => d.name) } : {}),
    runner: problem.cost.pipeline?.runner ?? 'pycoral', objective: problem.objective.kind, results, best: best?.name ?? null, madeFor: madeFor(problem.graph),
    ...(overCompiler && Number.isFinite(overCompiler.ratio) ? { overCompiler } : {}),
  };
}
