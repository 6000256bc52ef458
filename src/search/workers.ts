import * as os from 'node:os';
import { MAX_WORKERS } from '../limits';

/**
 * What `--workers` means when it is not given: worker threads only where they pay for themselves.
 * A worker thread loads the searchers, the cost model and the model itself, and the JIT compiles
 * their code anew in every thread (0.5-1 s of CPU per thread before it runs at full speed; more on
 * a loaded machine), so a search whose whole work is a second or two runs faster in this thread,
 * while many independent tasks (an experiment's cells, many restarts of a large model) spread over
 * the pool. Plans never depend on the choice.
 */

/**
 * The one default of `--workers`, for every command that takes it (segment, run, reproduce) and for
 * searches that name none: absent means chosen from the work (searchWorkers, experimentWorkers).
 */
export const DEFAULT_WORKERS_TEXT = `chosen from the work: this thread for one small search, one per CPU (at most ${MAX_WORKERS}) for many tasks`;

/**
 * Rough in-thread cost of one search task on a model of `ops` ops, ms (measured: `--strategy all`
 * at N = 8, 9 tasks: ResNet-152, 213 ops, ~0.3 s; the 5,000-op bench chain, 0.85 s).
 */
export const taskMs = (ops: number): number => 20 + 0.02 * ops;

/** Below this much estimated work, threads cost more than they save. */
export const POOL_MIN_MS = 3000;

/** What a process running one search holds besides the model's own bytes (code, heap, tables), bytes. */
export const PROCESS_BYTES = 150e6;

/**
 * Threads for one segmentation request of `tasks` tasks on a model of `ops` ops holding
 * `modelBytes` bytes (a model file's weights): 0 (this thread) unless the work is large; at most
 * MAX_WORKERS. Every worker loads its own copy of the model, so no more workers than keep the
 * process within 1.5 times the memory of a search in this thread; 0 when that is fewer than two.
 */
export function searchWorkers(tasks: number, ops: number, cpus = os.availableParallelism(), modelBytes = 0): number {
  if (cpus < 2 || tasks < 2 || tasks * taskMs(ops) < POOL_MIN_MS) return 0;
  const byMemory = modelBytes > 0 ? Math.floor((0.5 * (PROCESS_BYTES + modelBytes)) / modelBytes) : Infinity;
  const w = Math.min(cpus, tasks, MAX_WORKERS, byMemory);
  return w < 2 ? 0 : w;
}

/** Threads for an experiment of `groups` groups of cells (each group one model and N): the pool as soon as there are two; at most MAX_WORKERS. */
export function experimentWorkers(groups: number, cpus = os.availableParallelism()): number {
  return cpus < 2 || groups < 2 ? 0 : Math.min(cpus, groups, MAX_WORKERS);
}
