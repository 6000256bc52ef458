import * as E from 'fp-ts/Either';
import type { CostModel } from '../../cost-models/types';
import type { Problem, Strategy } from '../../strategies/types';
import { optionErrors } from '../../strategies/options';
import { configInvalid, isTpusegError, TpusegFailure, usage, workerFailed, type TpusegError } from '../errors';
import { count, MAX_TASKS } from '../limits';
import { deriveSeed, rng } from '../rng';
import type { WithLowerBound } from './bound';
import { timeBudget } from './budget';
import { compareScores, scorePlan, segmentsOf } from './objective';
import { checkPlan } from './problem';
import type { PluginHost } from '../plugins/host';
import type { CostRecipe } from '../plugins/protocol';

/**
 * One search task (one strategy, one task index) and the combination of a strategy's tasks.
 * The same code runs in a pool worker and in-process, so both give the same plans: a task's
 * generator is seeded from (run seed, strategy name, task index) only.
 */
export type TaskOutcome =
  | { readonly _tag: 'Right'; readonly index: number; readonly cuts: readonly number[]; readonly evaluations: number; readonly searchMs: number; readonly stats: Readonly<Record<string, number>> }
  | { readonly _tag: 'Left'; readonly index: number; readonly error: TpusegError; readonly evaluations: number; readonly searchMs: number };

export interface StrategyOutcome {
  readonly strategy: string;
  readonly tasks: number;
  /** Summed over the tasks. */
  readonly evaluations: number;
  readonly searchMs: number;
  readonly result: E.Either<TpusegError, { readonly cuts: readonly number[]; readonly task: number; readonly stats: Readonly<Record<string, number>> }>;
}

/** The cost model with a counter of segment prices (the `evaluations` of the report). */
export function counted(cost: CostModel): { readonly cost: CostModel; readonly count: () => number } {
  let calls = 0;
  const own = (cost as CostModel & WithLowerBound).lowerBoundMs;
  return {
    cost: {
      ...(typeof own === 'function' ? { lowerBoundMs: (a: number, b: number) => own.call(cost, a, b) } : {}),
      id: cost.id,
      profile: cost.profile,
      graph: cost.graph,
      // Everything the objective reads passes through: the pipeline, positions, shared demands, first invokes.
      ...(cost.pipeline ? { pipeline: cost.pipeline } : {}),
      ...(cost.stageDependent !== undefined ? { stageDependent: cost.stageDependent } : {}),
      ...(cost.hasShared !== undefined ? { hasShared: cost.hasShared } : {}),
      ...(cost.sharedMs ? { sharedMs: (a: number, b: number, out: Float64Array, stage?: number) => cost.sharedMs!(a, b, out, stage) } : {}),
      ...(cost.firstMs ? { firstMs: (a: number, b: number, stage?: number) => cost.firstMs!(a, b, stage) } : {}),
      ...(cost.positionKey ? { positionKey: (stage: number) => cost.positionKey!(stage) } : {}),
      ...(cost.runnerStageMs ? { runnerStageMs: (a: number, b: number) => cost.runnerStageMs!(a, b) } : {}),
      ...(cost.handoffMs ? { handoffMs: (cut: number) => cost.handoffMs!(cut) } : {}),
      segment: (a, b, stage) => (calls++, cost.segment(a, b, stage)),
      segmentMs: (a, b, stage) => (calls++, cost.segmentMs(a, b, stage)),
      ...(cost.segmentMsRow ? { segmentMsRow: (b: number, lo: number, hi: number, out: Float64Array, stage?: number) => ((calls += hi - lo), cost.segmentMsRow!(b, lo, hi, out, stage)) } : {}),
      ...(cost.offChipBytes ? { offChipBytes: (a: number, b: number, stage?: number) => (calls++, cost.offChipBytes!(a, b, stage)) } : {}),
    },
    count: () => calls,
  };
}

export function decodeOptions<O>(s: Strategy<O>, raw: unknown): E.Either<TpusegError, O> {
  const r = s.options.decode(raw);
  return E.isLeft(r) ? E.left(configInvalid(`options of strategy ${s.name}`, optionErrors(s.name, r.left))) : E.right(r.right);
}

/** How many tasks a strategy asks for, at least 1; more than MAX_TASKS is an error (each task is a pool job and a result). */
export function taskCount<O>(s: Strategy<O>, options: O): E.Either<TpusegError, number> {
  let t: number;
  try {
    t = s.tasks ? s.tasks(options) : 1;
  } catch (e) {
    return E.left(workerFailed(s.name, 0, `tasks() threw: ${(e as Error)?.message ?? String(e)}`));
  }
  if (!Number.isInteger(t) || t < 1) return E.right(1);
  return t <= MAX_TASKS ? E.right(t) : E.left(usage(`strategy ${s.name} asks for ${count(t)} tasks (restarts); at most ${count(MAX_TASKS)}`));
}

