import * as E from 'fp-ts/Either';
import { buildGraph } from '../../src/graph/build';
import { firstDifference, runTflite } from '../../src/litert';
import { writeTflite } from '../../src/tflite/writer';
import { bridgeCheckExpected, bridgeCheckModel, bridgeInt8Ports, dequantized, int8Params } from '../../src/validate/bridge';

const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

/** int8 x -> RELU -> int8 y (model ports both int8), plus a uint8 input passed through RELU. */
function int8Graph() {
  return buildGraph({
    name: 'i8', source: 'test:i8',
    tensors: [
      { name: 'x', shape: [1, 4], dtype: 'int8', isConstant: false, quantization: q(0.5, -3) },
      { name: 'y', shape: [1, 4], dtype: 'int8', isConstant: false, quantization: q(0.5, -3) },
      { name: 'u', shape: [1, 4], dtype: 'uint8', isConstant: false, quantization: q(1, 0) },
      { name: 'v', shape: [1, 4], dtype: 'uint8', isConstant: false, quantization: q(1, 0) },
    ],
    ops: [
      { type: 'RELU', builtinCode: 19, version: 2, inputs: [0], outputs: [1] },
      { type: 'RELU', builtinCode: 19, version: 1, inputs: [2], outputs: [3] },
    ],
    inputs: [0, 2], outputs: [1, 3],
  });
}

describe('validate/bridge', () => {
  describe('int8Params', () => {
    it('should give the scale and zero point of a per-tensor int8 tensor only', () => {
      const g = int8Graph();
      expect(int8Params(g.tensors[0]!)).toEqual({ scale: 0.5, zeroPoint: -3 });
      expect(int8Params(g.tensors[2]!)).toBeUndefined();
      expect(int8Params({ ...g.tensors[0]!, quantization: { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0 } })).toBeUndefined();
    });
  });

  describe('bridgeInt8Ports', () => {
    it('should put a QUANTIZE before each int8 input and a DEQUANTIZE after each int8 output, ports in order', () => {
      const b = bridgeInt8Ports(int8Graph());
      expect(b.bridgedInputs).toEqual([true, false]);
      expect(b.bridgedOutputs).toEqual([true, false]);
      expect(b.graph.ops.map((o) => o.type)).toEqual(['QUANTIZE', 'RELU', 'RELU', 'DEQUANTIZE']);
      expect(b.graph.inputs.map((t) => [b.graph.tensors[t]!.name, b.graph.tensors[t]!.dtype])).toEqual([['x/tpuseg_float_in', 'float32'], ['u', 'uint8']]);
      expect(b.graph.outputs.map((t) => [b.graph.tensors[t]!.name, b.graph.tensors[t]!.dtype])).toEqual([['y/tpuseg_float_out', 'float32'], ['v', 'uint8']]);
      expect(b.params).toEqual([{ scale: 0.5, zeroPoint: -3 }]);
    });
  });

  describe('bridgeCheckExpected', () => {
    it('should expect float32(s * (q - z)) with q = u - 128 and the identity on uint8', () => {
      const e = bridgeCheckExpected(0.5, -3);
      expect(e.f[0]).toBe(0.5 * (-128 + 3));
      expect(e.f[131]).toBe(0.5 * 6);
      expect([...e.out.slice(0, 3)]).toEqual([0, 1, 2]);
      expect(dequantized(5, { scale: 0.5, zeroPoint: -3 })).toBe(4);
    });
  });

  describe('bridgeCheckModel', () => {
    it('should round-trip every int8 value exactly in TFLite for real-world scales and zero points', async () => {
      for (const [s, z] of [[0.0235294122248888, -128], [0.1738509237766266, -1], [1e-5, 127], [3.7, 0]] as const) {
        const r = await runTflite(writeTflite(bridgeCheckModel(s, z)).slice(), [Uint8Array.from({ length: 256 }, (_, i) => i)], 'check');
        if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
        const want = bridgeCheckExpected(s, z);
        expect(firstDifference(r.right, [want.f, want.out])).toBeUndefined();
      }
    });
    it('should run a bridged int8 model: the float port carries the int8 values exactly', async () => {
      const b = bridgeInt8Ports(int8Graph());
      const x = Float32Array.from([-5, -1, 0, 7].map((v) => dequantized(v, { scale: 0.5, zeroPoint: -3 })));
      const u = Uint8Array.from([0, 1, 2, 3]);
      const r = await runTflite(writeTflite(b.graph).slice(), [x, u], 'bridged');
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      // RELU on int8 clamps at the zero point (-3): q = -5 -> -3 -> 0.0; others pass through.
      expect([...r.right[0]!]).toEqual([0, 1, 1.5, 5]);
      expect([...r.right[1]!]).toEqual([0, 1, 2, 3]);
    });
  });
});
