import type { LayerGraph } from '../../src/graph/types';
import { xception } from '../../src/zoo/xception';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);

describe('zoo/xception', () => {
  describe('xception', () => {
    const g = xception.build(299);

    it('should count exactly the Keras Applications Xception parameters', () => {
      expect(g.kerasParams).toBe(22_910_480);
    });

    it('should have 34 separable convs (DEPTHWISE_CONV_2D + 1x1 CONV_2D), 2 stem and 4 shortcut convs, no CONCATENATION', () => {
      expect(count(g, 'DEPTHWISE_CONV_2D')).toBe(34);
      expect(count(g, 'CONV_2D')).toBe(34 + 2 + 4);
      expect(count(g, 'CONCATENATION')).toBe(0);
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ shape: [1, 1000], dtype: 'uint8' });
    });

    it('should feed each linear depthwise conv (with an int32 bias) straight into a 1x1 conv', () => {
      for (const dw of g.ops.filter((o) => o.type === 'DEPTHWISE_CONV_2D')) {
        expect(dw.options!.fields['fusedActivationFunction']).toBe(0);
        expect(g.tensors[dw.inputs[2]!]!.dtype).toBe('int32');
        const next = g.tensors[dw.outputs[0]!]!.consumers.map((c) => g.ops[c]!);
        expect(next).toHaveLength(1);
        expect(next[0]!.type).toBe('CONV_2D');
        expect(g.tensors[next[0]!.inputs[1]!]!.shape.slice(1, 3)).toEqual([1, 1]);
      }
    });

    it('should have 12 linear residual ADDs and 11 standalone RELU ops opening the blocks whose sum also feeds a shortcut', () => {
      const adds = g.ops.filter((o) => o.type === 'ADD');
      expect(adds).toHaveLength(3 + 8 + 1);
      expect(adds.every((o) => o.options!.fields['fusedActivationFunction'] === 0)).toBe(true);
      const relus = g.ops.filter((o) => o.type === 'RELU');
      expect(relus).toHaveLength(2 + 8 + 1);
      expect(relus.every((o) => g.ops[g.tensors[o.inputs[0]!]!.producer]!.type === 'ADD')).toBe(true);
    });

    it('should reach 19x19x728 in the middle flow and pool 10x10x2048', () => {
      const adds = g.ops.filter((o) => o.type === 'ADD').map((o) => g.tensors[o.outputs[0]!]!.shape);
      expect(adds[3]).toEqual([1, 19, 19, 728]);
      const mean = g.ops.find((o) => o.type === 'MEAN')!;
      expect(g.tensors[mean.inputs[0]!]!.shape).toEqual([1, 10, 10, 2048]);
    });

    it('should take about 8.4 G MACs, the first separable conv 147 x 147 x 64 x (9 + 128)', () => {
      const dw = g.ops.findIndex((o) => o.type === 'DEPTHWISE_CONV_2D');
      expect(g.ops[dw]!.macs + g.ops[dw + 1]!.macs).toBe(147 * 147 * 64 * (9 + 128));
      expect(macs(g)).toBeGreaterThan(8.3e9);
      expect(macs(g)).toBeLessThan(8.45e9);
    });
  });
});
