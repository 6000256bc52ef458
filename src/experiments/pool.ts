import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { Cell, CellParams } from './cell';
import { runGroupInProcess } from './execute';
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
  const execArgv = filename.endsWith('.ts') ? [...process.execArgv, '--import', require.resolve('tsx')] : [...process.execArgv];
  // Started on the first group, so a run with nothing left to compute starts no threads.
  let pool: Piscina | undefined;
  return {
    runGroup: async (cells) => {
      pool ??= new Piscina({ filename, minThreads: workers, maxThreads: workers, execArgv, idleTimeout: 1000 });
      return (await pool.run({ baseDir, cwd, cells: cells.map(paramsOf) })) as CellOutcome[];
    },
    close: async () => {
      await pool?.destroy();
    },
  };
}
