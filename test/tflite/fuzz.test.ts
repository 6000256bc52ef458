import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { formatError } from '../../src/errors';
import { rangeIndex } from '../../src/graph/cuts';
import { summarize } from '../../src/graph/summary';
import type { LayerGraph } from '../../src/graph/types';
import { rng, type Rng } from '../../src/rng';
import { readTflite } from '../../src/tflite/reader';
import { hasShared, needsTitle, sharedPath } from '../helpers/shared';
import { packModel, randomModelT, tinyModelT } from './reader.fixture';

/** Outcome of reading one mutated file: parsed, rejected properly, or a defect (described). */
type Outcome = 'parsed' | 'rejected' | { defect: string };

/** What a read produced, compact enough to compare two reads of the same bytes. */
function signature(bytes: Uint8Array, file: string): string {
  const r = readTflite(bytes, file);
  if (E.isLeft(r)) return formatError(r.left);
  const g = r.right;
  const data = g.tensors.map((t) => (t.data ? Array.from(t.data.subarray(-4)).join('.') : '')).join(',');
  return `${g.ops.length} ops, ${g.tensors.length} tensors, ${g.ops.reduce((s, o) => s + o.paramBytes, 0)} B, ${data}`;
}

/** Invariants a parsed graph must satisfy so later stages can index it blindly. */
function graphDefect(g: LayerGraph): string | undefined {
  const T = g.tensors.length;
  const inRange = (t: number, optional: boolean): boolean => Number.isInteger(t) && t < T && (t >= 0 || (optional && t === -1));
  for (const op of g.ops) {
    if (!op.inputs.every((t) => inRange(t, true)) || !op.outputs.every((t) => inRange(t, false))) return `op ${op.index} has a tensor index out of range`;
    if (![op.paramBytes, op.macs, op.actInBytes, op.actOutBytes].every((x) => Number.isFinite(x) && x >= 0)) return `op ${op.index} has a non-finite cost field`;
  }
  if (!g.inputs.every((t) => inRange(t, false)) || !g.outputs.every((t) => inRange(t, false))) return 'model input/output out of range';
  if (!g.tensors.every((t) => Number.isSafeInteger(t.bytes) && t.bytes >= 0)) return 'a tensor has a bad byte count';
  summarize(g, { ops: true });
  rangeIndex(g).crossingBytes(g.ops.length);
  return undefined;
}

function outcome(bytes: Uint8Array, file: string): Outcome {
  let r: ReturnType<typeof readTflite>;
  try {
    r = readTflite(bytes, file);
  } catch (e) {
    return { defect: `threw ${(e as Error).stack ?? String(e)}` };
  }
  if (E.isRight(r)) {
    try {
      const d = graphDefect(r.right);
      return d === undefined ? 'parsed' : { defect: d };
    } catch (e) {
      return { defect: `graph unusable: ${(e as Error).message}` };
    }
  }
  const line = formatError(r.left);
  if (r.left._tag !== 'ModelUnreadable' && r.left._tag !== 'SchemaMismatch') return { defect: `wrong error kind ${r.left._tag}: ${line}` };
  if (line.includes('\n') || !line.startsWith(`${file}: `)) return { defect: `not one line naming the file: ${line}` };
  // The reader's catch-all for runtime failures the verifier missed: reaching it is a verifier gap.
  if (line.includes(': unexpected ')) return { defect: `verifier gap: ${line}` };
  return 'rejected';
}

/** Byte positions outside constant data and custom options: where mutations hit the structure. */
function structurePositions(bytes: Uint8Array, g: LayerGraph): Int32Array {
  const isData = new Uint8Array(bytes.length);
  const mark = (v: Uint8Array | undefined): void => {
    if (v && v.buffer === bytes.buffer) isData.fill(1, v.byteOffset - bytes.byteOffset, v.byteOffset - bytes.byteOffset + v.length);
  };
  for (const t of g.tensors) mark(t.data);
  for (const op of g.ops) mark(op.customOptions);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (!isData[i]) out.push(i);
  return Int32Array.from(out);
}

const SPECIAL = [0x7fffffff, 0xffffffff, 0x80000000, 0xfffffffc, 1, 0, 4];

/**
 * Applies one random mutation to `bytes` in place and returns the bytes to read (a prefix view for
 * truncations) plus an undo. Positions come mostly from the file's structure, not its weights.
 */
