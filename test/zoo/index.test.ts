import * as E from 'fp-ts/Either';
import type { LayerGraph } from '../../src/graph/types';
import { ZOO, zooModel, zooNames } from '../../src/zoo';

const message = (spec: string): string => {
  const r = zooModel(spec);
  return E.isLeft(r) && r.left._tag === 'Usage' ? r.left.message : 'no usage error';
};
const graph = (spec: string): LayerGraph => {
  const r = zooModel(spec);
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
};

describe('zoo/index', () => {
  describe('zooNames', () => {
    it('should list the 21 models of issue 3, each once', () => {
      expect([...zooNames()].sort()).toEqual([
        'mobilenet_v1', 'mobilenet_v2', 'inception_v1', 'inception_v3', 'inception_v4', 'inception_resnet_v2', 'resnet50_v1',
        'resnet101_v1', 'resnet152_v1', 'resnet50_v2', 'resnet101_v2', 'resnet152_v2', 'densenet121', 'densenet169', 'densenet201',
        'xception', 'vgg16', 'vgg19', 'efficientnet_edgetpu_s', 'efficientnet_edgetpu_m', 'efficientnet_edgetpu_l',
      ].sort());
    });
  });

  describe('zooModel', () => {
    it('should build every registered model at its default input with a [1, H, W, 3] uint8 input and a uint8 output', () => {
      for (const e of ZOO) {
        const g = graph(`zoo:${e.name}`);
        expect(g.name).toBe(e.name);
        expect(g.source).toBe(`zoo:${e.name}@${e.inputSize}`);
        expect(g.tensors[g.inputs[0]!]).toMatchObject({ dtype: 'uint8', shape: [1, e.inputSize, e.inputSize, 3] });
        expect(g.kerasParams).toBeGreaterThan(0);
      }
    });

    it('should accept an input size override and name the graph after it', () => {
      const g = graph('zoo:mobilenet_v2@160');
      expect(g.name).toBe('mobilenet_v2_160');
      expect(g.tensors[g.inputs[0]!]!.shape).toEqual([1, 160, 160, 3]);
      expect(graph('zoo:mobilenet_v2@224')).toEqual(graph('zoo:mobilenet_v2'));
    });

    it('should give deep-equal graphs for the same spec', () => {
      expect(graph('zoo:densenet121')).toEqual(graph('zoo:densenet121'));
    });

    it('should reject unknown names, bad sizes and sizes under the minimum with a clear message', () => {
      expect(message('zoo:resnet51')).toBe('zoo:resnet51: unknown zoo model "resnet51" (did you mean zoo:resnet50_v1 or zoo:resnet50_v2? tpuseg zoo lists all 21)');
      expect(message('zoo:resnet50')).toBe('zoo:resnet50: unknown zoo model "resnet50" (did you mean zoo:resnet50_v1 or zoo:resnet50_v2? tpuseg zoo lists all 21)');
      expect(message('zoo:alexnet')).toMatch(/^zoo:alexnet: unknown zoo model "alexnet" \(known: .*resnet50_v1/);
      expect(message('zoo:vgg16@abc')).toBe('zoo:vgg16@abc: input size must be a positive integer, got "abc"');
      expect(message('zoo:vgg16@0')).toBe('zoo:vgg16@0: input size must be a positive integer, got "0"');
      expect(message('zoo:vgg16@-5')).toMatch(/positive integer/);
      expect(message('zoo:vgg16@16')).toBe('zoo:vgg16@16: input size 16 is too small for vgg16 (minimum 32)');
      expect(message('vgg16')).toBe('vgg16: expected zoo:NAME[@SIZE]');
    });

    it('should build every model at its minimum input size', () => {
      for (const e of ZOO) expect(E.isRight(zooModel(`zoo:${e.name}@${e.minSize}`))).toBe(true);
    });
  });
});
