import type { LayerGraph } from '../../src/graph/types';
import { densenet121, densenet169, densenet201 } from '../../src/zoo/densenet';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);

describe('zoo/densenet', () => {
  describe('kerasParams', () => {
    it.each([[densenet121, 8_062_504], [densenet169, 14_307_880], [densenet201, 20_242_984]] as const)(
      'should match Keras Applications for %#', (entry, params) => {
        expect(entry.build(224).kerasParams).toBe(params);
      });
  });

  describe('densenet121', () => {
    const g = densenet121.build(224);

    it('should have 58 conv blocks (each a CONCATENATION), 3 transitions and 120 CONV_2D', () => {
      expect(count(g, 'CONCATENATION')).toBe(6 + 12 + 24 + 16);
      expect(count(g, 'AVERAGE_POOL_2D')).toBe(3);
      expect(count(g, 'CONV_2D')).toBe(1 + 2 * 58 + 3);
    });

    it('should emit the BN-ReLU-Conv batch norms (58 blocks + 3 transitions + final) as MUL + ADD', () => {
      expect(count(g, 'MUL')).toBe(58 + 3 + 1);
      expect(count(g, 'ADD')).toBe(58 + 3 + 1);
    });

    it('should share one quantization across each CONCATENATION without requantize ops', () => {
      for (const op of g.ops.filter((o) => o.type === 'CONCATENATION')) {
        const q = g.tensors[op.outputs[0]!]!.quantization;
        for (const t of op.inputs) expect(g.tensors[t]!.quantization).toEqual(q);
      }
      expect(count(g, 'QUANTIZE')).toBe(2);
    });

    it('should reach 7x7x1024 before pooling and take about 2.87 GMACs', () => {
      const mean = g.ops.find((o) => o.type === 'MEAN')!;
      expect(g.tensors[mean.inputs[0]!]!.shape).toEqual([1, 7, 7, 1024]);
      expect(macs(g) / 1e9).toBeGreaterThan(2.8);
      expect(macs(g) / 1e9).toBeLessThan(2.9);
    });
  });
});
