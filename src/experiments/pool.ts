import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { Cell, CellParams } from './cell';
import { workerExecArgv } from '../search/pool';
import { DEFAULT_BUDGET_MS, runGroupInProcess } from './execute';
import type { CellOutcome, Executor } from './runner';

/**
 * Executors for the runner: one piscina pool reused for every group of a run (`workers` >= 1),
 * or this thread (`workers` = 0). Both run the same code, so they give the same results.
 */

const paramsOf = ({ id: _id, ...p }: Cell): CellParams => p;

export function inProcessExecutor(baseDir: string, cwd: string): Executor {
  return {
    runGroup: async (cells) => runGroupInProcess({ baseDir, cwd, cells: cells.map(paramsOf) }),
    close: async () => undefined,
  };
}

export function poolExecutor(workers: number, baseDir: string, cwd: string): Executor {
  const filename = path.join(__dirname, `worker${path.extname(__filename)}`);
  // A .ts worker (tsx, jest) needs the tsx loader in the thread; compiled .js does not.
  const execArgv = workerExecArgv(filename);
  // Started on the first group, so a run with nothing left to compute starts no threads.
  let pool: Piscina | undefined;
  return {
    runGroup: async (cells) => {
      pool ??= new Piscina({ filename, minThreads: workers, maxThreads: workers, execArgv, idleTimeout: 1000 });
      // Strategies poll their budget; one that ignores it must not hang the run: past twice the
      // group's allowance (+1 s per cell) its worker is stopped and the group's cells fail.
      const limitMs = cells.reduce((s, c) => s + 2 * (c.budget.timeMs ?? DEFAULT_BUDGET_MS) + 1000, 0);
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), limitMs);
      try {
        return (await pool.run({ baseDir, cwd, cells: cells.map(paramsOf) }, { signal: abort.signal })) as CellOutcome[];
      } catch (e) {
        const why = abort.signal.aborted ? `stopped after ${(limitMs / 1000).toFixed(0)} s (time budget exceeded)` : `worker crashed: ${(e as Error)?.message ?? String(e)}`;
        return cells.map(() => ({ error: why }));
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      await pool?.destroy();
    },
  };
}
