import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { TaskOutcome } from './task';
import type { WorkerTask } from './worker';

/**
 * A piscina pool of search workers, reusable across many `segmentModel` calls (the experiments
 * runner keeps one for a whole run). When this module runs as TypeScript (tsx, jest), the worker
 * threads get tsx's loader, since neither jest's transform nor tsx's require hook reach them.
 */
export interface SearchPool {
  readonly workers: number;
  run(task: WorkerTask, signal?: AbortSignal): Promise<TaskOutcome & { readonly modelLoads: number }>;
  close(): Promise<void>;
}

export function createSearchPool(workers: number): SearchPool {
  const ts = __filename.endsWith('.ts');
  const filename = path.join(__dirname, ts ? 'worker.ts' : 'worker.js');
  const execArgv = ts ? [...process.execArgv, '--import', pathToFileURL(require.resolve('tsx')).href] : [...process.execArgv];
  const pool = new Piscina({ filename, minThreads: workers, maxThreads: workers, idleTimeout: 60_000, execArgv });
  return {
    workers,
    run: (task, signal) => pool.run(task, signal ? { signal } : {}),
    close: () => pool.destroy(),
  };
}
