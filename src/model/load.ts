import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerGraph } from '../graph/types';
import { modelUnreadable, usage, type TpusegError } from '../errors';
import { count, MAX_TFLITE_BYTES } from '../limits';
import { kindOf, readOpen, withOpenFile } from '../read-file';

/**
 * Everywhere a model is accepted: a `.tflite` path, `zoo:NAME[@SIZE]` or `synth:FAMILY?k=v&...`.
 * Each reader is required on first use: a zoo or synthetic model never loads the TFLite reader and
 * its generated schema (hundreds of modules, most of a command's or a worker thread's start-up).
 */
export function loadModel(spec: string): E.Either<TpusegError, LayerGraph> {
  // Readers are required on first use: a zoo or synthetic model never loads the TFLite reader.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (spec.startsWith('zoo:')) return (require('../zoo') as typeof import('../zoo')).zooModel(spec);
  if (spec.startsWith('synth:')) return (require('../zoo/synth') as typeof import('../zoo/synth')).synthModel(spec);
  const bytes = readModelFile(spec);
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
    return bad !== undefined ? E.left(bad) : readOpen(fd, MAX_TFLITE_BYTES, 'a .tflite file');
  });
  // A view of the buffer read, not a copy of it.
  return E.isLeft(bytes) ? E.left(modelUnreadable(file, bytes.left)) : E.right(new Uint8Array(bytes.right.buffer, bytes.right.byteOffset, bytes.right.byteLength));
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
 * A model to price or cut: a file already compiled for the Edge TPU hides its ops in an
 * edgetpu-custom-op, so no number about it would mean anything; the error names the source model
 * (`X_edgetpu.tflite` is compiled from `X.tflite`).
 */
export function loadModelToPlan(spec: string): E.Either<TpusegError, LayerGraph> {
  const graph = loadModel(spec);
  if (E.isLeft(graph) || !graph.right.compiledForEdgeTpu) return graph;
  const base = path.basename(spec);
  const source = /_edgetpu\.tflite$/i.test(base) ? base.replace(/_edgetpu(\.tflite)$/i, '$1') : 'the .tflite it was compiled from';
  return E.left(usage(`${spec}: already compiled for the Edge TPU (its ops are hidden in an edgetpu-custom-op): give the source model, ${source}, instead`));
}
