import * as E from 'fp-ts/Either';
import type { CostModel } from '../../cost-models/types';
import type { Problem, Strategy } from '../../strategies/types';
import { optionErrors } from '../../strategies/options';
import { configInvalid, isTpusegError, TpusegFailure, workerFailed, type TpusegError } from '../errors';
import { deriveSeed, rng } from '../rng';
import type { WithLowerBound } from './bound';
import { timeBudget } from './budget';
import { compareScores, scorePlan } from './objective';
import { checkPlan } from './problem';

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
      segment: (a, b) => (calls++, cost.segment(a, b)),
      segmentMs: (a, b) => (calls++, cost.segmentMs(a, b)),
      ...(cost.segmentMsRow ? { segmentMsRow: (b: number, lo: number, hi: number, out: Float64Array) => ((calls += hi - lo), cost.segmentMsRow!(b, lo, hi, out)) } : {}),
      ...(cost.offChipBytes ? { offChipBytes: (a: number, b: number) => (calls++, cost.offChipBytes!(a, b)) } : {}),
    },
    count: () => calls,
  };
}

export function decodeOptions<O>(s: Strategy<O>, raw: unknown): E.Either<TpusegError, O> {
  const r = s.options.decode(raw);
  return E.isLeft(r) ? E.left(configInvalid(`--options ${s.name}`, optionErrors(s.name, r.left))) : E.right(r.right);
}

export function taskCount<O>(s: Strategy<O>, options: O): number {
  const t = s.tasks ? s.tasks(options) : 1;
  return Number.isInteger(t) && t >= 1 ? t : 1;
}

export function runTask<O>(problem: Problem, s: Strategy<O>, options: O, seed: string | number, index: number, count: number, timeBudgetMs: number): TaskOutcome {
  const meter = counted(problem.cost);
  const p: Problem = { ...problem, cost: meter.cost };
  const generator = rng(deriveSeed(seed, s.name, index));
  const budget = timeBudget(timeBudgetMs);
  const t0 = performance.now();
  const done = (r: E.Either<TpusegError, { cuts: readonly number[]; stats?: Readonly<Record<string, number>> }>): TaskOutcome => {
    const searchMs = performance.now() - t0;
    const evaluations = meter.count();
    if (E.isLeft(r)) return { _tag: 'Left', index, error: r.left, evaluations, searchMs };
    const checked = checkPlan(problem, r.right.cuts);
    if (E.isLeft(checked)) return { _tag: 'Left', index, error: workerFailed(s.name, index, `returned an invalid plan: ${(checked.left as { message: string }).message}`), evaluations, searchMs };
    return { _tag: 'Right', index, cuts: [...r.right.cuts], evaluations, searchMs, stats: { ...(r.right.stats ?? {}) } };
  };
  try {
    return done(s.search(p, options, generator, budget, { index, count }));
  } catch (e) {
    if (e instanceof TpusegFailure) return done(E.left(e.error));
    if (isTpusegError(e)) return done(E.left(e));
    return done(E.left(workerFailed(s.name, index, `threw: ${(e as Error)?.message ?? String(e)}`)));
  }
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
  const count = taskCount(s, options.right);
  const outcomes = Array.from({ length: count }, (_, i) => runTask(problem, s, options.right, seed, i, count, timeBudgetMs));
  return combineTasks(problem, s.name, outcomes);
}
