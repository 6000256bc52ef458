import type { LayerGraph } from '../../src/graph/types';
import { vgg16, vgg19 } from '../../src/zoo/vgg';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);

describe('zoo/vgg', () => {
  describe('vgg16', () => {
    const g = vgg16.build(224);

    it('should match Keras Applications VGG16: 138,357,544 parameters', () => {
      expect(g.kerasParams).toBe(138_357_544);
    });

    it('should have 13 CONV_2D, 5 MAX_POOL_2D, a flatten to 25088 and 3 FULLY_CONNECTED', () => {
      expect(count(g, 'CONV_2D')).toBe(13);
      expect(count(g, 'MAX_POOL_2D')).toBe(5);
      expect(count(g, 'FULLY_CONNECTED')).toBe(3);
      const reshape = g.ops.find((o) => o.type === 'RESHAPE')!;
      expect(g.tensors[reshape.outputs[0]!]!.shape).toEqual([1, 25088]);
    });

    it('should quantize FULLY_CONNECTED weights per tensor', () => {
      const fc = g.ops.find((o) => o.type === 'FULLY_CONNECTED')!;
      expect(g.tensors[fc.inputs[1]!]!.quantization!.scale).toHaveLength(1);
      expect(g.tensors[fc.inputs[1]!]!.shape).toEqual([4096, 25088]);
    });

    it('should take about 15.5 GMACs', () => {
      expect(macs(g) / 1e9).toBeCloseTo(15.47, 2);
    });
  });

  describe('vgg19', () => {
    it('should match Keras Applications VGG19: 143,667,240 parameters, 16 CONV_2D', () => {
      const g = vgg19.build(224);
      expect(g.kerasParams).toBe(143_667_240);
      expect(count(g, 'CONV_2D')).toBe(16);
    });
  });
});
