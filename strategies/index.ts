import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usage, type TpusegError } from '../src/errors';
import { strategy as annealing } from './annealing';
import { strategy as balanced } from './balanced';
import { strategy as compiler } from './compiler';
import { strategy as dp } from './dp';
import { strategy as greedy } from './greedy';
import { strategy as profiling } from './profiling';
import type { Strategy } from './types';

/**
 * The strategy registry. The built-ins come first, in this order; any other module dropped into
 * this folder that exports a strategy (`export const strategy` or a default export) joins them,
 * by file name. `loadStrategy` also takes a path to a user's module (.js, or .ts under tsx).
 */
export type { Strategy } from './types';

const BUILTIN: readonly Strategy[] = [compiler, profiling, balanced, dp, greedy, annealing];
const NOT_STRATEGIES = new Set(['index', 'types', 'options', 'dp-pareto', 'dp-cap']);

/** A module's strategy export, if it has a well-formed one. */
export function strategyOf(mod: unknown): Strategy | undefined {
  const m = mod as { strategy?: unknown; default?: unknown } | undefined;
  const candidates = [m?.strategy, m?.default, (m?.default as { strategy?: unknown } | undefined)?.strategy];
  return candidates.find((s): s is Strategy => {
    const x = s as Partial<Strategy> | undefined;
    return typeof x === 'object' && x !== null && typeof x.name === 'string' && typeof x.search === 'function' &&
      typeof x.description === 'string' && typeof (x.options as { decode?: unknown } | undefined)?.decode === 'function';
  });
}

let registry: readonly Strategy[] | undefined;

export function strategies(): readonly Strategy[] {
  if (registry) return registry;
  const known = new Set(BUILTIN.map((s) => s.name));
  const dropped = fs.readdirSync(__dirname)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.d\.ts$|\.example\.(ts|js)$/.test(f))
    .filter((f) => !NOT_STRATEGIES.has(f.replace(/\.(ts|js)$/, '')) && !known.has(f.replace(/\.(ts|js)$/, '')))
    .sort()
    .flatMap((f) => {
      const s = strategyOf(require(path.join(__dirname, f)));
      return s && !known.has(s.name) ? [s] : [];
    });
  registry = [...BUILTIN, ...dropped];
  return registry;
}

export const strategyNames = (): string[] => strategies().map((s) => s.name);

/** A strategy shipped with tpuseg (not a plug-in: a module path, or a module dropped into this folder). */
export const isBuiltinStrategy = (nameOrPath: string): boolean => BUILTIN.some((s) => s.name === nameOrPath);

/** Whether this loaded strategy object is one of the built-ins. */
export const isBuiltin = (s: Strategy): boolean => BUILTIN.includes(s);

const looksLikePath = (s: string): boolean => s.includes('/') || s.includes(path.sep) || /\.(ts|js|cjs|mjs)$/.test(s);

/** A registered strategy by name, or a user's module by path (relative to `cwd`). */
export function loadStrategy(nameOrPath: string, cwd: string = process.cwd()): E.Either<TpusegError, Strategy> {
  if (!looksLikePath(nameOrPath)) {
    const s = strategies().find((x) => x.name === nameOrPath);
    return s ? E.right(s) : E.left(usage(`unknown strategy "${nameOrPath}" (known: ${strategyNames().join(', ')}; or a path to a module)`));
  }
  const file = path.resolve(cwd, nameOrPath);
  if (!fs.existsSync(file)) return E.left(usage(`strategy module ${nameOrPath}: no such file (${file})`));
  let mod: unknown;
  try {
    mod = require(file);
  } catch (e) {
    return E.left(usage(`strategy module ${nameOrPath} failed to load: ${(e as Error).message.split('\n')[0]}`));
  }
  const s = strategyOf(mod);
  return s ? E.right(s) : E.left(usage(`strategy module ${nameOrPath} exports no strategy (export const strategy = { name, description, options, search })`));
}
