import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { workerExecArgv } from '../search/pool';
import type { TaskOutcome } from '../search/task';
import type { PluginReply, PluginRequest } from './protocol';

/**
 * The host side of a plug-in strategy: its module is loaded and run only in a worker thread of its
 * own (src/plugins/worker.ts), never in a thread that runs the built-ins. Every call has a time
 * limit; on overrun, or when the plug-in calls process.exit or throws outside a call, the thread
 * is terminated and the call fails with one line saying why (the next call starts a fresh thread).
 * Calls wait without the event loop (Atomics.wait: loading, options, task counts) or with it
 * (searches, which Ctrl-C can stop). What the plug-in prints on stdout goes to stderr, each line
 * prefixed with its name, so `--json` output stays JSON.
 */

const REGISTER_TS = path.join(__dirname, '..', '..', 'bin', 'register-ts.js');
const WORKER = path.join(__dirname, `worker${path.extname(__filename)}`);
/** Time a plug-in thread gets to start and load tpuseg's own modules, before the plug-in's load is timed. */
const STARTUP_MS = 30_000;

/** Why a call has no answer: the plug-in misbehaved, or the caller stopped it. */
export type CallFailure = { readonly _tag: 'Failed'; readonly why: string } | { readonly _tag: 'Interrupted' };

const failed = (why: string): CallFailure => ({ _tag: 'Failed', why });

const fileTime = (file: string): number => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return NaN;
  }
};

type SearchRequest = Omit<Extract<PluginRequest, { _tag: 'Search' }>, 'id' | '_tag' | 'recipe'> & { readonly recipe: NonNullable<Extract<PluginRequest, { _tag: 'Search' }>['recipe']> };

interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
  readonly sent: Set<string>;
  ended: boolean;
}

const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;

export class PluginHost {
  private thread: Thread | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Replies read while waiting for another. */
  private readonly stash = new Map<number, PluginReply>();
  name = '';
  description = '';

  /** `file` is absolute; `ref` is the path as the user wrote it (for messages until the name is known). */
  constructor(readonly file: string, readonly ref: string) {}

  private get label(): string {
    return this.name !== '' ? this.name : this.ref;
  }

  /** A new thread loading the module (its replies: Ready when tpuseg's modules are in, then Loaded or Failed). */
  private spawn(): Thread {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const execArgv = workerExecArgv(WORKER);
    const worker = new Worker(WORKER, {
      workerData: { file: this.file, ref: this.ref, port: port2, flag }, transferList: [port2],
      execArgv: execArgv.includes(REGISTER_TS) ? execArgv : [...execArgv, '--require', REGISTER_TS],
    });
    const thread: Thread = { worker, port: port1, flag, sent: new Set(), ended: false };
    worker.on('error', () => undefined);
    worker.on('exit', () => (thread.ended = true));
    worker.unref();
    port1.unref();
    this.thread = thread;
    return thread;
  }

  /** The thread, once its load reply says the module exports a strategy (under the name it had, if it loaded before). */
  private accept(thread: Thread, loaded: PluginReply): E.Either<string, Thread> {
    if (loaded._tag === 'Failed') return this.stop(loaded.why);
    if (loaded._tag !== 'Loaded') return this.stop(`answered ${loaded._tag} to loading`);
    if (this.name !== '' && loaded.name !== this.name) return this.stop(`changed its name from "${this.name}" to "${loaded.name}" between loads`);
    this.name = loaded.name;
    this.description = loaded.description;
    return E.right(thread);
  }

  /** Starts the thread and loads the module, waiting at most `limitMs` (after the thread is up) without the event loop. */
  private start(limitMs: number): E.Either<string, Thread> {
    const thread = this.spawn();
    const up = this.waitSync(thread, -1, STARTUP_MS, 'starting its thread');
    if (E.isLeft(up)) return up;
    const r = this.waitSync(thread, 0, limitMs, 'loading');
    return E.isLeft(r) ? r : this.accept(thread, r.right);
  }

