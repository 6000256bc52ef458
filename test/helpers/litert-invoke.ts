import * as fs from 'node:fs';
import * as readline from 'node:readline';
import * as E from 'fp-ts/Either';
import { formatError } from '../../src/errors';
import { openTflite, type TfliteArray, type TfliteSession } from '../../src/litert';
import { readTflite } from '../../src/tflite/reader';
import { writeTflite } from '../../src/tflite/writer';
import { bridgeInt8Ports, dequantized, int8Params } from '../../src/validate/bridge';

/**
 * STAND-IN BACKEND FOR TESTS: runs .tflite files in real TFLite (LiteRT.js on this CPU) for the
 * stand-in tflite_runtime (fixtures/standins/python, STANDIN_TFLITE=litert), so a run_pipeline.py
 * driven by the stand-in pycoral computes what TFLite computes. One JSON line per request on
 * stdin, `{"model": PATH, "inputs": {NAME: {"dtype", "shape", "data" (base64)}}}`, one per reply
 * on stdout, `{"outputs": {...}}` or `{"error": MESSAGE}`. int8 ports, which LiteRT.js cannot feed
 * or read, go through float32 bridges with the tensor's own scale and zero point (as the litert
 * validation backend does); the round trip is exact for int8 values.
 */

interface Port {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly int8?: { scale: number; zeroPoint: number };
}
interface Loaded {
  readonly session: TfliteSession;
  readonly inputs: readonly Port[];
  readonly outputs: readonly Port[];
}
interface Wire {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: string;
}

const ARRAYS: Record<string, new (b: ArrayBuffer) => TfliteArray | Int8Array> = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, int8: Int8Array };
const loaded = new Map<string, Promise<E.Either<string, Loaded>>>();

async function load(file: string): Promise<E.Either<string, Loaded>> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const g = readTflite(bytes, file);
  if (E.isLeft(g)) return E.left(formatError(g.left));
  const b = bridgeInt8Ports(g.right);
  const port = (t: number): Port => {
    const x = g.right.tensors[t]!;
    const p = int8Params(x);
    return { name: x.name, dtype: x.dtype, shape: x.shape, ...(p ? { int8: p } : {}) };
  };
  const s = await openTflite(b.params.length > 0 ? writeTflite(b.graph).slice() : bytes, file);
  if (E.isLeft(s)) return E.left(formatError(s.left));
  return E.right({ session: s.right, inputs: g.right.inputs.map(port), outputs: g.right.outputs.map(port) });
}

function decode(w: Wire): TfliteArray | Int8Array {
  const A = ARRAYS[w.dtype];
  if (!A) throw new Error(`the LiteRT stand-in takes float32, int32, uint8 and int8, not ${w.dtype}`);
  const buf = Buffer.from(w.data, 'base64');
  return new A(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

const encode = (p: Port, a: TfliteArray | Int8Array): Wire => ({ dtype: p.dtype, shape: p.shape, data: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') });

async function invoke(model: string, inputs: Record<string, Wire>): Promise<Record<string, Wire>> {
  if (!loaded.has(model)) loaded.set(model, load(model));
  const m = await loaded.get(model)!;
  if (E.isLeft(m)) throw new Error(m.left);
  const feeds = m.right.inputs.map((p) => {
    const w = inputs[p.name];
    if (!w || w.dtype !== p.dtype) throw new Error(`${model}: input "${p.name}" (${p.dtype}) not given`);
    const a = decode(w);
    return p.int8 ? Float32Array.from(a, (q) => dequantized(q, p.int8!)) : (a as TfliteArray);
  });
  const r = await m.right.session.run(feeds);
  if (E.isLeft(r)) throw new Error(formatError(r.left));
  return Object.fromEntries(m.right.outputs.map((p, i) => {
    const a = r.right[i]!;
    const q = p.int8;
    return [p.name, encode(p, q ? Int8Array.from(a, (f) => Math.max(-128, Math.min(127, Math.round(f / Math.fround(q.scale)) + q.zeroPoint))) : a)];
  }));
}

const lines = readline.createInterface({ input: process.stdin });
let queue: Promise<void> = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let reply: object;
    try {
      const req = JSON.parse(line) as { model: string; inputs: Record<string, Wire> };
      reply = { outputs: await invoke(req.model, req.inputs) };
    } catch (e) {
      reply = { error: (e as Error).message };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
lines.on('close', () => void queue.then(() => process.exit(0)));
