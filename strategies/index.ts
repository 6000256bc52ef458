import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as t from 'io-ts';
import { usage, type TpusegError } from '../src/errors';
import { pluginHost, type PluginHost } from '../src/plugins/host';
import { strategy as annealing } from './annealing';
import { strategy as balanced } from './balanced';
import { strategy as compiler } from './compiler';
import { strategy as dp } from './dp';
import { strategy as greedy } from './greedy';
import { strategy as profiling } from './profiling';
import type { Strategy } from './types';

/**
 * The strategy registry: the built-ins, in this order. Any other strategy is a plug-in: a module
 * given by path, or dropped into this folder (then also known by its file name, and run by
 * `--strategy all`). A plug-in is loaded and run only in a worker thread of its own
 * (src/plugins/host.ts); here it is a stand-in whose name, description, options and task count
 * come from that thread, and whose searches go through `pluginOf(s)`.
 */
export type { Strategy } from './types';

const BUILTIN: readonly Strategy[] = [compiler, profiling, balanced, dp, greedy, annealing];
const NOT_STRATEGIES = new Set(['index', 'types', 'options', 'dp-pareto', 'dp-cap']);
/** Names a plug-in cannot take: the built-ins', the fixed split's, and `all`. */
const RESERVED = new Set([...BUILTIN.map((s) => s.name), 'layers', 'all']);

/** Time a plug-in gets to load, and to answer for its options or task count, unless the caller gives its budget. */
export const PLUGIN_LOAD_MS = 60_000;

export function strategies(): readonly Strategy[] {
  return BUILTIN;
}

