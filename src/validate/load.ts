import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportFailed, usage, type TpusegError } from '../errors';
import { sha256 } from '../export/export';
import { MANIFEST, parseManifest, type Manifest } from '../export/manifest';
import { MAX_TEXT_BYTES } from '../limits';
import { loadModel, readModelFile } from '../model/load';
import { readRegularText } from '../read-file';
import { readTflite } from '../tflite/reader';
import { tryWriteTflite } from '../tflite/writer';
import type { Unit } from './litert';

/** Reading an export directory back: its plan.json, the model it was cut from, its segment files. */

export interface ExportDir {
  readonly dir: string;
  readonly manifest: Manifest;
}

export function loadExportDir(dir: string): E.Either<TpusegError, ExportDir> {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (!stat) return E.left(usage(`${dir}: no such folder; pass a folder written by \`tpuseg export\``));
    if (!stat.isDirectory()) return E.left(usage(`${dir}: not a folder; pass a folder written by \`tpuseg export\``));
    return E.left(usage(`${dir}: no ${MANIFEST} here; pass a folder written by \`tpuseg export\``));
  }
  const text = readRegularText(file, MAX_TEXT_BYTES, 'a plan.json');
  if (E.isLeft(text)) return E.left(usage(`${file}: ${text.left}`));
  return E.map((manifest: Manifest) => ({ dir, manifest }))(parseManifest(text.right, file));
}

/**
 * The whole model the segments were cut from, as bytes and graph: the file itself, or the zoo /
 * synth model as the export wrote it beside the segments (written again with the export's writer
 * seed when that copy is gone or changed). Its SHA-256 must match plan.json's.
 */
export function loadWholeModel(x: ExportDir): E.Either<TpusegError, Unit> {
  const m = x.manifest.model;
  const kept = m.file !== undefined ? path.join(x.dir, m.file) : undefined;
  const keptBytes = kept !== undefined && fs.existsSync(kept) ? readModelFile(kept) : undefined;
  if (kept !== undefined && keptBytes !== undefined && E.isRight(keptBytes)) {
    const bytes = keptBytes.right;
    if (sha256(bytes) === m.sha256) {
      const g = readTflite(bytes, kept);
      return E.map((graph: Unit['graph']) => ({ label: `${m.name} (whole model)`, bytes, graph }))(g);
    }
  }
  const g = loadModel(m.spec);
  if (E.isLeft(g)) return g;
  let bytes: Uint8Array;
  let graph = g.right;
  if (m.writerSeed === undefined) {
    const read = readModelFile(m.spec);
    if (E.isLeft(read)) return read;
    bytes = read.right;
  } else {
    const w = tryWriteTflite(g.right, { seed: m.writerSeed });
    if (E.isLeft(w)) return w;
    bytes = w.right.slice();
    const back = readTflite(bytes, `${m.spec} (written)`);
    if (E.isLeft(back)) return back;
    graph = back.right;
  }
  if (sha256(bytes) !== m.sha256) {
    return E.left(exportFailed(`${m.spec} is not the model these segments were cut from (its SHA-256 changed since the export); export again`));
  }
  return E.right({ label: `${m.name} (whole model)`, bytes, graph });
}

/** The segment files as they are on disk now (edited files are validated as they are). */
export function loadSegments(x: ExportDir): E.Either<TpusegError, (Unit & { first: number; changed: boolean })[]> {
  const out: (Unit & { first: number; changed: boolean })[] = [];
  for (const s of x.manifest.segments) {
    const file = path.join(x.dir, s.file);
    const read = readModelFile(file);
    if (E.isLeft(read)) return E.left(usage(`${file}: cannot read segment ${s.index}: ${read.left._tag === 'ModelUnreadable' ? read.left.message : 'unreadable'}`));
    const bytes = read.right;
    const g = readTflite(bytes, file);
    if (E.isLeft(g)) return g;
    out.push({ label: s.file, bytes, graph: g.right, first: s.firstOp, changed: sha256(bytes) !== s.sha256 });
  }
  return E.right(out);
}
