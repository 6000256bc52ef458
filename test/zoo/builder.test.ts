import * as fs from 'node:fs';
import * as E from 'fp-ts/Either';
import { TpusegFailure } from '../../src/errors';
import { readTflite } from '../../src/tflite/reader';
import { mobilenetV2 } from '../../src/zoo/mobilenet';
import { describeShared, sharedPath } from '../helpers/shared';
import type { LayerGraph, Op, Tensor } from '../../src/graph/types';
import { correctPad, GraphBuilder } from '../../src/zoo/builder';

const weights = (g: LayerGraph, op: Op): Tensor => g.tensors[op.inputs[1]!]!;
const bias = (g: LayerGraph, op: Op): Tensor => g.tensors[op.inputs[2]!]!;
const out = (g: LayerGraph, op: Op): Tensor => g.tensors[op.outputs[0]!]!;
const types = (g: LayerGraph): string[] => g.ops.map((o) => o.type);
const int32s = (t: Tensor): number[] => Array.from(new Int32Array(t.data!.buffer.slice(t.data!.byteOffset, t.data!.byteOffset + t.data!.length)));

describe('zoo/builder', () => {
  describe('GraphBuilder.input / finish', () => {
    it('should open with uint8 -> int8 QUANTIZE and close with int8 -> uint8 QUANTIZE as the full-integer converter does', () => {
      const b = new GraphBuilder('m', 'test');
      const x = b.input([8, 8, 3]);
      const g = b.finish([b.softmax(b.dense(b.flatten(x), { units: 4 }))], 'd');
      expect(types(g)).toEqual(['QUANTIZE', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'QUANTIZE']);
      const input = g.tensors[g.inputs[0]!]!;
      expect([input.dtype, input.shape]).toEqual(['uint8', [1, 8, 8, 3]]);
      const output = g.tensors[g.outputs[0]!]!;
      expect([output.dtype, output.shape]).toEqual(['uint8', [1, 4]]);
      expect(output.quantization).toMatchObject({ scale: [1 / 256], zeroPoint: [0] });
      expect(out(g, g.ops[3]!).quantization).toMatchObject({ scale: [1 / 256], zeroPoint: [-128] });
    });

    it('should close a float32 model with DEQUANTIZE', () => {
      const b = new GraphBuilder('m', 'test');
      const g = b.finish([b.dense(b.input([5], 'float32'), { units: 2 })], 'd');
      expect(types(g)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'DEQUANTIZE']);
      expect(g.tensors[g.inputs[0]!]!.dtype).toBe('float32');
      expect(g.tensors[g.outputs[0]!]!.dtype).toBe('float32');
    });
  });

  describe('GraphBuilder.conv', () => {
    it('should count Keras parameters: kernel + bias, kernel + 4 x BN, kernel + 3 x BN without scale', () => {
      const b = new GraphBuilder('m', 'test');
      const x = b.input([8, 8, 3]);
      b.conv(x, { filters: 4, kernel: 3 });
      expect(b.kerasParams).toBe(3 * 3 * 3 * 4 + 4);
      b.conv(x, { filters: 4, kernel: 3, bn: true });
      expect(b.kerasParams).toBe(112 + 108 + 16);
      b.conv(x, { filters: 4, kernel: 1, bias: true, bn: { scale: false } });
      expect(b.kerasParams).toBe(236 + 12 + 4 + 12);
    });

    it('should give every conv an int32 bias, per-channel int8 weights on axis 0 and bias scale = input scale x weight scale', () => {
      const b = new GraphBuilder('m', 'test');
      const g = b.finish([b.conv(b.input([8, 8, 3]), { filters: 5, kernel: 3, bias: false })], 'd');
      const conv = g.ops[1]!;
      const w = weights(g, conv);
      const bs = bias(g, conv);
      expect([w.dtype, w.shape, w.quantization!.quantizedDimension, w.quantization!.scale.length]).toEqual(['int8', [5, 3, 3, 3], 0, 5]);
      expect(w.quantization!.zeroPoint).toEqual([0, 0, 0, 0, 0]);
      expect([bs.dtype, bs.shape]).toEqual(['int32', [5]]);
      const inScale = g.tensors[conv.inputs[0]!]!.quantization!.scale[0]!;
      bs.quantization!.scale.forEach((s, c) => expect(s).toBeCloseTo(inScale * w.quantization!.scale[c]!, 15));
      expect(w.data).toBeUndefined();
    });

    it('should compute SAME and VALID output sizes as Keras and count MACs by hand', () => {
      const b = new GraphBuilder('m', 'test');
      const x = b.input([9, 9, 3]);
      const same = b.conv(x, { filters: 2, kernel: 3, stride: 2, padding: 'same' });
      const valid = b.conv(x, { filters: 2, kernel: 3, stride: 2, padding: 'valid' });
      expect(same.shape).toEqual([1, 5, 5, 2]);
      expect(valid.shape).toEqual([1, 4, 4, 2]);
      const g = b.finish([same, valid], 'd');
      expect(g.ops[1]!.macs).toBe(5 * 5 * 2 * 3 * 3 * 3);
      expect(g.ops[1]!.options).toEqual({
        type: 'Conv2DOptions',
        fields: { padding: 0, strideW: 2, strideH: 2, fusedActivationFunction: 0, dilationWFactor: 1, dilationHFactor: 1, quantizedBiasType: 0 },
      });
      expect(g.ops[2]!.options!.fields['padding']).toBe(1);
    });

    it('should fuse ReLU and ReLU6 into the conv and emit TANH / LOGISTIC as separate ops', () => {
      const b = new GraphBuilder('m', 'test');
      const x = b.input([4, 4, 3]);
      const g = b.finish([
        b.conv(x, { filters: 2, kernel: 1, act: 'relu' }),
        b.conv(x, { filters: 2, kernel: 1, act: 'relu6' }),
        b.conv(x, { filters: 2, kernel: 1, act: 'tanh' }),
        b.conv(x, { filters: 2, kernel: 1, act: 'sigmoid' }),
      ], 'd');
      const convs = g.ops.filter((o) => o.type === 'CONV_2D').map((o) => o.options!.fields['fusedActivationFunction']);
      expect(convs).toEqual([1, 3, 0, 0]);
      expect(types(g).filter((t) => t === 'TANH' || t === 'LOGISTIC')).toEqual(['TANH', 'LOGISTIC']);
      expect(out(g, g.ops.find((o) => o.type === 'TANH')!).quantization).toMatchObject({ scale: [1 / 128], zeroPoint: [0] });
    });

    it('should raise a Usage failure naming the layer when the input is too small', () => {
      const b = new GraphBuilder('m', 'test');
      const x = b.input([2, 2, 3]);
      expect(() => b.conv(x, { filters: 2, kernel: 3, name: 'tiny' })).toThrow(TpusegFailure);
      expect(() => b.conv(x, { filters: 2, kernel: 3, name: 'tiny' })).toThrow(/layer tiny/);
    });
  });

  describe('GraphBuilder.depthwise', () => {
    it('should quantize the [1, kh, kw, C] filter per channel on axis 3 and count kernel + BN parameters', () => {
      const b = new GraphBuilder('m', 'test');
      const y = b.depthwise(b.input([6, 6, 8]), { kernel: 3, padding: 'same', bn: true, act: 'relu6' });
      expect(b.kerasParams).toBe(3 * 3 * 8 + 4 * 8);
      const g = b.finish([y], 'd');
      const dw = g.ops[1]!;
      expect(weights(g, dw).shape).toEqual([1, 3, 3, 8]);
      expect(weights(g, dw).quantization!.quantizedDimension).toBe(3);
      expect(dw.options!.fields).toMatchObject({ depthMultiplier: 1, fusedActivationFunction: 3 });
      expect(dw.macs).toBe(6 * 6 * 8 * 9);
    });
  });

  describe('GraphBuilder.bn', () => {
    it('should emit an unfoldable BN as MUL and ADD by per-channel constants with the ReLU fused into the ADD', () => {
      const b = new GraphBuilder('m', 'test');
      const g = b.finish([b.bn(b.input([4, 4, 6]), { act: 'relu' })], 'd');
      expect(types(g)).toEqual(['QUANTIZE', 'MUL', 'ADD', 'QUANTIZE']);
      expect(g.tensors[g.ops[1]!.inputs[1]!]!.shape).toEqual([6]);
      expect(g.ops[2]!.options!.fields['fusedActivationFunction']).toBe(1);
      expect(g.kerasParams).toBe(24);
    });
  });

  describe('GraphBuilder.concat', () => {
    it('should give a fresh conv output the quantization of the other input, as int8 CONCATENATION requires', () => {
      const b = new GraphBuilder('m', 'test');
      const p = b.maxPool(b.conv(b.input([8, 8, 3]), { filters: 4, kernel: 1, act: 'relu' }), { pool: 2 });
      const c = b.conv(p, { filters: 2, kernel: 1 });
      const g = b.finish([b.concat([p, c])], 'd');
      const cat = g.ops.find((o) => o.type === 'CONCATENATION')!;
      const qs = [...cat.inputs, cat.outputs[0]!].map((t) => g.tensors[t]!.quantization);
      expect(qs[1]).toEqual(qs[0]);
      expect(qs[2]).toEqual(qs[0]);
      expect(out(g, cat).shape).toEqual([1, 4, 4, 6]);
      expect(types(g).filter((t) => t === 'QUANTIZE')).toHaveLength(2);
    });

    it('should requantize an input whose scale is already fixed by another reader', () => {
      const b = new GraphBuilder('m', 'test');
      const x = b.input([4, 4, 3]);
      const relu = b.conv(x, { filters: 2, kernel: 1, act: 'relu' });
      const linear = b.conv(x, { filters: 2, kernel: 1 });
      const sum = b.add(relu, linear);
      const g = b.finish([b.concat([relu, linear]), sum], 'd');
      expect(types(g)).toEqual(['QUANTIZE', 'CONV_2D', 'CONV_2D', 'ADD', 'QUANTIZE', 'CONCATENATION', 'QUANTIZE', 'QUANTIZE']);
      const requantize = g.ops[4]!;
      expect(requantize.inputs).toEqual(g.ops[2]!.outputs);
      expect(g.tensors[requantize.outputs[0]!]!.quantization).toEqual(g.tensors[g.ops[1]!.outputs[0]!]!.quantization);
    });
  });

  describe('GraphBuilder structural ops', () => {
    it('should store PAD paddings, MEAN axes and RESHAPE shapes as int32 data', () => {
      const b = new GraphBuilder('m', 'test');
      let x = b.pad(b.input([5, 5, 2]), [[0, 1], [2, 3]]);
      expect(x.shape).toEqual([1, 6, 10, 2]);
      x = b.globalAvgPool(x, { keepDims: true });
      expect(x.shape).toEqual([1, 1, 1, 2]);
      const g = b.finish([b.reshape(x, [1, 2])], 'd');
      const consts = g.tensors.filter((t) => t.isConstant).map(int32s);
      expect(consts).toEqual([[0, 0, 0, 1, 2, 3, 0, 0], [1, 2], [1, 2]]);
      expect(g.ops.find((o) => o.type === 'MEAN')!.options).toEqual({ type: 'ReducerOptions', fields: { keepDims: true } });
    });

    it('should keep pooling output quantization equal to its input', () => {
      const b = new GraphBuilder('m', 'test');
      const g = b.finish([b.avgPool(b.input([4, 4, 1]), { pool: 2 })], 'd');
      expect(g.tensors[g.ops[1]!.outputs[0]!]!.quantization).toEqual(g.tensors[g.ops[1]!.inputs[0]!]!.quantization);
      expect(g.ops[1]!.options!.fields).toMatchObject({ filterWidth: 2, filterHeight: 2, strideW: 2, strideH: 2, padding: 1 });
    });

    it('should name every tensor uniquely even when layer names repeat', () => {
      const b = new GraphBuilder('m', 'test');
      const x = b.input([4, 4, 3]);
      const g = b.finish([b.conv(x, { filters: 2, kernel: 1, name: 'c' }), b.conv(x, { filters: 2, kernel: 1, name: 'c' })], 'd');
      expect(new Set(g.tensors.map((t) => t.name)).size).toBe(g.tensors.length);
    });
  });

  describe('correctPad', () => {
    it('should pad (0, 1) on even sides and (1, 1) on odd sides for a 3x3 kernel', () => {
      expect(correctPad([112, 112], 3)).toEqual([[0, 1], [0, 1]]);
      expect(correctPad([7, 8], 3)).toEqual([[1, 1], [0, 1]]);
    });
  });

  describeShared('GraphBuilder conventions vs the real TF2 full-integer MobileNetV2 (../shared/models)', () => {
    let real: LayerGraph | undefined;
    let ours: LayerGraph;
    beforeAll(() => {
      const read = readTflite(fs.readFileSync(sharedPath('models', 'tf2_mobilenet_v2_1.0_224_ptq.tflite')), 'tf2_mobilenet_v2_1.0_224_ptq.tflite');
      real = E.isRight(read) ? read.right : undefined;
      ours = mobilenetV2.build(224);
    });
    /** Per op type: version, options table and option field names of its first op. */
    const conventions = (g: LayerGraph): Map<string, string> => {
      const m = new Map<string, string>();
      for (const o of g.ops) if (!m.has(o.type)) m.set(o.type, `v${o.version} ${o.options?.type ?? '-'} ${Object.keys(o.options?.fields ?? {}).join(',')}`);
      return m;
    };

    it('should use the same op versions, options tables and option fields for every op type both graphs contain', () => {
      expect(real).toBeDefined();
      const theirs = conventions(real!);
      const mine = conventions(ours);
      const shared = [...mine.keys()].filter((t) => theirs.has(t));
      expect(shared).toEqual(expect.arrayContaining(['QUANTIZE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'MEAN', 'SOFTMAX']));
      for (const t of shared) expect([t, mine.get(t)]).toEqual([t, theirs.get(t)]);
    });

    it('should quantize model I/O and per-channel weights as the converter does', () => {
      const io = (g: LayerGraph) => [g.tensors[g.inputs[0]!]!, g.tensors[g.outputs[0]!]!].map((t) => [t.dtype, t.quantization!.zeroPoint]);
      expect(io(ours)).toEqual(io(real!));
      const axes = (g: LayerGraph, type: string) => {
        const op = g.ops.find((o) => o.type === type)!;
        return [weights(g, op).dtype, weights(g, op).quantization!.quantizedDimension, bias(g, op).dtype];
      };
      for (const type of ['CONV_2D', 'DEPTHWISE_CONV_2D']) expect(axes(ours, type)).toEqual(axes(real!, type));
    });
  });
});
