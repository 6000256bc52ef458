import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { opMacs } from '../../src/graph/macs';
import type { LayerGraph, OpSpec, TensorSpec } from '../../src/graph/types';
import { readTflite } from '../../src/tflite/reader';
import { describeShared, sharedPath } from '../helpers/shared';
import { op, tensor } from './graphs.fixture';

/** MACs of one op whose input i has shape shapes[i] and whose output has shape `out`. */
function macs(type: string, shapes: number[][], out: number[], extra: Partial<OpSpec> = {}): number {
  const tensors: TensorSpec[] = [...shapes.map((s, i) => tensor(`in${i}`, s)), tensor('out', out)];
  return opMacs({ ...op(type, shapes.map((_, i) => i), [shapes.length]), ...extra }, tensors);
}

describe('graph/macs', () => {
  describe('opMacs', () => {
    it('should count CONV_2D as output elements x kh x kw x input channels per group', () => {
      expect(macs('CONV_2D', [[1, 8, 8, 3], [16, 3, 3, 3], [16]], [1, 8, 8, 16])).toBe(8 * 8 * 16 * 3 * 3 * 3);
      expect(macs('CONV_2D', [[1, 4, 4, 8], [8, 1, 1, 2]], [1, 4, 4, 8])).toBe(4 * 4 * 8 * 2);
    });

    it('should count DEPTHWISE_CONV_2D as output elements x kh x kw', () => {
      expect(macs('DEPTHWISE_CONV_2D', [[1, 8, 8, 32], [1, 3, 3, 32], [32]], [1, 4, 4, 32])).toBe(4 * 4 * 32 * 9);
    });

    it('should count FULLY_CONNECTED as output elements x input features', () => {
      expect(macs('FULLY_CONNECTED', [[1, 1024], [1001, 1024], [1001]], [1, 1001])).toBe(1001 * 1024);
    });

    it('should count TRANSPOSE_CONV as input elements x kh x kw x output channels', () => {
      expect(macs('TRANSPOSE_CONV', [[4], [8, 3, 3, 16], [1, 5, 5, 16]], [1, 10, 10, 8])).toBe(5 * 5 * 16 * 3 * 3 * 8);
    });

    it('should count CONV_3D and BATCH_MATMUL (with adjX) by their contracted dimensions', () => {
      expect(macs('CONV_3D', [[1, 4, 4, 4, 2], [3, 3, 3, 2, 5]], [1, 4, 4, 4, 5])).toBe(64 * 5 * 27 * 2);
      expect(macs('BATCH_MATMUL', [[2, 3, 4], [2, 4, 5]], [2, 3, 5])).toBe(30 * 4);
      const adj = { options: { type: 'BatchMatMulOptions', fields: { adjX: true } } };
      expect(macs('BATCH_MATMUL', [[2, 4, 3], [2, 4, 5]], [2, 3, 5], adj)).toBe(30 * 4);
    });

    it('should count 0 for other ops and for missing or malformed shapes', () => {
      expect(macs('ADD', [[1, 8], [1, 8]], [1, 8])).toBe(0);
      expect(macs('CONV_2D', [[1, 8, 8, 3], [16, 3]], [1, 8, 8, 16])).toBe(0);
      expect(opMacs(op('CONV_2D', [0, -1], [5]), [tensor('x', [1])])).toBe(0);
    });
  });
});

describeShared('graph/macs on real models', () => {
  describe('opMacs', () => {
    const read = (rel: string): LayerGraph => {
      const r = readTflite(fs.readFileSync(sharedPath('models', rel)), rel);
      if (E.isLeft(r)) throw new Error(rel);
      return r.right;
    };
    const total = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);

    // Published multiply-adds: MobileNetV2 1.0/224 300M (Sandler et al. 2018, Table 4);
    // MobileNet v1 1.0/224 569M (Howard et al. 2017, Table 8).
    it('should match the published MACs of MobileNet v2 and of MobileNet v1 (extractor + head)', () => {
      expect(total(read('mobilenet_v2_1.0_224_quant.tflite')) / 300e6).toBeCloseTo(1, 2);
      const v1 = total(read('mobilenet_v1_1.0_224_quant_embedding_extractor.tflite')) + total(read('mobilenet_v1_1.0_224_quant_head_layers.tflite'));
      expect(v1 / 569e6).toBeCloseTo(1, 2);
    });
  });
});
