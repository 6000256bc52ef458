import * as E from 'fp-ts/Either';
import type { LayerGraph } from '../../src/graph/types';
import { parseSynth, scriptMacs, synthModel } from '../../src/zoo/synth';

const graph = (spec: string): LayerGraph => {
  const r = synthModel(spec);
  if (E.isLeft(r)) throw new Error(r.left._tag);
  return r.right;
};
const macs = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.macs, 0);
const message = (spec: string): string => {
  const r = synthModel(spec);
  return E.isLeft(r) && r.left._tag === 'Usage' ? r.left.message : 'no usage error';
};

describe('zoo/synth', () => {
  describe('synthModel', () => {
    it('should build the conv family as the bench did: float32 SxSx3 in, L x CONV_2D(F, 3x3, SAME, fused ReLU), int8 out', () => {
      const g = graph('synth:conv?filters=32&layers=5&size=64');
      expect(g.ops.map((o) => o.type)).toEqual(['QUANTIZE', 'CONV_2D', 'CONV_2D', 'CONV_2D', 'CONV_2D', 'CONV_2D']);
      expect(g.tensors[g.inputs[0]!]).toMatchObject({ dtype: 'float32', shape: [1, 64, 64, 3] });
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ dtype: 'int8', shape: [1, 64, 64, 32], bytes: 64 * 64 * 32 });
      for (const op of g.ops.filter((o) => o.type === 'CONV_2D')) {
        expect(op.options!.fields).toMatchObject({ padding: 0, strideW: 1, strideH: 1, fusedActivationFunction: 1 });
      }
      expect(g.kerasParams).toBe(3 * 9 * 32 + 32 + 4 * (32 * 9 * 32 + 32));
      expect(g.name).toBe('synth_conv_f32_l5_s64');
    });

    it('should build the float-output variant only when asked, under its own name', () => {
      const g = graph('synth:conv?filters=32&output=float');
      expect(g.ops.map((o) => o.type).at(-1)).toBe('DEQUANTIZE');
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ dtype: 'float32', shape: [1, 64, 64, 32] });
      expect(g.name).toBe('synth_conv_f32_l5_s64_float');
      expect(g.source).toBe('synth:conv?filters=32&layers=5&size=64&output=float');
      expect(graph('synth:conv?filters=32&output=int8')).toEqual(graph('synth:conv?filters=32'));
    });

    it('should build the fc chain of the bench\'s layer-split runs: float32 in, int8 out', () => {
      const g = graph('synth:fc?neurons=100&layers=4&output=int8');
      expect(g.ops.map((o) => o.type).at(-1)).toBe('FULLY_CONNECTED');
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ dtype: 'int8', shape: [1, 10] });
      expect(g.name).toBe('synth_fc_n100_l4_int8');
    });

    it('should default to 5 layers at 64x64', () => {
      expect(graph('synth:conv?filters=8')).toEqual(graph('synth:conv?filters=8&layers=5&size=64'));
    });

    it('should count conv MACs as the README formula without its bias term', () => {
      for (const [f, l, s] of [[32, 5, 64], [452, 5, 64], [10, 3, 17], [1, 1, 1]] as const) {
        const p = parseSynth(`synth:conv?filters=${f}&layers=${l}&size=${s}`);
        if (E.isLeft(p)) throw new Error('parse');
        const ours = macs(graph(`synth:conv?filters=${f}&layers=${l}&size=${s}`));
        expect(ours).toBe(s * s * 9 * (3 * f + f * f * (l - 1)));
        expect(scriptMacs(p.right) - ours).toBe(s * s * 9 * f * l);
      }
      expect(scriptMacs({ family: 'conv', filters: 32, layers: 5, size: 64, output: 'int8' })).toBe(64 * 64 * 9 * ((3 + 1) * 32 + (32 + 1) * 32 * 4));
    });

    it('should build the fc family: 64 inputs, L x (FULLY_CONNECTED + TANH), FULLY_CONNECTED(10)', () => {
      const g = graph('synth:fc?neurons=100&layers=4');
      expect(g.ops.map((o) => o.type)).toEqual([
        'QUANTIZE', 'FULLY_CONNECTED', 'TANH', 'FULLY_CONNECTED', 'TANH', 'FULLY_CONNECTED', 'TANH', 'FULLY_CONNECTED', 'TANH', 'FULLY_CONNECTED', 'DEQUANTIZE',
      ]);
      expect(g.tensors[g.inputs[0]!]).toMatchObject({ dtype: 'float32', shape: [1, 64] });
      expect(g.tensors[g.outputs[0]!]).toMatchObject({ dtype: 'float32', shape: [1, 10] });
      expect(g.kerasParams).toBe(64 * 100 + 100 + 3 * (100 * 100 + 100) + 100 * 10 + 10);
    });

    it('should count fc MACs exactly as the README formula N*(64 + 10 + (L-1)*N)', () => {
      for (const [n, l] of [[100, 4], [2, 5], [1622, 5], [7, 1]] as const) {
        expect(macs(graph(`synth:fc?neurons=${n}&layers=${l}`))).toBe(n * (64 + 10 + (l - 1) * n));
        expect(scriptMacs({ family: 'fc', neurons: n, layers: l, output: 'float' })).toBe(n * (64 + 10 + (l - 1) * n));
      }
    });

    it('should give deep-equal graphs for the same spec', () => {
      expect(graph('synth:fc?neurons=30&layers=2')).toEqual(graph('synth:fc?layers=2&neurons=30'));
    });

    it('should reject bad specs with a Usage error naming the problem', () => {
      expect(message('synth:pool?filters=3')).toMatch(/unknown synthetic family "pool"/);
      expect(message('synth:conv')).toMatch(/missing parameter "filters"/);
      expect(message('synth:fc?layers=3')).toMatch(/missing parameter "neurons"/);
      expect(message('synth:conv?filters=0')).toMatch(/"filters" must be a positive integer, got "0"/);
      expect(message('synth:conv?filters=3.5')).toMatch(/"filters" must be a positive integer, got "3.5"/);
      expect(message('synth:conv?filters=')).toMatch(/"filters" must be a positive integer, got ""/);
      expect(message('synth:conv?filters=4&neurons=3')).toMatch(/unknown parameter "neurons" for family conv/);
      expect(message('synth:fc?neurons=4&neurons=5')).toMatch(/"neurons" given twice/);
      expect(message('synth:conv?filters=4&size=x')).toMatch(/^synth:conv\?filters=4&size=x: /);
      expect(message('synth:conv?filters=4&output=uint8')).toMatch(/"output" must be int8 or float, got "uint8"/);
      expect(message('synth:conv?filters=4&output=int8&output=float')).toMatch(/"output" given twice/);
    });
  });
});