export function runTask<O>(problem: Problem, s: Strategy<O>, options: O, seed: string | number, index: number, count: number, timeBudgetMs: number): TaskOutcome {
  const meter = counted(problem.cost);
  // A frozen problem (a plug-in's) stays frozen, its counting cost model with it; its cut table
  // (a typed array, which cannot be frozen) is the plug-in's own copy, so the checks below read the original.
  const p: Problem = Object.isFrozen(problem) ? Object.freeze({ ...problem, canCut: problem.canCut.slice(), cost: Object.freeze(meter.cost) }) : { ...problem, cost: meter.cost };
  const generator = rng(deriveSeed(seed, s.name, index));
  const budget = timeBudget(timeBudgetMs);
  const t0 = performance.now();
  const done = (r: unknown): TaskOutcome => {
    const searchMs = performance.now() - t0;
    const evaluations = meter.count();
    const fail = (error: TpusegError): TaskOutcome => ({ _tag: 'Left', index, error, evaluations, searchMs });
    const outcome = r as { _tag?: unknown; left?: unknown; right?: { cuts?: unknown; stats?: unknown } } | undefined;
    if (outcome?._tag === 'Left') {
      // A plug-in may return any value as its error; only tpuseg's own errors are passed on as they are.
      return fail(isTpusegError(outcome.left) ? outcome.left : workerFailed(s.name, index, `returned an error tpuseg does not know: ${describe(outcome.left)}`));
    }
    const cuts = outcome?._tag === 'Right' ? outcome.right?.cuts : undefined;
    if (!Array.isArray(cuts)) return fail(workerFailed(s.name, index, `returned ${describe(r)}, not E.right({ cuts }) or E.left(error)`));
    const odd = cuts.findIndex((c) => typeof c !== 'number' || !Number.isInteger(c));
    if (odd >= 0) return fail(workerFailed(s.name, index, `returned cuts ${describe(cuts)}: cut ${odd} is ${typeof cuts[odd] === 'number' ? `${cuts[odd]}, not an integer` : `the ${typeof cuts[odd]} ${describe(cuts[odd])}, not a number`} (cuts are op positions: integers)`));
    const checked = checkPlan(problem, cuts);
    if (E.isLeft(checked)) return fail(workerFailed(s.name, index, `returned an invalid plan: ${(checked.left as { message: string }).message}`));
    const unpriced = nonFiniteStage(problem, cuts);
    if (unpriced !== undefined) return fail(workerFailed(s.name, index, unpriced));
    const stats = outcome!.right!.stats;
    return { _tag: 'Right', index, cuts: [...cuts], evaluations, searchMs, stats: typeof stats === 'object' && stats !== null ? { ...(stats as Record<string, number>) } : {} };
  };
  try {
    return done(s.search(p, options, generator, budget, { index, count }));
  } catch (e) {
    if (e instanceof TpusegFailure) return done(E.left(e.error));
    if (isTpusegError(e)) return done(E.left(e));
    return done(E.left(workerFailed(s.name, index, `threw: ${describe(e)}`)));
  }
}

/**
 * A plug-in's outcome as its own thread reported it, checked again here against this thread's
 * problem: the plan against the contract and constraints, every stage priced finite, stats numbers.
 */
export function checkOutcome(problem: Problem, name: string, o: TaskOutcome): TaskOutcome {
  if (o._tag === 'Left') return o;
  const fail = (message: string): TaskOutcome => ({ _tag: 'Left', index: o.index, error: workerFailed(name, o.index, message), evaluations: o.evaluations, searchMs: o.searchMs });
  const cuts: unknown = o.cuts;
  if (!Array.isArray(cuts)) return fail(`returned ${describe(cuts)} as its cuts`);
  const odd = cuts.findIndex((c) => typeof c !== 'number' || !Number.isInteger(c));
  if (odd >= 0) return fail(`returned cuts ${describe(cuts)}: cut ${odd} is not an integer`);
  const checked = checkPlan(problem, cuts as number[]);
  if (E.isLeft(checked)) return fail(`returned an invalid plan: ${(checked.left as { message: string }).message}`);
  const unpriced = nonFiniteStage(problem, cuts as number[]);
  if (unpriced !== undefined) return fail(unpriced);
  const stats = Object.fromEntries(Object.entries(o.stats ?? {}).filter(([, v]) => typeof v === 'number'));
  return { ...o, cuts: [...(cuts as number[])], stats };
}

