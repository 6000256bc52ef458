import type { LayerGraph } from '../../src/graph/types';
import type { ZooEntry } from '../../src/zoo/builder';
import { resnet101V1, resnet101V2, resnet152V1, resnet152V2, resnet50V1, resnet50V2 } from '../../src/zoo/resnet';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);
const build = (e: ZooEntry): LayerGraph => e.build(e.inputSize);

describe('zoo/resnet', () => {
  describe('kerasParams', () => {
    it.each([
      [resnet50V1, 25_636_712], [resnet101V1, 44_707_176], [resnet152V1, 60_419_944],
      [resnet50V2, 25_613_800], [resnet101V2, 44_675_560], [resnet152V2, 60_380_648],
    ] as const)('should match Keras Applications for %#', (entry, params) => {
      expect(build(entry).kerasParams).toBe(params);
    });
  });

  describe('resnet50V1', () => {
    const g = build(resnet50V1);

    it('should have 53 CONV_2D (incl. 4 projection shortcuts), 16 ADD with fused ReLU, 2 explicit PADs and no unfolded BN', () => {
      expect(count(g, 'CONV_2D')).toBe(53);
      expect(count(g, 'ADD')).toBe(16);
      expect(g.ops.filter((o) => o.type === 'ADD').every((o) => o.options!.fields['fusedActivationFunction'] === 1)).toBe(true);
      expect(count(g, 'PAD')).toBe(2);
      expect(count(g, 'MUL')).toBe(0);
      expect(count(g, 'MAX_POOL_2D')).toBe(1);
    });

    it('should end in MEAN, FULLY_CONNECTED(1000), SOFTMAX and a uint8 [1, 1000] output', () => {
      expect(g.ops.slice(-4).map((o) => o.type)).toEqual(['MEAN', 'FULLY_CONNECTED', 'SOFTMAX', 'QUANTIZE']);
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ shape: [1, 1000], dtype: 'uint8' });
    });

    it('should take about 3.9 GMACs at 224 (Keras places the stride on the first 1x1 conv)', () => {
      expect(macs(g)).toBeGreaterThan(3.8e9);
      expect(macs(g)).toBeLessThan(4.1e9);
    });

    it('should reach 7x7x2048 before pooling', () => {
      const mean = g.ops.find((o) => o.type === 'MEAN')!;
      expect(g.tensors[mean.inputs[0]!]!.shape).toEqual([1, 7, 7, 2048]);
    });
  });

  describe('resnet50V2', () => {
    const g = build(resnet50V2);

    it('should emit the 16 pre-activation BNs and post_bn as MUL + ADD(ReLU)', () => {
      expect(count(g, 'MUL')).toBe(17);
      expect(count(g, 'ADD')).toBe(17 + 16);
      expect(count(g, 'CONV_2D')).toBe(53);
      expect(count(g, 'PAD')).toBe(2 + 16);
      expect(count(g, 'MAX_POOL_2D')).toBe(1 + 3);
    });

    it('should keep the residual ADDs linear', () => {
      const residual = g.ops.filter((o) => o.type === 'ADD' && !g.tensors[o.inputs[1]!]!.isConstant);
      expect(residual).toHaveLength(16);
      expect(residual.every((o) => o.options!.fields['fusedActivationFunction'] === 0)).toBe(true);
    });
  });

  describe('deeper variants', () => {
    it('should have 104 and 155 CONV_2D for the 101- and 152-layer models', () => {
      expect(count(build(resnet101V1), 'CONV_2D')).toBe(104);
      expect(count(build(resnet152V2), 'CONV_2D')).toBe(155);
    });
  });
});