/** Plug-in modules dropped into this folder, by file name without extension (sorted). */
export function droppedPlugins(): readonly { name: string; file: string }[] {
  const known = new Set(BUILTIN.map((s) => s.name));
  return fs.readdirSync(__dirname)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.d\.ts$|\.example\.(ts|js)$/.test(f))
    .map((f) => ({ name: f.replace(/\.(ts|js)$/, ''), file: path.join(__dirname, f) }))
    .filter((d) => !NOT_STRATEGIES.has(d.name) && !known.has(d.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The built-ins' names, then the dropped-in plug-ins' file names (what `all` runs). */
export const strategyNames = (): string[] => [...BUILTIN.map((s) => s.name), ...droppedPlugins().map((d) => d.name)];

/** A strategy shipped with tpuseg (not a plug-in: a module path, or a module dropped into this folder). */
export const isBuiltinStrategy = (nameOrPath: string): boolean => BUILTIN.some((s) => s.name === nameOrPath);

/** Whether this loaded strategy object is one of the built-ins. */
export const isBuiltin = (s: Strategy): boolean => BUILTIN.includes(s);

const looksLikePath = (s: string): boolean => s.includes('/') || s.includes(path.sep) || /\.(ts|js|cjs|mjs)$/.test(s);

const HOSTS = new WeakMap<Strategy, PluginHost>();

/** The thread host of a plug-in stand-in; undefined for a built-in. */
export const pluginOf = (s: Strategy): PluginHost | undefined => HOSTS.get(s);

/** The absolute file of a strategy reference that is a plug-in (a path, or a dropped-in file name); undefined for a built-in or an unknown name. */
export function pluginFile(nameOrPath: string, cwd: string = process.cwd()): string | undefined {
  if (looksLikePath(nameOrPath)) return path.resolve(cwd, nameOrPath);
  return droppedPlugins().find((d) => d.name === nameOrPath)?.file;
}

/** A plug-in failed in a way that is its own fault (it spun, exited, threw, took a built-in's name): it fails alone. */
export interface PluginFault {
  readonly _tag: 'PluginFault';
  /** The reference as given (path or file name). */
  readonly ref: string;
  readonly message: string;
}

export const isPluginFault = (e: TpusegError | PluginFault): e is PluginFault => e._tag === 'PluginFault';

/** A stand-in for a plug-in: options decode and task counts are answered by the plug-in's thread. */
const STAND_INS = new WeakMap<PluginHost, Strategy>();

function standIn(host: PluginHost, limitMs: number): Strategy {
  const known = STAND_INS.get(host);
  if (known && known.name === host.name && known.description === host.description) return known;
  const name = host.name;
  const options = new t.Type<unknown, unknown, unknown>(
    `${name}Options`,
    (_u): _u is unknown => true,
    (u, c) => {
      const r = host.decode(u, limitMs);
      if (E.isRight(r)) return t.success(u);
      const lines = 'rejected' in r.left ? r.left.rejected : [`plug-in ${name} (${host.ref}): ${r.left.failed}`];
      return t.failures(lines.map((message) => ({ value: u, context: c, message })));
    },
    t.identity,
  );
  const s: Strategy = {
    name,
    description: host.description,
    options,
    tasks(o: unknown) {
      const n = host.tasks(o, limitMs);
      if (E.isLeft(n)) throw new Error(n.left);
      return n.right;
    },
    search: () => E.left(usage(`plug-in ${name} searches in its own thread (pluginOf)`)),
  };
  HOSTS.set(s, host);
  STAND_INS.set(host, s);
  return s;
}

/**
 * A registered strategy by name, or a plug-in by path (relative to `cwd`) or dropped-in file name,
 * loaded in its own thread within `limitMs`. A missing file or unknown name is the caller's
 * usage error; a plug-in that fails to load, or takes a reserved name, is a PluginFault.
 */
export function loadStrategy(nameOrPath: string, cwd: string = process.cwd(), limitMs: number = PLUGIN_LOAD_MS): E.Either<TpusegError | PluginFault, Strategy> {
  const found = locate(nameOrPath, cwd);
  if (found._tag !== 'Plugin') return found._tag === 'Builtin' ? E.right(found.strategy) : E.left(found.error);
  const limit = Math.min(limitMs, PLUGIN_LOAD_MS);
  return admit(found.host, nameOrPath, found.host.load(limit), limit);
}

/**
 * `loadStrategy` waiting for a plug-in's thread with the event loop, so `signal` (Ctrl-C) stops a
 * plug-in that spins while it loads; Left undefined when it was stopped so.
 */
export async function loadStrategyEvented(nameOrPath: string, cwd: string, limitMs: number, signal?: AbortSignal): Promise<E.Either<TpusegError | PluginFault | undefined, Strategy>> {
  const found = locate(nameOrPath, cwd);
  if (found._tag !== 'Plugin') return found._tag === 'Builtin' ? E.right(found.strategy) : E.left(found.error);
  const limit = Math.min(limitMs, PLUGIN_LOAD_MS);
  const loaded = await found.host.loadEvented(limit, signal);
  if (E.isLeft(loaded) && loaded.left._tag === 'Interrupted') return E.left(undefined);
  return admit(found.host, nameOrPath, E.mapLeft((f: { _tag: 'Failed'; why: string } | { _tag: 'Interrupted' }) => (f._tag === 'Failed' ? f.why : 'interrupted'))(loaded), limit);
}

type Located = { _tag: 'Builtin'; strategy: Strategy } | { _tag: 'Plugin'; host: PluginHost } | { _tag: 'Error'; error: TpusegError };

function locate(nameOrPath: string, cwd: string): Located {
  const builtin = BUILTIN.find((x) => x.name === nameOrPath);
  if (builtin) return { _tag: 'Builtin', strategy: builtin };
  const file = pluginFile(nameOrPath, cwd);
  if (file === undefined) return { _tag: 'Error', error: usage(`unknown strategy "${nameOrPath}" (known: ${strategyNames().join(', ')}; or a path to a module)`) };
  if (!fs.existsSync(file)) return { _tag: 'Error', error: usage(`strategy module ${nameOrPath}: no such file (${file})`) };
  return { _tag: 'Plugin', host: pluginHost(file, nameOrPath) };
}

/** A loaded plug-in's stand-in, unless it failed to load or takes a reserved name. */
function admit(host: PluginHost, ref: string, loaded: E.Either<string, { name: string }>, limitMs: number): E.Either<PluginFault, Strategy> {
  const fault = (message: string): E.Either<PluginFault, never> => E.left({ _tag: 'PluginFault', ref, message });
  if (E.isLeft(loaded)) return fault(`plug-in ${ref}: ${loaded.left}`);
  if (RESERVED.has(loaded.right.name)) {
    host.close();
    return fault(`plug-in ${ref}: its name "${loaded.right.name}" is taken by tpuseg's own ${loaded.right.name === 'all' ? 'keyword' : 'strategy'}; give it another name`);
  }
  if (loaded.right.name.trim() === '') {
    host.close();
    return fault(`plug-in ${ref}: its name is empty`);
  }
  return E.right(standIn(host, limitMs));
}

/** `loadStrategy` for callers with no use for a PluginFault of their own: it becomes a usage error (one line naming the plug-in). */
export function loadStrategyOrFail(nameOrPath: string, cwd?: string, limitMs?: number): E.Either<TpusegError, Strategy> {
  return E.mapLeft((e: TpusegError | PluginFault) => (isPluginFault(e) ? usage(e.message) : e))(loadStrategy(nameOrPath, cwd, limitMs));
}
