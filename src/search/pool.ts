import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { TaskOutcome } from './task';
import type { WorkerTask } from './worker';

/** The TypeScript hook of the CLI (bin/register-ts.js): worker threads load it too. */
const REGISTER_TS = path.join(__dirname, '..', '..', 'bin', 'register-ts.js');

/**
 * Node options for a worker thread running `filename`. A .ts worker gets the CLI's TypeScript hook
 * (`--require bin/register-ts.js`, cached transforms, in the thread), whether this thread runs
 * under it, tsx or jest; a parent's tsx flags are not passed on (`--import tsx` would start its
 * ESM hooks on one more thread per worker), its other options are.
 */
export function workerExecArgv(filename: string): string[] {
  if (!filename.endsWith('.ts')) return [...process.execArgv];
  const own: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const takesValue = /^--(require|import|loader|experimental-loader)$/.test(a) || a === '-r';
    const value = takesValue ? args[i + 1] ?? '' : a.replace(/^[^=]*=?/, '');
    if (/[/\\]tsx[/\\]|^tsx(\/|$)/.test(value)) {
      if (takesValue) i++;
      continue;
    }
    own.push(a);
  }
  return [...own, '--require', REGISTER_TS];
}

/**
 * A piscina pool of search workers, reusable across many `segmentModel` calls (the experiments
 * runner keeps one for a whole run). When this module runs as TypeScript, the worker threads get
 * the TypeScript hook (workerExecArgv), since no require hook of this thread reaches them.
 */
export interface SearchPool {
  readonly workers: number;
  run(task: WorkerTask, signal?: AbortSignal): Promise<TaskOutcome & { readonly modelLoads: number }>;
  close(): Promise<void>;
}

export function createSearchPool(workers: number): SearchPool {
  const ts = __filename.endsWith('.ts');
  const filename = path.join(__dirname, ts ? 'worker.ts' : 'worker.js');
  const pool = new Piscina({ filename, minThreads: workers, maxThreads: workers, idleTimeout: 60_000, execArgv: workerExecArgv(filename) });
  return {
    workers,
    run: (task, signal) => pool.run(task, signal ? { signal } : {}),
    close: () => pool.destroy(),
  };
}
