import { runGroupInProcess, type GroupRequest } from './execute';
import type { CellOutcome } from './runner';

/**
 * Pool worker: runs one group of cells. Never throws across the thread boundary: a defect
 * becomes an error outcome for every cell of the group. Models and cost models stay cached in
 * the worker between groups.
 */
export default function runGroup(req: GroupRequest): CellOutcome[] {
  try {
    return runGroupInProcess(req);
  } catch (e) {
    const message = `internal error in worker: ${(e as Error)?.message ?? String(e)}`;
    return req.cells.map(() => ({ error: message }));
  }
}
