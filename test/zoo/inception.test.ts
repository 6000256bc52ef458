import * as E from 'fp-ts/Either';
import { modelDetails, runTflite, seededInputs, type TfliteArray } from '../../src/litert';
import { writeTflite } from '../../src/tflite/writer';
import type { LayerGraph, Op } from '../../src/graph/types';
import type { ZooEntry } from '../../src/zoo/builder';
import { zooModel } from '../../src/zoo';
import { inceptionV1, inceptionV3, inceptionV4 } from '../../src/zoo/inception';

const count = (g: LayerGraph, type: string): number => g.ops.filter((o) => o.type === type).length;
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);
const build = (e: ZooEntry): LayerGraph => e.build(e.inputSize);
const inShape = (g: LayerGraph, op: Op): readonly number[] => g.tensors[op.inputs[0]!]!.shape;
const outShape = (g: LayerGraph, op: Op): readonly number[] => g.tensors[op.outputs[0]!]!.shape;
/** Keras count minus the BN moving mean and variance (2 per channel) of every conv but `except`. */
const trainable = (g: LayerGraph, except: (op: Op) => boolean = () => false): number =>
  g.kerasParams! - 2 * g.ops.filter((o) => o.type === 'CONV_2D' && !except(o)).reduce((s, o) => s + outShape(g, o)[3]!, 0);

/** Writes the model with seeded weights and runs one seeded inference in LiteRT: the output tensor. */
async function runInLiteRt(g: LayerGraph): Promise<TfliteArray> {
  const bytes = writeTflite(g, { seed: 1 });
  const details = modelDetails(bytes);
  if (E.isLeft(details)) throw new Error(JSON.stringify(details.left));
  const out = await runTflite(bytes, seededInputs(details.right.inputs, 1), g.name);
  if (E.isLeft(out)) throw new Error(JSON.stringify(out.left));
  return out.right[0]!;
}

