import type { LayerGraph } from '../../src/graph/types';
import { mobilenetV1, mobilenetV2 } from '../../src/zoo/mobilenet';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);

describe('zoo/mobilenet', () => {
  describe('mobilenetV1', () => {
    const g = mobilenetV1.build(224);

    it('should match Keras Applications MobileNet: 4,253,864 parameters', () => {
      expect(g.kerasParams).toBe(4_253_864);
    });

    it('should have 13 depthwise + 14 pointwise/stem convs, the 1x1 conv_preds head, 4 PADs before stride-2 depthwise', () => {
      expect(count(g, 'DEPTHWISE_CONV_2D')).toBe(13);
      expect(count(g, 'CONV_2D')).toBe(15);
      expect(count(g, 'PAD')).toBe(4);
      expect(g.ops.slice(-5).map((o) => o.type)).toEqual(['MEAN', 'CONV_2D', 'RESHAPE', 'SOFTMAX', 'QUANTIZE']);
      expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 1000]);
    });

    it('should fuse ReLU6 into every depthwise conv', () => {
      expect(g.ops.filter((o) => o.type === 'DEPTHWISE_CONV_2D').every((o) => o.options!.fields['fusedActivationFunction'] === 3)).toBe(true);
    });

    it('should take about 569 M MACs', () => {
      expect(macs(g) / 1e6).toBeCloseTo(569, 0);
    });
  });

  describe('mobilenetV2', () => {
    const g = mobilenetV2.build(224);

    it('should match Keras Applications MobileNetV2: 3,538,984 parameters', () => {
      expect(g.kerasParams).toBe(3_538_984);
    });

    it('should have 17 inverted residual blocks with 10 residual ADDs and linear projections', () => {
      expect(count(g, 'DEPTHWISE_CONV_2D')).toBe(17);
      expect(count(g, 'ADD')).toBe(10);
      expect(count(g, 'CONV_2D')).toBe(1 + 16 + 17 + 1);
      const projections = g.ops.filter((o) => o.type === 'CONV_2D' && g.tensors[o.outputs[0]!]!.name.includes('project'));
      expect(projections).toHaveLength(17);
      expect(projections.every((o) => o.options!.fields['fusedActivationFunction'] === 0)).toBe(true);
    });

    it('should take about 300 M MACs', () => {
      expect(macs(g) / 1e6).toBeGreaterThan(295);
      expect(macs(g) / 1e6).toBeLessThan(310);
    });
  });
});
