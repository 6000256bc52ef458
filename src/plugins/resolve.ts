import Module from 'node:module';
import * as path from 'node:path';

/**
 * Makes `require('tpuseg/strategy')` resolve, from a plug-in anywhere on disk, to this checkout's
 * public entry (src/strategy.ts), and lets a plug-in's own `require('fp-ts/...')` or `io-ts` fall
 * back to this checkout's copies when nothing beside the plug-in provides them.
 */
const ENTRY_REQUEST = 'tpuseg/strategy';
const SHARED = /^(fp-ts|io-ts)(\/|$)/;

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

let installed = false;

export function installPluginResolver(): void {
  if (installed) return;
  installed = true;
  const M = Module as unknown as { _resolveFilename: Resolve };
  const original = M._resolveFilename;
  const entry = require.resolve(path.join(__dirname, '..', 'strategy'));
  M._resolveFilename = function resolveForPlugins(this: unknown, request, parent, isMain, options) {
    if (request === ENTRY_REQUEST || request === 'tpuseg/strategy.ts') return entry;
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (e) {
      if (SHARED.test(request)) return require.resolve(request);
      throw e;
    }
  };
}