describe('zoo/inception', () => {
  describe('inceptionV3', () => {
    const g = build(inceptionV3);

    it('should count exactly the Keras Applications InceptionV3 parameters', () => {
      expect(g.kerasParams).toBe(23_851_784);
    });

    it('should have 94 CONV_2D, 15 CONCATENATION (11 blocks + 4 inner) and a uint8 [1, 1000] output', () => {
      expect(count(g, 'CONV_2D')).toBe(94);
      expect(count(g, 'CONCATENATION')).toBe(15);
      expect(count(g, 'AVERAGE_POOL_2D')).toBe(9);
      expect(count(g, 'MAX_POOL_2D')).toBe(4);
      expect(count(g, 'QUANTIZE')).toBe(2);
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ shape: [1, 1000], dtype: 'uint8' });
      expect(g.ops.slice(-4).map((o) => o.type)).toEqual(['MEAN', 'FULLY_CONNECTED', 'SOFTMAX', 'QUANTIZE']);
    });

    it('should fuse ReLU into every conv and fold BN (int32 bias on every conv)', () => {
      const convs = g.ops.filter((o) => o.type === 'CONV_2D');
      expect(convs.every((o) => o.options!.fields['fusedActivationFunction'] === 1)).toBe(true);
      expect(convs.every((o) => g.tensors[o.inputs[2]!]!.dtype === 'int32')).toBe(true);
    });

    it('should reach 35x35x256, 17x17x768 and 8x8x2048 as in the Keras source comments', () => {
      const cats = g.ops.filter((o) => o.type === 'CONCATENATION').map((o) => outShape(g, o));
      expect(cats[0]).toEqual([1, 35, 35, 256]);
      expect(cats[3]).toEqual([1, 17, 17, 768]);
      expect(cats[cats.length - 1]).toEqual([1, 8, 8, 2048]);
    });

    it('should compute the first conv as 149 x 149 x 32 x 3 x 3 x 3 MACs and about 5.7 G MACs in total', () => {
      expect(g.ops[1]!.macs).toBe(149 * 149 * 32 * 3 * 3 * 3);
      expect(macs(g)).toBeGreaterThan(5.6e9);
      expect(macs(g)).toBeLessThan(5.8e9);
    });

    it('should build at the Keras minimum of 75, where 74 leaves mixed8 a 2-pixel side', () => {
      expect(E.isRight(zooModel('zoo:inception_v3@75'))).toBe(true);
      expect(() => inceptionV3.build(74)).toThrow(/input too small: layer mixed8/);
    });
  });

  describe('inceptionV1', () => {
    const g = build(inceptionV1);

    it('should count 6.63 M parameters, within 3 % of GoogLeNet\'s published 6.8 M', () => {
      expect(g.kerasParams).toBe(6_633_209);
      expect(Math.abs(g.kerasParams! - 6.8e6) / 6.8e6).toBeLessThan(0.03);
    });

    it('should have 57 BN convs + the logits conv, 9 CONCATENATION and a uint8 [1, 1001] output', () => {
      expect(count(g, 'CONV_2D')).toBe(58);
      expect(count(g, 'CONCATENATION')).toBe(9);
      expect(count(g, 'MAX_POOL_2D')).toBe(4 + 9);
      expect(g.ops.slice(-5).map((o) => o.type)).toEqual(['AVERAGE_POOL_2D', 'CONV_2D', 'RESHAPE', 'SOFTMAX', 'QUANTIZE']);
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ shape: [1, 1001], dtype: 'uint8' });
    });

    it('should give Mixed_3b 64 + 128 + 32 + 32 = 256 channels at 28x28 and pool a 7x7x1024 map at 224', () => {
      const first = g.ops.find((o) => o.type === 'CONCATENATION')!;
      expect(outShape(g, first)).toEqual([1, 28, 28, 256]);
      const pool = g.ops.find((o) => o.type === 'AVERAGE_POOL_2D')!;
      expect(inShape(g, pool)).toEqual([1, 7, 7, 1024]);
    });

    it('should take about 1.5 G MACs (GoogLeNet: 1.5 billion multiply-adds)', () => {
      expect(macs(g)).toBeGreaterThan(1.45e9);
      expect(macs(g)).toBeLessThan(1.55e9);
    });

    it('should give deep-equal graphs for the same size', () => {
      expect(inceptionV1.build(224)).toEqual(g);
    });
  });

  describe('inceptionV4', () => {
    const g = build(inceptionV4);

    it('should count 42.71 M parameters (42.65 M trainable), within 0.5 % of the published 42.7 M', () => {
      expect(g.kerasParams).toBe(42_712_937);
      expect(Math.abs(trainable(g) - 42.7e6) / 42.7e6).toBeLessThan(0.005);
    });

    it('should have 149 CONV_2D and 25 CONCATENATION (3 stem + 14 blocks + 2 x 3 inner of Inception-C)', () => {
      expect(count(g, 'CONV_2D')).toBe(149);
      expect(count(g, 'CONCATENATION')).toBe(25);
      expect(count(g, 'AVERAGE_POOL_2D')).toBe(4 + 7 + 3 + 1);
      expect(g.ops.slice(-5).map((o) => o.type)).toEqual(['AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'QUANTIZE']);
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ shape: [1, 1001], dtype: 'uint8' });
    });

    it('should reach 35x35x384 after the stem, 17x17x1024 and 8x8x1536', () => {
      const cats = g.ops.filter((o) => o.type === 'CONCATENATION').map((o) => outShape(g, o));
      expect(cats[2]).toEqual([1, 35, 35, 384]);
      expect(cats).toContainEqual([1, 17, 17, 1024]);
      expect(cats[cats.length - 1]).toEqual([1, 8, 8, 1536]);
    });

    it('should take about 12.3 G MACs', () => {
      expect(macs(g)).toBeGreaterThan(12.1e9);
      expect(macs(g)).toBeLessThan(12.4e9);
    });
  });

  describe('LiteRT', () => {
    it('should write inception_v1 at a 32-pixel input as a file real TFLite runs', async () => {
      const out = await runInLiteRt(inceptionV1.build(32));
      expect(out).toBeInstanceOf(Uint8Array);
      expect(out).toHaveLength(1001);
    });
  });
});
