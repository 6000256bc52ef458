import type { LayerGraph } from '../../src/graph/types';
import { inceptionResnetV2 } from '../../src/zoo/inception-resnet';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);

describe('zoo/inception-resnet', () => {
  describe('inceptionResnetV2', () => {
    const g = inceptionResnetV2.build(299);
    const adds = g.ops.filter((o) => o.type === 'ADD');

    it('should count exactly the Keras Applications InceptionResNetV2 parameters', () => {
      expect(g.kerasParams).toBe(55_873_736);
    });

    it('should have 244 CONV_2D, 43 CONCATENATION (3 blocks + 40 residual blocks) and 40 residual ADDs', () => {
      expect(count(g, 'CONV_2D')).toBe(244);
      expect(count(g, 'CONCATENATION')).toBe(43);
      expect(adds).toHaveLength(10 + 20 + 10);
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ shape: [1, 1000], dtype: 'uint8' });
    });

    it('should fold the residual scale into the up conv: no MUL, each ADD reads x and a linear 1x1 conv as wide as x', () => {
      expect(count(g, 'MUL')).toBe(0);
      for (const add of adds) {
        const [x, up] = add.inputs.map((t) => g.tensors[t]!);
        const conv = g.ops[up!.producer]!;
        expect(conv.type).toBe('CONV_2D');
        expect(conv.options!.fields['fusedActivationFunction']).toBe(0);
        expect(g.tensors[conv.inputs[1]!]!.shape).toEqual([x!.shape[3], 1, 1, g.tensors[conv.inputs[0]!]!.shape[3]]);
        expect(g.ops[g.tensors[conv.inputs[0]!]!.producer]!.type).toBe('CONCATENATION');
      }
    });

    it('should fuse ReLU into every residual ADD but the last block8', () => {
      const act = adds.map((o) => o.options!.fields['fusedActivationFunction']);
      expect(act.slice(0, -1).every((a) => a === 1)).toBe(true);
      expect(act[act.length - 1]).toBe(0);
    });

    it('should keep 35x35x320, 17x17x1088 and 8x8x2080 residual widths and pool 8x8x1536', () => {
      const widths = [...new Set(adds.map((o) => g.tensors[o.outputs[0]!]!.shape.join('x')))];
      expect(widths).toEqual(['1x35x35x320', '1x17x17x1088', '1x8x8x2080']);
      const mean = g.ops.find((o) => o.type === 'MEAN')!;
      expect(g.tensors[mean.inputs[0]!]!.shape).toEqual([1, 8, 8, 1536]);
    });

    it('should take about 13.2 G MACs', () => {
      expect(macs(g)).toBeGreaterThan(13.0e9);
      expect(macs(g)).toBeLessThan(13.3e9);
    });
  });
});