  /** `start` waiting with the event loop, so `signal` (Ctrl-C) stops it. */
  private async startEvented(limitMs: number, signal?: AbortSignal): Promise<E.Either<CallFailure, Thread>> {
    const thread = this.spawn();
    thread.worker.ref();
    try {
      const up = await this.waitEvented(thread, -1, STARTUP_MS, 'starting its thread', signal);
      if (E.isLeft(up)) return up;
      const r = await this.waitEvented(thread, 0, limitMs, 'loading', signal);
      return E.isLeft(r) ? r : E.mapLeft(failed)(this.accept(thread, r.right));
    } finally {
      thread.worker.unref();
    }
  }

  /** Terminates the thread (the next call starts another) and gives `why` as the failure. */
  private stop<A>(why: string): E.Either<string, A> {
    const t = this.thread;
    this.thread = undefined;
    this.stash.clear();
    if (t) {
      t.ended = true;
      void t.worker.terminate();
      t.port.close();
    }
    return E.left(why);
  }

  /** Why the module failed to load, and the file's modification time then: it is not loaded again until the file changes. */
  private broken: { readonly why: string; readonly mtimeMs: number; readonly limitMs: number } | undefined;

  /** A load that failed before is not tried again, unless the file changed, or it ran out of time and now has more. */
  private stillBroken(mtimeMs: number, limitMs: number): string | undefined {
    const b = this.broken;
    if (!b || b.mtimeMs !== mtimeMs) return undefined;
    return /took longer than/.test(b.why) && limitMs > b.limitMs ? undefined : b.why;
  }

  private async ensureEvented(limitMs: number, signal?: AbortSignal): Promise<E.Either<CallFailure, Thread>> {
    if (this.thread && !this.thread.ended) return E.right(this.thread);
    const mtimeMs = fileTime(this.file);
    const why = this.stillBroken(mtimeMs, limitMs);
    if (why !== undefined) return E.left(failed(why));
    const t = await this.startEvented(limitMs, signal);
    this.broken = E.isLeft(t) && t.left._tag === 'Failed' && this.name === '' ? { why: t.left.why, mtimeMs, limitMs } : undefined;
    return t;
  }

  /** `load`, `decode` and `tasks` waiting with the event loop, so `signal` (Ctrl-C) stops them. */
  async loadEvented(limitMs: number, signal?: AbortSignal): Promise<E.Either<CallFailure, { name: string; description: string }>> {
    return E.map(() => ({ name: this.name, description: this.description }))(await this.ensureEvented(limitMs, signal));
  }

  private async callEvented(body: Omit<Extract<PluginRequest, { _tag: 'Decode' }>, 'id'> | Omit<Extract<PluginRequest, { _tag: 'Tasks' }>, 'id'>, limitMs: number, what: string, signal?: AbortSignal): Promise<E.Either<CallFailure, PluginReply>> {
    const t = await this.ensureEvented(limitMs, signal);
    if (E.isLeft(t)) return t;
    const id = this.nextId++;
    this.request(t.right, { ...body, id } as PluginRequest);
    t.right.worker.ref();
    try {
      return await this.waitEvented(t.right, id, limitMs, what, signal);
    } finally {
      t.right.worker.unref();
    }
  }

  async decodeEvented(options: unknown, limitMs: number, signal?: AbortSignal): Promise<E.Either<{ readonly rejected: readonly string[] } | { readonly failed: string } | { readonly interrupted: true }, void>> {
    const r = await this.callEvented({ _tag: 'Decode', options }, limitMs, 'options.decode', signal);
    if (E.isLeft(r)) return E.left(r.left._tag === 'Interrupted' ? { interrupted: true } : { failed: r.left.why });
    if (r.right._tag === 'Ok') return E.right(undefined);
    if (r.right._tag === 'Rejected') return E.left({ rejected: r.right.problems });
    return E.left({ failed: r.right._tag === 'Failed' ? r.right.why : `answered ${r.right._tag} to options.decode` });
  }

  async tasksEvented(options: unknown, limitMs: number, signal?: AbortSignal): Promise<E.Either<CallFailure, number>> {
    const r = await this.callEvented({ _tag: 'Tasks', options }, limitMs, 'tasks()', signal);
    if (E.isLeft(r)) return r;
    if (r.right._tag === 'Count') return E.right(r.right.count);
    return E.left(failed(r.right._tag === 'Failed' ? r.right.why : r.right._tag === 'Rejected' ? r.right.problems.join('; ') : `answered ${r.right._tag} to tasks()`));
  }

