import * as E from 'fp-ts/Either';
import type { Tensor } from '../../src/graph/types';
import { constantRole, seededConstant, type ConstantRole } from '../../src/tflite/weights';
import { handGraph, q } from './writer-fixtures';

const tensor = (extra: Partial<Tensor>): Tensor => ({
  index: 0, name: 'w', shape: [8, 3, 3, 16], dtype: 'int8', bytes: 0, isConstant: true, producer: -1, consumers: [0], ...extra,
});
const gen = (t: Tensor, role: ConstantRole, seed: string | number = 0): Uint8Array => {
  const r = seededConstant(t, role, seed);
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
};
const stats = (xs: ArrayLike<number>): { mean: number; sd: number; min: number; max: number } => {
  const a = Array.from(xs);
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
  return { mean, sd, min: Math.min(...a), max: Math.max(...a) };
};
const int8 = (b: Uint8Array): Int8Array => new Int8Array(b.buffer, b.byteOffset, b.length);

describe('weights', () => {
  describe('constantRole', () => {
    it('should name weights, biases and other constants by their first consumer and input slot', () => {
      const g = handGraph();
      const role = (name: string) => constantRole(g, g.tensors.findIndex((t) => t.name === name));
      expect(role('conv/weights')).toEqual({ kind: 'weight', fanIn: 27 });
      expect(role('dw/weights')).toEqual({ kind: 'weight', fanIn: 9 });
      expect(role('fc/weights')).toEqual({ kind: 'weight', fanIn: 512 });
      expect(role('conv/bias')).toEqual({ kind: 'bias' });
      expect(role('reshape/shape')).toEqual({ kind: 'other', op: 'RESHAPE', input: 1 });
    });
  });

  describe('seededConstant', () => {
    it('should be a pure function of seed, name, type, shape, quantization and role', () => {
      const t = tensor({ quantization: q(0.01) });
      const role: ConstantRole = { kind: 'weight', fanIn: 144 };
      expect(Buffer.from(gen(t, role, 7)).equals(Buffer.from(gen({ ...t, index: 42, consumers: [3] }, role, 7)))).toBe(true);
      expect(Buffer.from(gen(t, role, 7)).equals(Buffer.from(gen(t, role, 8)))).toBe(false);
      expect(Buffer.from(gen(t, role, 7)).equals(Buffer.from(gen({ ...t, name: 'w2' }, role, 7)))).toBe(false);
    });

    it('should give int8 weights centred on zero with He spread in real units (sqrt(2/fanIn) / scale quanta)', () => {
      // sqrt(2/144) / 0.004 = 29.5 quanta: well inside int8, so no clipping.
      const s = stats(int8(gen(tensor({ quantization: q(0.004) }), { kind: 'weight', fanIn: 144 })));
      expect(Math.abs(s.mean)).toBeLessThan(1);
      expect(s.sd).toBeGreaterThan(29.5 * 0.95);
      expect(s.sd).toBeLessThan(29.5 * 1.05);
      expect(s.max).toBeLessThanOrEqual(Math.ceil(29.5 * 3.47));
    });

    it('should follow each channel of per-channel quantization along its quantized dimension', () => {
      // Depthwise [1,3,3,16] quantized on axis 3: channel c has scale 0.01 * (c + 1).
      const scales = Array.from({ length: 16 }, (_, c) => 0.01 * (c + 1));
      const w = int8(gen(tensor({ shape: [1, 3, 3, 16], quantization: q(scales, 0, 3) }), { kind: 'weight', fanIn: 9 }));
      const channel = (c: number) => Array.from({ length: 9 }, (_, k) => w[k * 16 + c]!);
      const spread = (c: number) => Math.max(...channel(c).map(Math.abs));
      expect(spread(0)).toBeGreaterThan(spread(15));
    });

    it('should clip to the int8 range when the scale is too small for He spread', () => {
      const w = int8(gen(tensor({ quantization: q(1e-5) }), { kind: 'weight', fanIn: 144 }));
      const s = stats(w);
      expect(s.min).toBe(-128);
      expect(s.max).toBe(127);
    });

    it('should centre uint8 weights on their zero point', () => {
      const s = stats(gen(tensor({ dtype: 'uint8', quantization: q(0.01, 128) }), { kind: 'weight', fanIn: 144 }));
      expect(Math.abs(s.mean - 128)).toBeLessThan(1);
      expect(s.min).toBeGreaterThanOrEqual(0);
    });

    it('should give int32 biases a spread of 0.1 in real units', () => {
      const b = new Int32Array(gen(tensor({ dtype: 'int32', shape: [4096], quantization: q(0.0001) }), { kind: 'bias' }).buffer);
      const s = stats(b);
      expect(s.sd).toBeGreaterThan(1000 * 0.95);
      expect(s.sd).toBeLessThan(1000 * 1.05);
    });

    it('should give float32 weights He spread and float32 biases a spread of 0.1', () => {
      const w = new Float32Array(gen(tensor({ dtype: 'float32', shape: [64, 3, 3, 32] }), { kind: 'weight', fanIn: 288 }).buffer);
      expect(stats(w).sd).toBeCloseTo(Math.sqrt(2 / 288), 2);
      const b = new Float32Array(gen(tensor({ dtype: 'float32', shape: [4096] }), { kind: 'bias' }).buffer);
      expect(stats(b).sd).toBeCloseTo(0.1, 2);
    });

    it('should refuse to invent an int32 constant that is not a bias', () => {
      const r = seededConstant(tensor({ name: 'shape', dtype: 'int32', shape: [4] }), { kind: 'other', op: 'RESHAPE', input: 1 }, 0);
      expect(r).toEqual(E.left({
        _tag: 'ExportFailed',
        message: 'constant tensor "shape" (int32 [4], input 1 of RESHAPE) has no data; only weights, biases and quantized operands get generated values, so its builder must provide the bytes',
      }));
    });
  });
});
