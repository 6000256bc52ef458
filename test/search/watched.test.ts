import { getEventListeners } from 'node:events';
import { watched } from '../../src/search/pool';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// Tasks under one stop signal (annealing's restarts, --at-most over every strategy): one abort
// listener on it however many run, and all of them stopped when it aborts.
describe('search/pool watched', () => {
  it('should hold one abort listener on the stop signal for any number of tasks, and none after', async () => {
    const stop = new AbortController();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((ok) => (release = ok));
    const seen: number[] = [];
    const tasks = Array.from({ length: 40 }, (_, i) => watched(stop.signal, 60_000, async () => {
      seen.push(getEventListeners(stop.signal, 'abort').length);
      await gate;
      return i;
    }));
    await new Promise((ok) => setImmediate(ok));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    release();
    expect((await Promise.all(tasks)).map((r) => ('done' in r ? r.done : -1))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(Math.max(...seen)).toBe(1);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('should stop every running task when the stop signal aborts, and a task started after at once', async () => {
    const stop = new AbortController();
    const until = (signal: AbortSignal): Promise<never> => new Promise((_, fail) => signal.addEventListener('abort', () => fail(new Error('aborted'))));
    const tasks = Array.from({ length: 15 }, () => watched(stop.signal, 60_000, (_started, signal) => until(signal)));
    await new Promise((ok) => setImmediate(ok));
    stop.abort();
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 15 }, () => ({ failed: 'interrupted' })));
    const late = await watched(stop.signal, 60_000, (_started, signal) => (signal.aborted ? Promise.reject(new Error('aborted')) : until(signal)));
    expect(late).toEqual({ failed: 'interrupted' });
  });

  it('should run a search of more than ten pooled tasks without a MaxListenersExceededWarning', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, '../../bin/tpuseg.js'), 'segment', 'synth:conv?filters=8&layers=10&size=16', '--tpus', '3',
      '--strategy', 'annealing', '--option', 'annealing.restarts=12', '--workers', '2', '--time-budget', '5'], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^best: annealing/m);
  });
});