  private ensure(limitMs: number): E.Either<string, Thread> {
    if (this.thread && !this.thread.ended) return E.right(this.thread);
    const mtimeMs = fileTime(this.file);
    const why = this.stillBroken(mtimeMs, limitMs);
    if (why !== undefined) return E.left(why);
    const t = this.start(limitMs);
    this.broken = E.isLeft(t) && this.name === '' ? { why: t.left, mtimeMs, limitMs } : undefined;
    return t;
  }

  /** The reply to request `id`, read without the event loop (and so without Ctrl-C). */
  private waitSync(t: Thread, id: number, limitMs: number, what: string): E.Either<string, PluginReply> {
    const deadline = performance.now() + limitMs;
    for (;;) {
      const seen = Atomics.load(t.flag, 0);
      const got = this.take(t, id);
      if (got) return got;
      const left = deadline - performance.now();
      if (left <= 0) return this.stop(`${what} took longer than ${limitMs} ms; stopped`);
      Atomics.wait(t.flag, 0, seen, Math.min(left, 100));
    }
  }

  /** The reply to request `id`, waiting with the event loop, so `signal` (Ctrl-C) and the thread's exit are heard. */
  private async waitEvented(t: Thread, id: number, limitMs: number, what: string, signal?: AbortSignal): Promise<E.Either<CallFailure, PluginReply>> {
    const deadline = performance.now() + limitMs;
    for (;;) {
      const seen = Atomics.load(t.flag, 0);
      const got = this.take(t, id);
      if (got) return E.mapLeft(failed)(got);
      if (signal?.aborted) {
        this.stop('interrupted');
        return E.left({ _tag: 'Interrupted' });
      }
      if (t.ended) return E.left(failed(`${what}: its thread ended`));
      const left = deadline - performance.now();
      if (left <= 0) return E.mapLeft(failed)(this.stop(`${what} took longer than ${limitMs} ms; stopped`));
      const slice = Math.min(left, 50);
      const w = waitAsync?.(t.flag, 0, seen, slice);
      if (w && w.async) await w.value;
      else await new Promise((ok) => setTimeout(ok, w ? 0 : Math.min(slice, 10)));
    }
  }

  /** The next reply for `id` if one is queued; a Dead reply (for any request) stops the thread. */
  private take(t: Thread, id: number): E.Either<string, PluginReply> | undefined {
    const kept = this.stash.get(id);
    if (kept) {
      this.stash.delete(id);
      return E.right(kept);
    }
    for (;;) {
      const m = receiveMessageOnPort(t.port)?.message as PluginReply | undefined;
      if (m === undefined) return undefined;
      if (m._tag === 'Dead') return this.stop(m.why);
      if (m.id === id) return E.right(m);
      this.stash.set(m.id, m);
    }
  }

  private request(t: Thread, req: PluginRequest): void {
    t.port.postMessage(req);
  }

  /** Loads the module (or checks that its thread still runs); the plug-in's name and description are then known. */
  load(limitMs: number): E.Either<string, { name: string; description: string }> {
    return E.map(() => ({ name: this.name, description: this.description }))(this.ensure(limitMs));
  }

  /** Checks options with the plug-in's own codec: Left problems (the user's options are wrong) or a failure (the plug-in's fault). */
  decode(options: unknown, limitMs: number): E.Either<{ readonly rejected: readonly string[] } | { readonly failed: string }, void> {
    const r = this.call({ _tag: 'Decode', options }, limitMs, 'options.decode');
    if (E.isLeft(r)) return E.left({ failed: r.left });
    if (r.right._tag === 'Ok') return E.right(undefined);
    if (r.right._tag === 'Rejected') return E.left({ rejected: r.right.problems });
    return E.left({ failed: r.right._tag === 'Failed' ? r.right.why : `answered ${r.right._tag} to options.decode` });
  }