function mutate(bytes: Uint8Array, structure: Int32Array, r: Rng): { view: Uint8Array; undo: () => void; what: string } {
  const n = bytes.length;
  const pos = (): number => (structure.length > 0 && r.next() < 0.9 ? structure[r.int(0, structure.length - 1)]! : r.int(0, n - 1));
  const saved: [number, number][] = [];
  const set = (i: number, v: number): void => {
    if (i < 0 || i >= n) return;
    saved.push([i, bytes[i]!]);
    bytes[i] = v & 255;
  };
  const setWord = (i: number, v: number): void => {
    for (let k = 0; k < 4; k++) set(i + k, v >>> (8 * k));
  };
  const word = (i: number): number => (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
  const undo = (): void => {
    for (let k = saved.length - 1; k >= 0; k--) bytes[saved[k]![0]] = saved[k]![1];
  };
  const kind = r.int(0, 6);
  let view = bytes;
  let what: string;
  switch (kind) {
    case 0: {
      const flips = r.int(1, 8);
      for (let k = 0; k < flips; k++) {
        const i = pos();
        set(i, bytes[i]! ^ (1 << r.int(0, 7)));
      }
      what = `${flips} bit flips`;
      break;
    }
    case 1: {
      const i = pos();
      const len = r.int(1, 16);
      for (let k = 0; k < len; k++) set(i + k, r.int(0, 255));
      what = `${len} random bytes at ${i}`;
      break;
    }
    case 2: {
      const cut = r.next() < 0.5 ? r.int(0, Math.min(n, 64)) : r.int(0, n - 1);
      view = bytes.subarray(0, cut);
      what = `cut to ${cut} bytes`;
      break;
    }
    case 3: {
      const i = pos() & ~3;
      const v = r.next() < 0.5 ? SPECIAL[r.int(0, SPECIAL.length - 1)]! : (r.int(0, n + 64) & ~3) - i;
      setWord(i, v);
      what = `word at ${i} := ${v}`;
      break;
    }
    case 4: {
      const i = pos() & ~3;
      const j = pos() & ~3;
      const a = word(i);
      const b = word(j);
      setWord(i, b);
      setWord(j, a);
      what = `swapped words at ${i} and ${j}`;
      break;
    }
    case 5: {
      const i = pos() & ~3;
      setWord(i, word(i) + r.int(1, 1 << r.int(1, 30)));
      what = `length/offset at ${i} increased`;
      break;
    }
    default: {
      const i = pos();
      const len = r.int(1, 64);
      for (let k = 0; k < len; k++) set(i + k, 0);
      what = `${len} zero bytes at ${i}`;
    }
  }
  return { view, undo, what };
}

interface Tally {
  parsed: number;
  rejected: number;
  defects: string[];
}

function fuzz(base: Uint8Array, file: string, rounds: number, seed: string, tally: Tally): void {
  const bytes = base.slice();
  const g = readTflite(bytes, file);
  if (E.isLeft(g)) throw new Error(`base model ${file} does not parse: ${formatError(g.left)}`);
  const structure = structurePositions(bytes, g.right);
  const r = rng(seed);
  for (let k = 0; k < rounds; k++) {
    const m = mutate(bytes, structure, r);
    let o = outcome(m.view, file);
    // A prefix view must read exactly like a standalone copy: nothing may be read past the view's end.
    if (typeof o === 'string' && m.view.length < bytes.length && signature(m.view, file) !== signature(m.view.slice(), file)) {
      o = { defect: 'a prefix view reads differently from a copy of the same bytes' };
    }
    m.undo();
    if (o === 'parsed') tally.parsed++;
    else if (o === 'rejected') tally.rejected++;
    else tally.defects.push(`${file} seed ${seed} round ${k} (${m.what}): ${o.defect}`);
  }
}

/** Every aligned word of a small file overwritten in turn with each special value. */
function sweepWords(base: Uint8Array, file: string, tally: Tally): void {
  const bytes = base.slice();
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const keep = bytes.slice(i, i + 4);
    for (const v of SPECIAL) {
      new DataView(bytes.buffer, bytes.byteOffset).setUint32(i, v, true);
      const o = outcome(bytes, file);
      if (o === 'parsed') tally.parsed++;
      else if (o === 'rejected') tally.rejected++;
      else tally.defects.push(`${file} word ${i} := ${v}: ${o.defect}`);
    }
    bytes.set(keep, i);
  }
}

const expectRobust = (t: Tally, minEach: number): void => {
  expect(t.defects.slice(0, 10)).toEqual([]);
  expect(t.rejected).toBeGreaterThanOrEqual(minEach);
  expect(t.parsed).toBeGreaterThanOrEqual(minEach);
};

describe('tflite/reader fuzzing', () => {
  describe('readTflite', () => {
    it('should parse or cleanly reject every word overwrite of a hand-built model', () => {
      const t: Tally = { parsed: 0, rejected: 0, defects: [] };
      sweepWords(packModel(tinyModelT()), 'tiny.tflite', t);
      expectRobust(t, 50);
    });

    it('should parse or cleanly reject thousands of mutations of seeded random models', () => {
      const t: Tally = { parsed: 0, rejected: 0, defects: [] };
      const gen = rng('fuzz/generator');
      for (let m = 0; m < 20; m++) {
        fuzz(packModel(randomModelT(gen)), `random${m}.tflite`, 150, `fuzz/random/${m}`, t);
      }
      expectRobust(t, 200);
    });

    const real: [string, number][] = [
      ['hello_world_int8.tflite', 600],
      ['split_concat.tflite', 600],
      ['ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite', 400],
      ['person_detect_int8.tflite', 120],
      ['mobilenet_v1_0.25_128_quant.tflite', 200],
      ['deeplabv3_mnv2_dm05_pascal_quant.tflite', 120],
      ['deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite', 200],
      ['movenet_single_pose_lightning_ptq_edgetpu.tflite', 150],
      ['mobilenet_v2_1.0_224_quant.tflite', 60],
      ['coral_pipeline/ssd_mobilenet_v2_coco_quant_postprocess_segment_3_of_4_edgetpu.tflite', 150],
    ];
    (hasShared ? it : it.skip)(`should parse or cleanly reject thousands of mutations of the real models${needsTitle(hasShared, '../shared/models')}`, () => {
      const t: Tally = { parsed: 0, rejected: 0, defects: [] };
      for (const [rel, rounds] of real) fuzz(fs.readFileSync(sharedPath('models', rel)), rel, rounds, `fuzz/${rel}`, t);
      sweepWords(fs.readFileSync(sharedPath('models', 'split_concat.tflite')), 'split_concat.tflite', t);
      sweepWords(fs.readFileSync(sharedPath('models', 'hello_world_int8.tflite')), 'hello_world_int8.tflite', t);
      expectRobust(t, 500);
    });
  });
});
