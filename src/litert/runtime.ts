import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * Loads @litertjs/core (Google's WebAssembly build of TFLite/LiteRT with XNNPACK) into Node, once
 * per process and lazily. The package is written for browsers and is ESM-only, so:
 * - it is loaded with Node's own require (require(esm) works in Node >= 20.19), which also keeps
 *   it out of jest's module sandbox (process.getBuiltinModule needs Node >= 20.16);
 * - `self` and `importScripts` are defined on the main context's global; `importScripts`
 *   evaluates the Emscripten glue with `vm` and exposes its `ModuleFactory`;
 * - the glue's print/printErr and the loader's console warnings (INFO lines, "no WebGPU") go to
 *   an in-memory log (`liteRtLog`) instead of the terminal.
 */

/** The parts of the @litertjs/core API used here. */
export interface LiteRtTensor {
  toTypedArray(): Float32Array | Int32Array | Uint8Array;
  delete(): void;
}
export interface LiteRtTensorDetails {
  readonly name: string;
  readonly index: number;
  readonly dtype: string;
  readonly shape: Int32Array;
}
export interface LiteRtCompiledModel {
  getInputDetails(): readonly LiteRtTensorDetails[];
  getOutputDetails(): readonly LiteRtTensorDetails[];
  run(input: LiteRtTensor[]): Promise<LiteRtTensor[]>;
  delete(): void;
}
export interface LiteRtApi {
  loadAndCompile(model: Uint8Array, options: { accelerator: 'wasm' }): Promise<LiteRtCompiledModel>;
  Tensor: new (data: Float32Array | Int32Array | Uint8Array, shape: number[]) => LiteRtTensor;
}

const LOG_LINES = 400;

/**
 * Per-process state, kept on the main context's global: LiteRT itself is process-wide, and jest
 * gives each test file a fresh copy of this module while reusing the process.
 */
interface State {
  readonly log: string[];
  count: number;
  loading?: Promise<LiteRtApi>;
}
const main = vm.runInThisContext('globalThis') as Record<string | symbol, unknown>;
const STATE = Symbol.for('tpuseg.litert.state');
const state = (main[STATE] ??= { log: [], count: 0 }) as State;

/** Recent lines LiteRT printed (INFO, WARNING, ERROR), oldest first. */
export const liteRtLog = (): readonly string[] => [...state.log];

/** Index to pass to `liteRtLogSince` to see only lines printed after this call. */
export const liteRtLogMark = (): number => state.count;

export function liteRtLogSince(mark: number): readonly string[] {
  const fresh = Math.min(state.count - mark, state.log.length);
  return fresh > 0 ? state.log.slice(state.log.length - fresh) : [];
}

function record(...parts: unknown[]): void {
  state.log.push(parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' '));
  state.count += 1;
  if (state.log.length > LOG_LINES) state.log.splice(0, state.log.length - LOG_LINES);
}

/**
 * Node's own require, reached through the main context's `process`: under jest, `require` and
 * even `module.createRequire` are jest's, which cannot load ESM.
 */
const mainProcess = vm.runInThisContext('process') as NodeJS.Process & {
  getBuiltinModule(id: 'node:module'): typeof import('node:module');
};
const nodeRequire = mainProcess.getBuiltinModule('node:module').createRequire(__filename);

/** node_modules/@litertjs/core/wasm/, the folder holding the glue scripts and .wasm files. */
export const liteRtWasmDir = (): string =>
  path.join(path.dirname(path.dirname(nodeRequire.resolve('@litertjs/core'))), 'wasm') + path.sep;

type AnyTypedArray = Float32Array | Int32Array | Uint8Array;
type TypedArrayCtor = new (from: ArrayLike<number>) => AnyTypedArray;
const mainArrays = vm.runInThisContext('({ Float32Array, Int32Array, Uint8Array })') as Record<string, TypedArrayCtor>;
const localArrays: Record<string, TypedArrayCtor> = { Float32Array, Int32Array, Uint8Array };

/**
 * Copies between this module's realm and the main context's, where LiteRT lives: under jest they
 * differ, and LiteRT's `instanceof Float32Array` rejects a typed array from another realm.
 */
export const toLiteRtArray = (a: AnyTypedArray): AnyTypedArray => new mainArrays[a.constructor.name]!(a);
export const fromLiteRtArray = (a: AnyTypedArray): AnyTypedArray => new localArrays[a.constructor.name]!(a);

/** The LiteRT API, loading it on first use (about 0.1 s). */
export function liteRt(): Promise<LiteRtApi> {
  state.loading ??= load().catch((e: unknown) => {
    delete state.loading;
    throw e;
  });
  return state.loading;
}

async function load(): Promise<LiteRtApi> {
  main['self'] ??= main;
  main['importScripts'] = (url: string): void => {
    const file = url.startsWith('file:') ? nodeRequire('node:url').fileURLToPath(url) : url;
    const source = fs.readFileSync(file, 'utf8');
    const factory = vm.runInThisContext(
      `(function (require, __dirname, __filename) {\n${source}\n;return ModuleFactory;\n})`,
      { filename: file },
    ) as (req: NodeJS.Require, dir: string, file: string) => unknown;
    main['ModuleFactory'] = factory(nodeRequire, path.dirname(file), file);
  };
  main['Module'] = { print: record, printErr: record };

  const core = nodeRequire('@litertjs/core') as LiteRtApi & { loadLiteRt(dir: string): Promise<unknown> };
  const console = main['console'] as Console;
  const warn = console.warn;
  console.warn = record;
  try {
    await core.loadLiteRt(liteRtWasmDir());
  } finally {
    console.warn = warn;
  }
  return core;
}
