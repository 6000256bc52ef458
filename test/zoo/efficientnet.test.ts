import * as E from 'fp-ts/Either';
import { modelDetails, runTflite, seededInputs, type TfliteArray } from '../../src/litert';
import { writeTflite } from '../../src/tflite/writer';
import type { LayerGraph } from '../../src/graph/types';
import type { ZooEntry } from '../../src/zoo/builder';
import { efficientnetEdgeTpuL, efficientnetEdgeTpuM, efficientnetEdgeTpuS, roundFilters, roundRepeats } from '../../src/zoo/efficientnet';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);
const build = (e: ZooEntry): LayerGraph => e.build(e.inputSize);
/** Every conv and depthwise conv carries BN: trainable = Keras count - 2 x their output channels (moving mean and variance). */
const trainable = (g: LayerGraph): number =>
  g.kerasParams! - 2 * g.ops.filter((o) => o.type === 'CONV_2D' || o.type === 'DEPTHWISE_CONV_2D')
    .reduce((s, o) => s + g.tensors[o.outputs[0]!]!.shape[3]!, 0);

/** Writes the model with seeded weights and runs one seeded inference in LiteRT: the output tensor. */
async function runInLiteRt(g: LayerGraph): Promise<TfliteArray> {
  const bytes = writeTflite(g, { seed: 1 });
  const details = modelDetails(bytes);
  if (E.isLeft(details)) throw new Error(JSON.stringify(details.left));
  const out = await runTflite(bytes, seededInputs(details.right.inputs, 1), g.name);
  if (E.isLeft(out)) throw new Error(JSON.stringify(out.left));
  return out.right[0]!;
}

describe('zoo/efficientnet', () => {
  describe('roundFilters', () => {
    it('should round to the nearest multiple of 8 and add 8 when that loses over 10 %', () => {
      expect(roundFilters(32, 1.0)).toBe(32);
      expect(roundFilters(32, 1.2)).toBe(40);
      expect(roundFilters(48, 1.2)).toBe(56);
      expect(roundFilters(144, 1.2)).toBe(176);
      expect(roundFilters(1280, 1.2)).toBe(1536);
      expect(roundFilters(20, 0.5)).toBe(16);
      expect(roundFilters(3, 1.0)).toBe(8);
    });
  });

  describe('roundRepeats', () => {
    it('should round depth x repeats up', () => {
      expect([1, 2, 4, 5].map((r) => roundRepeats(r, 1.1))).toEqual([2, 3, 5, 6]);
      expect([1, 2, 4, 5].map((r) => roundRepeats(r, 1.4))).toEqual([2, 3, 6, 7]);
      expect(roundRepeats(4, 1.0)).toBe(4);
    });
  });

  describe('efficientnetEdgeTpuS', () => {
    const g = build(efficientnetEdgeTpuS);

    it('should count 5.49 M parameters, 5.44 M trainable: within 1 % of the quoted 5.4 M', () => {
      expect(g.kerasParams).toBe(5_491_113);
      expect(Math.abs(trainable(g) - 5.4e6) / 5.4e6).toBeLessThan(0.01);
    });

    it('should have 18 blocks: 7 fused (3x3 conv + 1x1 conv), 11 depthwise (1x1, kxk depthwise, 1x1), 12 identity ADDs', () => {
      expect(count(g, 'DEPTHWISE_CONV_2D')).toBe(5 + 4 + 2);
      expect(count(g, 'CONV_2D')).toBe(1 + 7 * 2 + 11 * 2 + 1);
      expect(count(g, 'ADD')).toBe(1 + 3 + 4 + 3 + 1);
      expect(count(g, 'CONCATENATION')).toBe(0);
      expect(g.ops.filter((o) => o.type === 'ADD').every((o) => o.options!.fields['fusedActivationFunction'] === 0)).toBe(true);
    });

    it('should keep the first depthwise conv for the 28x28 stage and put fused blocks\' stride on the 1x1 projection', () => {
      const dw = g.ops.find((o) => o.type === 'DEPTHWISE_CONV_2D')!;
      expect(g.tensors[dw.inputs[0]!]!.shape).toEqual([1, 28, 28, 384]);
      expect(g.tensors[dw.inputs[1]!]!.shape).toEqual([1, 5, 5, 384]);
      const strided = g.ops.filter((o) => o.type === 'CONV_2D' && o.options!.fields['strideH'] === 2);
      expect(strided.map((o) => g.tensors[o.inputs[1]!]!.shape)).toEqual([[32, 3, 3, 3], [32, 1, 1, 192], [48, 1, 1, 256]]);
    });

    it('should end in a whole-map average pool over 7x7x1280, RESHAPE, FULLY_CONNECTED(1001), SOFTMAX', () => {
      expect(g.ops.slice(-5).map((o) => o.type)).toEqual(['AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'QUANTIZE']);
      expect(g.tensors[g.ops[g.ops.length - 5]!.inputs[0]!]!.shape).toEqual([1, 7, 7, 1280]);
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ shape: [1, 1001], dtype: 'uint8' });
    });

    it('should take about 2.35 G MACs', () => {
      expect(macs(g)).toBeGreaterThan(2.3e9);
      expect(macs(g)).toBeLessThan(2.4e9);
    });

    it('should give deep-equal graphs for the same size', () => {
      expect(efficientnetEdgeTpuS.build(224)).toEqual(g);
    });
  });

  describe('efficientnetEdgeTpuM / L', () => {
    const m = build(efficientnetEdgeTpuM);
    const l = build(efficientnetEdgeTpuL);

    it('should count 6.90 M and 10.59 M trainable parameters: within 1 % of the quoted 6.9 M and 10.6 M', () => {
      expect(m.kerasParams).toBe(6_968_585);
      expect(l.kerasParams).toBe(10_683_457);
      expect(Math.abs(trainable(m) - 6.9e6) / 6.9e6).toBeLessThan(0.01);
      expect(Math.abs(trainable(l) - 10.6e6) / 10.6e6).toBeLessThan(0.01);
    });

    it('should deepen M to 24 blocks (10 fused) and L to 27 (11 fused), and widen L\'s head to 1536 at 10x10', () => {
      expect(count(m, 'CONV_2D')).toBe(1 + 24 * 2 + 1);
      expect(count(m, 'DEPTHWISE_CONV_2D')).toBe(24 - 10);
      expect(count(l, 'CONV_2D')).toBe(1 + 27 * 2 + 1);
      expect(count(l, 'DEPTHWISE_CONV_2D')).toBe(27 - 11);
      expect(l.tensors[l.ops[l.ops.length - 5]!.inputs[0]!]!.shape).toEqual([1, 10, 10, 1536]);
      expect(m.tensors[m.inputs[0]!]!.shape).toEqual([1, 240, 240, 3]);
    });

    it('should take about 3.7 and 9.7 G MACs (our architecture: no published figure to compare)', () => {
      expect(macs(m)).toBeGreaterThan(3.6e9);
      expect(macs(m)).toBeLessThan(3.7e9);
      expect(macs(l)).toBeGreaterThan(9.6e9);
      expect(macs(l)).toBeLessThan(9.7e9);
    });
  });

  describe('LiteRT', () => {
    it('should write efficientnet_edgetpu_s at a 32-pixel input as a file real TFLite runs', async () => {
      const out = await runInLiteRt(efficientnetEdgeTpuS.build(32));
      expect(out).toBeInstanceOf(Uint8Array);
      expect(out).toHaveLength(1001);
    });
  });
});
