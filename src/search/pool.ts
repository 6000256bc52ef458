import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { TaskOutcome } from './task';
import type { WorkerTask } from './worker';
import { workerExecArgv } from '../worker-flags';

export { workerExecArgv } from '../worker-flags';

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

/** How a watched task ended: its value, or why it has none. */
export type Watched<T> = { readonly done: T } | { readonly failed: 'interrupted' } | { readonly failed: 'overrun' } | { readonly failed: 'crashed'; readonly message: string };

interface Watch {
  readonly started: Int32Array;
  readonly limitMs: number;
  readonly abort: AbortController;
  since?: number;
}

// One timer for every task running on a pool, ticking while there is one.
const watching = new Set<Watch>();
let ticker: ReturnType<typeof setInterval> | undefined;

const tick = (): void => {
  const now = performance.now();
  for (const w of watching) {
    if (w.since === undefined && Atomics.load(w.started, 0) === 1) w.since = now;
    if (w.since !== undefined && now - w.since > w.limitMs) w.abort.abort();
  }
};

/**
 * Runs one pool task under a watchdog: `run` passes `started` to the worker, which sets it when it
 * picks the task up, so an overrun is timed from then (not from the queue); the task is aborted
 * once it has run longer than `limitMs`, or when `stop` aborts.
 */
export async function watched<T>(stop: AbortSignal, limitMs: number, run: (started: Int32Array, signal: AbortSignal) => Promise<T>): Promise<Watched<T>> {
  const w: Watch = { started: new Int32Array(new SharedArrayBuffer(4)), limitMs, abort: new AbortController() };
  const onStop = (): void => w.abort.abort();
  stop.addEventListener('abort', onStop);
  watching.add(w);
  ticker ??= setInterval(tick, 20);
  try {
    return { done: await run(w.started, w.abort.signal) };
  } catch (e) {
    return stop.aborted ? { failed: 'interrupted' } : w.abort.signal.aborted ? { failed: 'overrun' } : { failed: 'crashed', message: (e as Error)?.message ?? String(e) };
  } finally {
    watching.delete(w);
    if (watching.size === 0) {
      clearInterval(ticker);
      ticker = undefined;
    }
    stop.removeEventListener('abort', onStop);
  }
}
