import * as E from 'fp-ts/Either';
import { compiledBytes, ELEMENTWISE_BYTES, ELEMENTWISE_MERGED_FRACTION, streamsAlways, tpuKind } from '../../cost-models/ops';
import { costModel, loadProfile } from '../../cost-models';
import { GraphBuilder } from '../../src/zoo/builder';
import type { WithLowerBound } from '../../src/search/bound';
import { chain } from './graphs';

const layout = { padOut: 64, padIn: 4, channelOverhead: 8 };

describe('cost-models/ops', () => {
  describe('tpuKind', () => {
    it('should name the rate class of every op', () => {
      const g = chain([{ kind: 'conv', filters: 8 }, { kind: 'dw' }, { kind: 'relu' }, { kind: 'cpu', type: 'RESHAPE' }, { kind: 'fc', units: 4 }], { input: [4, 4, 3] });
      expect(g.ops.map((o) => tpuKind(o))).toEqual(['conv', 'depthwise', 'eltwise', 'free', 'fc']);
    });
  });

  describe('compiledBytes', () => {
    it('should reproduce the compiler figures of the measured models', () => {
      // fc 6912 -> 2 (fc-L5-1tpu.csv, N = 2): 0.42 MiB reported = 6912 x 64.
      const fc = chain([{ kind: 'fc', units: 2 }], { input: [6912] });
      expect(compiledBytes(fc, fc.ops[0]!, layout)).toBe(6912 * 64);
      // 3x3 conv 42 -> 42: input channels padded to 44, output channels to 64, 8 bytes per padded channel.
      const conv = chain([{ kind: 'conv', filters: 42 }, { kind: 'conv', filters: 42 }], { input: [8, 8, 3] });
      expect(compiledBytes(conv, conv.ops[0]!, layout)).toBe((9 * 4 + 8) * 64);
      expect(compiledBytes(conv, conv.ops[1]!, layout)).toBe((9 * 44 + 8) * 64);
    });

    it('should give 0 bytes to an op without constants', () => {
      const g = chain([{ kind: 'relu' }], { input: [4] });
      expect(compiledBytes(g, g.ops[0]!, layout)).toBe(0);
    });
  });

  describe('elementwise constants', () => {
    it('should stream a batch norm no conv absorbs on every invoke, 16 bytes per channel each of MUL and ADD, with room on chip', () => {
      const b = new GraphBuilder('bn', 'test');
      let x = b.input([8, 8, 96]);
      x = b.bn(x, { act: 'relu' });
      x = b.conv(x, { filters: 32, kernel: 1 });
      const g = b.finish([x], 'pre-activation batch norm, then a 1x1 conv');
      const [mul, add, conv] = ['MUL', 'ADD', 'CONV_2D'].map((t) => g.ops.find((o) => o.type === t)!);
      expect([streamsAlways(mul!), streamsAlways(add!), streamsAlways(conv!)]).toEqual([true, true, false]);
      expect(compiledBytes(g, mul!, layout)).toBe(ELEMENTWISE_BYTES * 96);
      const profile = loadProfile('edgetpu-ucm-bench');
      if (E.isLeft(profile)) throw new Error('profile');
      const s = costModel(g, profile.right).segment(0, g.ops.length);
      // DenseNet-201's fitting segments stream exactly 32 bytes per batch-norm channel (compiler-memory/keras-segments.csv).
      expect(s.offChipBytes).toBe(32 * 96);
      expect(s.onChipBytes).toBe(compiledBytes(g, conv!, layout));
    });

    it('should stream them at a quarter of that beside layer weights that overflow the cache, in every query alike', () => {
      const b = new GraphBuilder('bn-over', 'test');
      let x = b.input([4, 4, 1024]);
      x = b.bn(x, { act: 'relu' });
      x = b.conv(x, { filters: 1024, kernel: 3 });
      x = b.conv(x, { filters: 1024, kernel: 1 });
      const g = b.finish([x], 'a batch norm, then 10 MiB of convs');
      const profile = loadProfile('edgetpu-ucm-bench');
      if (E.isLeft(profile)) throw new Error('profile');
      const model = costModel(g, profile.right) as ReturnType<typeof costModel> & Required<WithLowerBound>;
      const n = g.ops.length;
      const ew = g.ops.filter(streamsAlways).reduce((sum, op) => sum + compiledBytes(g, op, layout), 0);
      expect(ew).toBe(32 * 1024);
      const whole = model.segment(0, n);
      const convs = g.ops.filter((o) => o.type === 'CONV_2D').reduce((sum, op) => sum + compiledBytes(g, op, layout), 0);
      expect(whole.onChipBytes).toBeLessThan(convs);
      expect(whole.offChipBytes).toBeCloseTo(convs - whole.onChipBytes + ew * ELEMENTWISE_MERGED_FRACTION, 6);
      expect(ELEMENTWISE_MERGED_FRACTION).toBe(0.25);
      // The batch norm alone (nothing else streams) streams all of it.
      const bnEnd = g.ops.findIndex((o) => o.type === 'CONV_2D');
      expect(model.segment(0, bnEnd).offChipBytes).toBe(ew);
      for (const [a, c] of [[0, n], [0, bnEnd], [bnEnd, n], [0, n - 1]] as const) {
        expect(model.segmentMs(a, c)).toBe(model.segment(a, c).ms);
        expect(model.offChipBytes!(a, c)).toBe(model.segment(a, c).offChipBytes);
        expect(model.lowerBoundMs(a, c)).toBeLessThanOrEqual(model.segmentMs(a, c));
      }
      // Every range: dp's row pricing agrees bit for bit, and the lower bound holds and never falls as the range grows.
      const row = new Float64Array(n + 1);
      for (let c = 1; c <= n; c++) {
        model.segmentMsRow!(c, 0, c, row);
        for (let a = 0; a < c; a++) {
          expect([a, c, row[a]]).toEqual([a, c, model.segmentMs(a, c)]);
          const bound = model.lowerBoundMs(a, c);
          expect(bound).toBeLessThanOrEqual(model.segmentMs(a, c));
          if (a > 0) expect(model.lowerBoundMs(a - 1, c)).toBeGreaterThanOrEqual(bound);
          if (c < n) expect(model.lowerBoundMs(a, c + 1)).toBeGreaterThanOrEqual(bound);
        }
      }
    });
  });
});
