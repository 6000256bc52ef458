import * as os from 'node:os';
import { MAX_WORKERS } from './limits';

/**
 * The one default number of worker threads, for every command that takes `--workers` (segment,
 * run, reproduce) and for searches that name none.
 */
export const defaultWorkers = (): number => Math.min(os.availableParallelism(), MAX_WORKERS);

/** How `--help` describes the default. */
export const DEFAULT_WORKERS_TEXT = `the CPU count, at most ${MAX_WORKERS}`;