  tasks(options: unknown, limitMs: number): E.Either<string, number> {
    const r = this.call({ _tag: 'Tasks', options }, limitMs, 'tasks()');
    if (E.isLeft(r)) return r;
    if (r.right._tag === 'Count') return E.right(r.right.count);
    return E.left(r.right._tag === 'Failed' ? r.right.why : r.right._tag === 'Rejected' ? r.right.problems.join('; ') : `answered ${r.right._tag} to tasks()`);
  }

  private call(body: Extract<PluginRequest, { _tag: 'Decode' | 'Tasks' }> extends infer R ? (R extends PluginRequest ? Omit<R, 'id'> : never) : never, limitMs: number, what: string): E.Either<string, PluginReply> {
    const t = this.ensure(limitMs);
    if (E.isLeft(t)) return t;
    const id = this.nextId++;
    this.request(t.right, { ...body, id } as PluginRequest);
    return this.waitSync(t.right, id, limitMs, what);
  }

  private searchRequest(t: Thread, r: SearchRequest): { id: number; req: PluginRequest } {
    const id = this.nextId++;
    const first = !t.sent.has(r.costKey);
    t.sent.add(r.costKey);
    const { recipe, ...rest } = r;
    return { id, req: { ...rest, id, _tag: 'Search', ...(first ? { recipe } : {}) } };
  }

  private static outcome(reply: PluginReply): E.Either<CallFailure, TaskOutcome> {
    if (reply._tag === 'Outcome') return E.right(reply.outcome);
    if (reply._tag === 'Failed') return E.left(failed(reply.why));
    if (reply._tag === 'Rejected') return E.left(failed(reply.problems.join('; ')));
    return E.left(failed(`answered ${reply._tag} to search`));
  }

  /**
   * One search task in the plug-in's thread, given up after `limitMs` from when it is sent (one
   * task at a time per plug-in: later calls wait their turn, untimed) or when `signal` aborts.
   */
  search(r: SearchRequest, limitMs: number, signal?: AbortSignal): Promise<E.Either<CallFailure, TaskOutcome>> {
    return this.session(() => this.searchNow(r, limitMs, signal));
  }

  /** Runs `f` when the plug-in's earlier calls are done (use `searchNow` inside it), so its calls never interleave. */
  session<A>(f: () => Promise<A>): Promise<A> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** `search` without waiting its turn: only inside `session`. */
  async searchNow(r: SearchRequest, limitMs: number, signal?: AbortSignal): Promise<E.Either<CallFailure, TaskOutcome>> {
    if (signal?.aborted) return E.left({ _tag: 'Interrupted' });
    const t = this.ensure(limitMs);
    if (E.isLeft(t)) return E.left(failed(t.left));
    const { id, req } = this.searchRequest(t.right, r);
    this.request(t.right, req);
    // The thread keeps the process alive only while a search waits on it.
    t.right.worker.ref();
    try {
      const reply = await this.waitEvented(t.right, id, limitMs, 'search', signal);
      return E.isLeft(reply) ? reply : PluginHost.outcome(reply.right);
    } finally {
      t.right.worker.unref();
    }
  }

  /** `search` waiting without the event loop (for commands that search synchronously: export, predict). */
  searchSync(r: SearchRequest, limitMs: number): E.Either<CallFailure, TaskOutcome> {
    const t = this.ensure(limitMs);
    if (E.isLeft(t)) return E.left(failed(t.left));
    const { id, req } = this.searchRequest(t.right, r);
    this.request(t.right, req);
    const reply = this.waitSync(t.right, id, limitMs, 'search');
    return E.isLeft(reply) ? E.left(failed(reply.left)) : PluginHost.outcome(reply.right);
  }

  close(): void {
    this.stop('closed');
  }
}

const hosts = new Map<string, PluginHost>();

/** The host of the plug-in in `file` (absolute), one per file in this thread. */
export function pluginHost(file: string, ref: string): PluginHost {
  let h = hosts.get(file);
  if (!h) {
    h = new PluginHost(file, ref);
    hosts.set(file, h);
  }
  return h;
}

/** Ends every plug-in thread (they never keep the process alive; tests call this between runs). */
export function closePlugins(): void {
  for (const h of hosts.values()) h.close();
  hosts.clear();
}
