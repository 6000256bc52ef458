import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerGraph } from '../graph/types';
import { modelUnreadable, usage, type TpusegError } from '../errors';
import { count, MAX_TFLITE_BYTES } from '../limits';
import { kindOf, withOpenFile } from '../read-file';

/**
 * Everywhere a model is accepted: a `.tflite` path, `zoo:NAME[@SIZE]` or `synth:FAMILY?k=v&...`.
 * Each reader is required on first use: a zoo or synthetic model never loads the TFLite reader and
 * its generated schema (hundreds of modules, most of a command's or a worker thread's start-up).
 */
export function loadModel(spec: string, fileBytes?: Uint8Array): E.Either<TpusegError, LayerGraph> {
  // Readers are required on first use: a zoo or synthetic model never loads the TFLite reader.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (spec.startsWith('zoo:')) return (require('../zoo') as typeof import('../zoo')).zooModel(spec);
  if (spec.startsWith('synth:')) return (require('../zoo/synth') as typeof import('../zoo/synth')).synthModel(spec);
  const bytes = fileBytes !== undefined ? E.right(fileBytes) : readModelFile(spec);
  return E.isLeft(bytes) ? bytes : (require('../tflite/reader') as typeof import('../tflite/reader')).readTflite(bytes.right, spec);
}

/**
 * A .tflite file's bytes. It must be a regular file, and its size, identifier and root table are
 * checked first (a few bytes read at their offsets), so a huge file that is no model (a video, a
 * disk image, a header followed by zeros) is refused without being read whole.
 */
export function readModelFile(file: string): E.Either<TpusegError, Uint8Array> {
  const bytes = withOpenFile(file, (fd) => {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return E.left(kindOf(st));
    if (st.size > MAX_TFLITE_BYTES) return E.left(`${count(st.size)} bytes: a .tflite file holds at most ${count(MAX_TFLITE_BYTES)} bytes (2 GiB)`);
    const bad = tfliteHeadProblem(fd, st.size);
    return bad !== undefined ? E.left(bad) : E.right(readShared(fd, st.size));
  });
  return E.isLeft(bytes) ? E.left(modelUnreadable(file, bytes.left)) : E.right(bytes.right);
}

/**
 * Why the file behind `fd` cannot be a FlatBuffer TFLite model, from its first bytes: the `TFL3`
 * identifier, a root table inside the file and that table's vtable (even size of at least 4,
 * inside the file); undefined when they hold.
 */
export function tfliteHeadProblem(fd: number, size: number): string | undefined {
  const at = (pos: number, n: number): Buffer | undefined => {
    if (pos < 0 || pos + n > size) return undefined;
    const b = Buffer.alloc(n);
    return fs.readSync(fd, b, 0, n, pos) === n ? b : undefined;
  };
  const head = at(0, 8);
  if (head === undefined || head.toString('latin1', 4, 8) !== 'TFL3') return `not a TFLite file (no TFL3 identifier; ${size} bytes)`;
  const corrupt = (what: string): string => `corrupt TFLite file: ${what} (${count(size)} bytes)`;
  const root = head.readUInt32LE(0);
  const rootAt = at(root, 4);
  if (root < 8 || rootAt === undefined) return corrupt(`its root table offset ${count(root)} is outside the file`);
  const vtable = root - rootAt.readInt32LE(0);
  const vt = at(vtable, 4);
  if (vt === undefined) return corrupt(`its root table's vtable at ${count(vtable)} is outside the file`);
  const vtSize = vt.readUInt16LE(0);
  const objSize = vt.readUInt16LE(2);
  if (vtSize < 4 || vtSize % 2 !== 0 || vtable + vtSize > size || objSize < 4 || root + objSize > size) {
    return corrupt(`its root table's vtable (${vtSize} bytes, table of ${objSize} bytes) does not fit the file`);
  }
  return undefined;
}

/**
 * The rest of an open file, read into shared memory: a worker thread given these bytes (they
 * travel to it without a copy) parses them instead of reading the file again, and the graph's
 * constant tensors are views into them, so a model is in memory once however many threads use it.
 */
function readShared(fd: number, size: number): Uint8Array {
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  let done = 0;
  for (let n = -1; done < size && n !== 0; done += n) n = fs.readSync(fd, bytes, done, size - done, done);
  return done === size ? bytes : bytes.slice(0, done);
}

/** The bytes of the file a graph was read from (its constant data views them), when they are in shared memory. */
export function sharedModelBytes(graph: LayerGraph): Uint8Array | undefined {
  for (const t of graph.tensors) {
    const buffer = t.data?.buffer;
    if (buffer instanceof SharedArrayBuffer) return new Uint8Array(buffer);
  }
  return undefined;
}

/**
 * A model to price or cut: a file already compiled for the Edge TPU hides its ops in an
 * edgetpu-custom-op, so no number about it would mean anything; the error names the source model
 * (`X_edgetpu.tflite` is compiled from `X.tflite`).
 */
export function loadModelToPlan(spec: string, fileBytes?: Uint8Array): E.Either<TpusegError, LayerGraph> {
  const graph = loadModel(spec, fileBytes);
  if (E.isLeft(graph) || !graph.right.compiledForEdgeTpu) return graph;
  const base = path.basename(spec);
  const source = /_edgetpu\.tflite$/i.test(base) ? base.replace(/_edgetpu(\.tflite)$/i, '$1') : 'the .tflite it was compiled from';
  return E.left(usage(`${spec}: already compiled for the Edge TPU (its ops are hidden in an edgetpu-custom-op): give the source model, ${source}, instead`));
}
