'use strict';
/**
 * Lets Node require the project's TypeScript without a build step (the CLI, and the worker threads
 * of its pools through `--require`). Each .ts file is transformed by esbuild, with the options tsx
 * uses for CommonJS, once; the JavaScript is kept in a cache keyed by the file's path and contents,
 * so a start with a warm cache costs a hash and a read per file and never loads esbuild. tsx does
 * the same job with far more machinery per file (its resolver, ESM hooks): about 0.2 s more to
 * start the CLI, and again in every worker thread. Each file carries its source map: run with
 * `NODE_OPTIONS=--enable-source-maps` and stack traces name TypeScript lines (off by default, as
 * reading the maps costs Node tens of ms at start-up).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: `node${process.versions.node}`,
  sourcemap: 'inline',
  sourcesContent: false,
  keepNames: true,
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
};

let esbuild;
let cacheDir;
let salt;

function cached(filename, source) {
  if (cacheDir === undefined) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
    cacheDir = path.join(os.tmpdir(), `tpuseg-ts-${uid}`);
    fs.mkdirSync(cacheDir, { recursive: true });
    salt = `${require('esbuild/package.json').version}\0${JSON.stringify(OPTIONS)}\0`;
  }
  const key = crypto.createHash('sha256').update(salt).update(filename).update('\0').update(source).digest('hex');
  const file = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // Not cached yet: transform, then publish atomically (other processes and threads may race).
  }
  esbuild ??= require('esbuild');
  const code = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename }).code;
  const tmp = `${file}.${process.pid}.${require('node:worker_threads').threadId}.tmp`;
  try {
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
  return code;
}

if (!Module._extensions['.ts']) {
  Module._extensions['.ts'] = (module, filename) => module._compile(cached(filename, fs.readFileSync(filename, 'utf8')), filename);
}