/** A short, printable description of any value a plug-in returned or threw. */
function describe(u: unknown): string {
  if (typeof u === 'object' && u !== null && typeof (u as Error).message === 'string' && typeof (u as Error).stack === 'string') return (u as Error).message;
  let s: string;
  try {
    s = JSON.stringify(u) ?? String(u);
  } catch {
    s = String(u);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/**
 * Why a plan cannot be ranked: the cost model (a profile, or a plug-in model) priced one of its
 * segments (segment i at TPU position i) as NaN or Infinity. Undefined when every stage time is finite.
 */
export function nonFiniteStage(problem: Problem, cuts: readonly number[]): string | undefined {
  const segments = segmentsOf(problem.n, cuts);
  for (let i = 0; i < segments.length; i++) {
    const [a, b] = segments[i]!;
    const s = problem.cost.segment(a, b, i);
    const bad = [['ms', s.ms] as const, ...Object.entries(s)].find(([, v]) => typeof v === 'number' && !Number.isFinite(v));
    if (bad) return `the cost model gives segment ${i} (ops ${a}..${b - 1}) a non-finite ${bad[0]} (${bad[1]}); check the profile's constants`;
  }
  return undefined;
}

/** Keeps the best task by the problem's score (ties to the lower index); any failed task fails the strategy. */
export function combineTasks(problem: Problem, strategy: string, outcomes: readonly TaskOutcome[]): StrategyOutcome {
  const sorted = [...outcomes].sort((a, b) => a.index - b.index);
  const evaluations = sorted.reduce((s, o) => s + o.evaluations, 0);
  const searchMs = sorted.reduce((s, o) => s + o.searchMs, 0);
  const base = { strategy, tasks: sorted.length, evaluations, searchMs };
  const failed = sorted.find((o) => o._tag === 'Left');
  if (failed && failed._tag === 'Left') return { ...base, result: E.left(failed.error) };
  let best: (TaskOutcome & { _tag: 'Right' }) | undefined;
  for (const o of sorted) {
    if (o._tag !== 'Right') continue;
    if (!best || compareScores(scorePlan(problem, o.cuts), scorePlan(problem, best.cuts)) < 0) best = o;
  }
  if (!best) return { ...base, result: E.left(workerFailed(strategy, 0, 'ran no task')) };
  return { ...base, result: E.right({ cuts: best.cuts, task: best.index, stats: best.stats }) };
}

/** Runs every task of a strategy in this thread (tests, `--workers 0`, and the zoo checks). */
export function solveInProcess<O>(problem: Problem, s: Strategy<O>, rawOptions: unknown, seed: string | number, timeBudgetMs = Infinity): StrategyOutcome {
  const options = decodeOptions(s, rawOptions);
  if (E.isLeft(options)) return { strategy: s.name, tasks: 0, evaluations: 0, searchMs: 0, result: options };
  const tasks = taskCount(s, options.right);
  if (E.isLeft(tasks)) return { strategy: s.name, tasks: 0, evaluations: 0, searchMs: 0, result: tasks };
  const count = tasks.right;
  const outcomes = Array.from({ length: count }, (_, i) => runTask(problem, s, options.right, seed, i, count, timeBudgetMs));
  return combineTasks(problem, s.name, outcomes);
}

/**
 * Every task of a plug-in in its own thread, one after another, waiting without the event loop
 * (commands that search synchronously: export, predict); `recipe` rebuilds the problem's cost model there.
 */
export function solveInPluginThread(problem: Problem, host: PluginHost, recipe: CostRecipe, seed: string | number, timeBudgetMs = 60_000, rawOptions: unknown = undefined): StrategyOutcome {
  const name = host.name;
  const none = (error: TpusegError): StrategyOutcome => ({ strategy: name, tasks: 0, evaluations: 0, searchMs: 0, result: E.left(error) });
  const decoded = host.decode(rawOptions, timeBudgetMs);
  if (E.isLeft(decoded)) return none('rejected' in decoded.left ? configInvalid(`options of strategy ${name}`, decoded.left.rejected) : workerFailed(name, 0, decoded.left.failed));
  const tasks = host.tasks(rawOptions, timeBudgetMs);
  if (E.isLeft(tasks)) return none(workerFailed(name, 0, tasks.left));
  const n = Math.min(Math.max(1, Math.floor(tasks.right) || 1), MAX_TASKS);
  const costKey = `solve-${++solves}`;
  const outcomes = Array.from({ length: n }, (_, index): TaskOutcome => {
    const out = host.searchSync({ costKey, recipe, tpus: problem.tpus, objective: problem.objective, constraints: problem.constraints, options: rawOptions, seed, index, count: n, budgetMs: timeBudgetMs }, 2 * timeBudgetMs + 1000);
    if (E.isRight(out)) return checkOutcome(problem, name, out.right);
    return { _tag: 'Left', index, error: workerFailed(name, index, out.left._tag === 'Failed' ? out.left.why : 'interrupted'), evaluations: 0, searchMs: 0 };
  });
  return combineTasks(problem, name, outcomes);
}

let solves = 0;
