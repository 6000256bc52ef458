import * as E from 'fp-ts/Either';
import { compilerCuts, layerCuts } from '../../src/plan/fixed-splits';
import { chain } from '../cost-models/graphs';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

// Param bytes per op: fc 10x8 -> 80 + 40 = 120; 10x10 -> 140; 10x10 -> 140; 10x10 -> 140.
const fc4 = chain([{ kind: 'fc', units: 10 }, { kind: 'fc', units: 10 }, { kind: 'fc', units: 10 }, { kind: 'fc', units: 10 }], { input: [8] });

describe('plan/fixed-splits', () => {
  describe('compilerCuts', () => {
    it('should close a segment just before the op that passes total / N + 1', () => {
      // total 540, target 271: 120 + 140 = 260 fits, + 140 = 400 does not -> cut at 2.
      expect(fc4.ops.map((o) => o.paramBytes)).toEqual([120, 140, 140, 140]);
      expect(right(compilerCuts(fc4, 2))).toEqual([2]);
      // target 181: 120 fits, 260 does not -> 1; 140 fits, 280 does not -> 2; the last takes the rest.
      expect(right(compilerCuts(fc4, 3))).toEqual([1, 2]);
    });

    it('should leave the first segment nearly empty for a tiny first layer, as the compiler does on the conv models', () => {
      // conv 3->32 is tiny, then 4 equal convs: target = total/2 + 1 admits conv0 + conv1 only.
      const g = chain([{ kind: 'conv', filters: 32 }, { kind: 'conv', filters: 32 }, { kind: 'conv', filters: 32 },
        { kind: 'conv', filters: 32 }, { kind: 'conv', filters: 32 }], { input: [8, 8, 3], floatEdges: true });
      expect(right(compilerCuts(g, 2))).toEqual([3]);
    });

    it('should give no cuts for one segment and fill degenerate splits to N non-empty segments', () => {
      expect(right(compilerCuts(fc4, 1))).toEqual([]);
      const relus = chain([{ kind: 'relu' }, { kind: 'relu' }, { kind: 'relu' }, { kind: 'relu' }], { input: [4] });
      expect(right(compilerCuts(relus, 4))).toEqual([1, 2, 3]);
      expect(right(compilerCuts(relus, 2))).toEqual([2]);
    });

    it('should refuse more segments than ops', () => {
      const r = compilerCuts(fc4, 5);
      expect(E.isLeft(r) && r.left._tag).toBe('Infeasible');
    });
  });

  describe('layerCuts', () => {
    it('should give the extra layers to the last segments and keep trailing ops with their layer', () => {
      // QUANTIZE, fc, relu, fc, relu, fc, relu, fc, relu, fc, DEQUANTIZE: 5 layers over 2 -> 2 + 3.
      const g = chain([{ kind: 'fc', units: 4 }, { kind: 'relu' }, { kind: 'fc', units: 4 }, { kind: 'relu' },
        { kind: 'fc', units: 4 }, { kind: 'relu' }, { kind: 'fc', units: 4 }, { kind: 'relu' }, { kind: 'fc', units: 4 }],
      { input: [4], floatEdges: true });
      expect(right(layerCuts(g, 2))).toEqual([5]);
      expect(right(layerCuts(g, 3))).toEqual([3, 7]);
      expect(right(layerCuts(g, 5))).toEqual([3, 5, 7, 9]);
    });

    it('should fall back to op halving when there are fewer layers than segments', () => {
      expect(right(layerCuts(chain([{ kind: 'fc', units: 2 }, { kind: 'relu' }, { kind: 'relu' }], { input: [2] }), 3))).toEqual([1, 2]);
    });
  });
});
