import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pluginFile } from '../../strategies';
import { FIXED_SPLITS } from './catalog-live';

/**
 * Which code a cell ran, as a hash: the files a cell's computation imports (found by esbuild
 * following the static imports and `require('...')` calls from src/experiments/execute.ts, with the
 * strategy registry cut off), plus those of its own strategy's module (a built-in's file and what it
 * imports; a plug-in's file and what it imports, with the plug-in thread's code). A cell is stale
 * when that code changes, not when any other file changes: adding a file to strategies/, or editing
 * greedy, leaves dp's cells fresh.
 */

const ROOT = path.resolve(__dirname, '../..');
const BASE_ENTRY = path.join(ROOT, 'src', 'experiments', `execute${path.extname(__filename)}`);
const PLUGIN_THREAD = path.join(ROOT, 'src', 'plugins', `worker${path.extname(__filename)}`);
const REGISTRY = /[/\\]strategies([/\\]index(\.ts|\.js)?)?$/;
const STRATEGY_ENTRY = path.join(ROOT, 'src', 'strategy.ts');

const closures = new Map<string, Promise<readonly string[]>>();

/** The files `entry` runs, itself included (absolute, sorted); packages in node_modules are left out, and so is the strategy registry unless it is the entry. Kept per process unless `fresh`. */
export function codeFiles(entry: string, fresh = false): Promise<readonly string[]> {
  let p = fresh ? undefined : closures.get(entry);
  if (!p) {
    p = bundleInputs(entry);
    closures.set(entry, p);
  }
  return p;
}

async function bundleInputs(entry: string): Promise<readonly string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const r = await esbuild.build({
    entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'node', format: 'cjs', logLevel: 'silent', absWorkingDir: ROOT,
    plugins: [{
      name: 'cells',
      setup(b) {
        b.onResolve({ filter: /^tpuseg\/strategy$/ }, () => ({ path: STRATEGY_ENTRY }));
        b.onResolve({ filter: /.*/ }, (a) => {
          if (!a.path.startsWith('.') && !path.isAbsolute(a.path)) return { path: a.path, external: true };
          const target = path.resolve(a.resolveDir, a.path);
          return REGISTRY.test(target) && a.importer !== '' ? { path: target, external: true } : undefined;
        });
      },
    }],
  });
  return Object.keys(r.metafile.inputs).map((f) => path.resolve(ROOT, f)).sort();
}

/** The hash of files' names (relative to the checkout) and contents. */
export function hashFiles(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of [...new Set(files)].sort()) {
    let body: Buffer | string;
    try {
      body = fs.readFileSync(f);
    } catch {
      body = 'missing';
    }
    h.update(path.relative(ROOT, f)).update('\0').update(body).update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

/** The module a strategy reference runs: a built-in's file, a plug-in's file (resolved against `baseDir`), none for a fixed split. */
function strategyEntry(strategy: string, baseDir: string): string | undefined {
  if (FIXED_SPLITS.includes(strategy)) return undefined;
  const plugin = pluginFile(strategy, baseDir);
  if (plugin !== undefined) return plugin;
  const own = path.join(ROOT, 'strategies', `${strategy}${path.extname(__filename)}`);
  return fs.existsSync(own) ? own : undefined;
}

/** The code hash of cells of each strategy (as written in the config) of `strategies`: `version+hash`. */
export async function cellTools(version: string, strategies: readonly string[], baseDir: string): Promise<ReadonlyMap<string, string>> {
  const base = await codeFiles(BASE_ENTRY);
  const out = new Map<string, string>();
  for (const s of new Set(strategies)) {
    const entry = strategyEntry(s, baseDir);
    const own = entry === undefined ? [] : await codeFiles(entry).catch(() => [entry]);
    const thread = entry !== undefined && pluginFile(s, baseDir) !== undefined ? await codeFiles(PLUGIN_THREAD) : [];
    out.set(s, `${version}+${hashFiles([...base, ...own, ...thread])}`);
  }
  return out;
}
