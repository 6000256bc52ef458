import * as path from 'node:path';
import { Piscina } from 'piscina';
import { isBuiltinStrategy } from '../../strategies';
import { FIXED_SPLITS } from './catalog-live';
import type { Cell, CellParams } from './cell';
import { watched, workerExecArgv } from '../search/pool';
import * as E from 'fp-ts/Either';
import { readModelFile } from '../model/load';
import { DEFAULT_BUDGET_MS, resolveSpec, runGroupInProcess, runPluginCell } from './execute';
import type { CellOutcome, Executor } from './runner';

/**
 * Executors for the runner: one piscina pool reused for every cell of a run (`workers` >= 1),
 * or this thread (`workers` = 0). Both run the same code, so they give the same results.
 *
 * On the pool the built-in strategies' cells of one group (one model and N) are one task, so the
 * model and its cost model are built once per group. A plug-in's cells (a module path, or one
 * dropped into strategies/) never run there nor in this thread: each plug-in searches in a thread
 * of its own (src/plugins), stopped after twice its budget (+1 s) or on Ctrl-C, and a plug-in that
 * hangs, throws, exits or tampers with its globals fails its own cells only.
 */

const paramsOf = ({ id: _id, ...p }: Cell): CellParams => p;

/** Strategies that run with the built-ins (on the pool, or in this thread with `--workers 0`): the built-ins and the fixed splits. */
export const runsInProcess = (strategy: string): boolean => FIXED_SPLITS.includes(strategy) || isBuiltinStrategy(strategy);

/**
 * Runs a group's cells that run in this thread with `--workers 0` with `own` and the others with
 * `other` (each side only when it has cells, `own` first), and gives the outcomes in the cells' order.
 */
async function bySide(cells: readonly Cell[], own: (cells: Cell[]) => readonly CellOutcome[] | Promise<readonly CellOutcome[]>, other: (cells: Cell[]) => Promise<readonly CellOutcome[]>): Promise<CellOutcome[]> {
  const inProcess = cells.map((c) => runsInProcess(c.strategy));
  const mine = cells.filter((_, i) => inProcess[i]);
  const theirs = cells.filter((_, i) => !inProcess[i]);
  const [a, b] = await Promise.all([mine.length > 0 ? own(mine) : [], theirs.length > 0 ? other(theirs) : []]);
  let i = 0;
  let j = 0;
  return cells.map((_, k) => (inProcess[k] ? a[i++] : b[j++]) ?? { error: 'no outcome' });
}

/** The plug-in cells of a group, each plug-in in its own thread (cells of one plug-in one after another). */
const pluginCells = (cells: readonly Cell[], baseDir: string, stop: AbortSignal): Promise<CellOutcome[]> =>
  Promise.all(cells.map((c) => runPluginCell(paramsOf(c), baseDir, stop)));

const stopOn = (interrupted?: Promise<void>): AbortSignal => {
  const stop = new AbortController();
  void interrupted?.then(() => stop.abort());
  return stop.signal;
};

export function inProcessExecutor(baseDir: string, cwd: string, interrupted?: Promise<void>): Executor {
  const stop = stopOn(interrupted);
  return {
    runGroup: (cells) => bySide(cells, (own) => runGroupInProcess({ baseDir, cwd, cells: own.map(paramsOf) }), (other) => pluginCells(other, baseDir, stop)),
    close: async () => undefined,
  };
}

export function poolExecutor(workers: number, baseDir: string, cwd: string, interrupted?: Promise<void>): Executor {
  const filename = path.join(__dirname, `worker${path.extname(__filename)}`);
  // A .ts worker (tsx, jest) needs the tsx loader in the thread; compiled .js does not.
  const execArgv = workerExecArgv(filename);
  // Started on the first group, so a run with nothing left to compute starts no threads.
  let pool: Piscina | undefined;
  const stop = new AbortController();
  void interrupted?.then(() => stop.abort());
  // A model file is read here once, into shared memory, and its bytes go with every task, so the
  // threads parse them instead of each reading (and holding) the file.
  const files = new Map<string, Uint8Array | undefined>();
  const bytesOf = (model: string): Uint8Array | undefined => {
    const spec = resolveSpec(model, baseDir);
    if (/^(zoo|synth|calib):/.test(spec)) return undefined;
    if (!files.has(spec)) {
      const read = readModelFile(spec);
      files.set(spec, E.isRight(read) ? read.right : undefined);
    }
    return files.get(spec);
  };
  // One task: the cells of one group (built-in strategies, which keep their budgets) run together on one
  // thread, so the model and its cost model are built once per group, not once per thread it lands on.
  const runTask = async (cells: readonly Cell[]): Promise<CellOutcome[]> => {
    const threads = (pool ??= new Piscina({ filename, minThreads: workers, maxThreads: workers, execArgv, idleTimeout: 1000 }));
    const limitMs = cells.reduce((s, cell) => s + 2 * (cell.budget.timeMs ?? DEFAULT_BUDGET_MS), 0) + 1000;
    const modelBytes = cells[0] !== undefined ? bytesOf(cells[0].model) : undefined;
    const out = await watched(stop.signal, limitMs, (started, signal) =>
      threads.run({ baseDir, cwd, cells: cells.map(paramsOf), started, ...(modelBytes ? { modelBytes } : {}) }, { signal }) as Promise<CellOutcome[]>);
    if ('done' in out) return cells.map((_, i) => out.done[i] ?? { error: 'the worker returned no outcome' });
    const failed: CellOutcome = out.failed === 'interrupted' ? { error: 'interrupted before it finished', interrupted: true }
      : { error: out.failed === 'overrun' ? `stopped after ${(limitMs / 1000).toFixed(0)} s (time budget exceeded)` : `worker crashed: ${out.message}` };
    return cells.map(() => failed);
  };
  return {
    runGroup: (cells) => bySide(cells, runTask, (other) => pluginCells(other, baseDir, stop.signal)),
    close: async () => {
      await pool?.destroy();
    },
  };
}
