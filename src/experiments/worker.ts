import { runGroupInProcess, type GroupRequest } from './execute';
import type { CellOutcome } from './runner';

/**
 * Pool worker: runs one group of cells (the pool executor sends one cell at a time), flagging
 * `started` when it picks the task up. Never throws across the thread boundary: a defect
 * becomes an error outcome for every cell of the group. Models and cost models stay cached in
 * the worker between groups.
 */
export default function runGroup(req: GroupRequest & { readonly started?: Int32Array }): CellOutcome[] {
  if (req.started) Atomics.store(req.started, 0, 1);
  try {
    return runGroupInProcess(req);
  } catch (e) {
    const message = `internal error in worker: ${(e as Error)?.message ?? String(e)}`;
    return req.cells.map(() => ({ error: message }));
  }
}
