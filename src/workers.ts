import { MAX_WORKERS } from './limits';

/**
 * The one default of `--workers`, for every command that takes it (segment, run, reproduce) and for
 * searches that name none: absent means chosen from the work (src/search/workers.ts: in this
 * thread for a single small search, the pool for many tasks), never more than MAX_WORKERS threads.
 */
export const DEFAULT_WORKERS_TEXT = `chosen from the work: this thread for one small search, one per CPU (at most ${MAX_WORKERS}) for many tasks`;
