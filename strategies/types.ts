import type * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { CostModel } from '../cost-models/types';
import type { TpusegError } from '../src/errors';
import type { LayerGraph } from '../src/graph/types';
import type { Rng } from '../src/rng';

/**
 * The strategy interface: one required method, `search`, plus an optional `tasks` hook for
 * strategies whose independent runs (restarts) the orchestrator spreads over the worker pool.
 *
 * Call order for one strategy in one `segmentModel` request:
 *   1. `options.decode(userOptions)` once (defaults filled in; a Left is a ConfigInvalid);
 *   2. `tasks(options)` once (default 1);
 *   3. `search(problem, options, rng, budget, task)` once per task index, each with its own
 *      generator seeded from (run seed, strategy name, task index), possibly in different workers;
 *   4. the orchestrator keeps the best task result (ties to the lower task index).
 * A strategy gets no clock, pool or files: only the problem, its options, the generator and the budget.
 */

export type ObjectiveKind = 'throughput' | 'batch' | 'latency';

export interface Objective {
  /** throughput: min slowest stage; batch: min sum + (B-1) * max; latency: min sum of stage times. */
  readonly kind: ObjectiveKind;
  /** B of the batch objective (also reported for the others). */
  readonly batch: number;
}

/** An op that must run in a given segment (both 0-based). */
export interface Pin {
  readonly op: number;
  readonly segment: number;
}

export interface Constraints {
  /** Largest total bytes of activations allowed to cross any one cut. */
  readonly maxCrossingBytes?: number;
  readonly pins: readonly Pin[];
}

/**
 * One segmentation request. A plan is `cuts`: N-1 strictly increasing op positions in 1..n-1;
 * segment i covers ops [cuts[i-1], cuts[i]) with cuts[-1] = 0 and cuts[N-1] = n.
 * The constraints are pre-digested: cut j may sit at position c only when
 * `cutLo[j] <= c <= cutHi[j]` (pins) and `canCut[c] === 1` (crossing bytes).
 */
export interface Problem {
  readonly graph: LayerGraph;
  /** Number of ops. */
  readonly n: number;
  /** Number of segments (N). */
  readonly tpus: number;
  readonly cost: CostModel;
  readonly objective: Objective;
  readonly constraints: Constraints;
  readonly cutLo: readonly number[];
  readonly cutHi: readonly number[];
  readonly canCut: Uint8Array;
}

export interface Budget {
  /** Wall-clock allowance of the task in ms (reported in messages; strategies poll `expired`). */
  readonly timeMs: number;
  /** True once the allowance is spent. Anytime strategies return their best plan so far; exact ones give up with an error. */
  expired(): boolean;
}

export interface TaskInfo {
  readonly index: number;
  readonly count: number;
}

export interface SearchOutcome {
  readonly cuts: readonly number[];
  /** Strategy-specific counters (e.g. `probes`, `sweeps`), merged into the report. */
  readonly stats?: Readonly<Record<string, number>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Strategy<O = any> {
  readonly name: string;
  /** One line for `tpuseg segment --help` and the report. */
  readonly description: string;
  /** Decodes the user's (partial) options and fills the defaults. */
  readonly options: t.Type<O, O, unknown>;
  /** Number of independent tasks (restarts) to run; default 1. */
  tasks?(options: O): number;
  search(problem: Problem, options: O, rng: Rng, budget: Budget, task: TaskInfo): E.Either<TpusegError, SearchOutcome>;
}
