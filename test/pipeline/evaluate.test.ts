import * as E from 'fp-ts/Either';
import type { CostModel, SegmentCost } from '../../cost-models/types';
import type { LayerGraph } from '../../src/graph/types';
import { batchMsPerInput, checkCuts, evaluatePlan, segmentRanges } from '../../src/pipeline/evaluate';

/** A cost model where op i costs weights[i] ms and a segment costs the sum of its ops. */
function additive(weights: readonly number[]): CostModel {
  const graph = { name: 't', source: 't', tensors: [], ops: weights.map((_, i) => ({ index: i })), inputs: [], outputs: [] } as unknown as LayerGraph;
  const ms = (a: number, b: number): number => weights.slice(a, b).reduce((s, x) => s + x, 0);
  const segment = (a: number, b: number): SegmentCost => ({
    firstOp: a, lastOp: b - 1, ops: b - a, paramBytes: 0, onChipBytes: 0, offChipBytes: 0, computeMs: ms(a, b), streamMs: 0,
    inBytes: 0, outBytes: 0, inMs: 0, outMs: 0, fixedMs: 0, hopMs: 0, cpuOps: [], cpuMs: 0, ms: ms(a, b),
  });
  return { id: 'additive', profile: 'test', graph, segment, segmentMs: ms };
}

describe('pipeline/evaluate', () => {
  describe('evaluatePlan', () => {
    it('should give latency, bottleneck and the batch closed form', () => {
      const ev = evaluatePlan(additive([1, 2, 3, 4]), [2, 3], 15);
      expect(ev.segments.map((s) => s.ms)).toEqual([3, 3, 4]);
      expect(ev.latencyMs).toBe(10);
      expect(ev.bottleneckMs).toBe(4);
      expect(ev.msPerInput).toBeCloseTo((10 + 14 * 4) / 15, 12);
      expect(ev.batch).toBe(15);
    });

    it('should default to a batch of 15 and price a single segment as the whole model', () => {
      const ev = evaluatePlan(additive([1, 2]), []);
      expect(ev.batch).toBe(15);
      expect(ev.msPerInput).toBe(3);
      expect(ev.segments).toHaveLength(1);
    });

    it('should throw on cuts that break the plan contract', () => {
      expect(() => evaluatePlan(additive([1, 2, 3]), [2, 2])).toThrow(RangeError);
      expect(() => evaluatePlan(additive([1, 2, 3]), [0])).toThrow(RangeError);
      expect(() => evaluatePlan(additive([1, 2, 3]), [1], 0)).toThrow(RangeError);
    });
  });

  describe('checkCuts', () => {
    it('should name the offending cut', () => {
      const r = checkCuts(4, [1, 4]);
      expect(E.isLeft(r) && r.left).toEqual({ _tag: 'SegmentInvalid', message: 'cut 1 is 4: cuts must be integers in 1..3 for a model of 4 ops' });
      const s = checkCuts(4, [2, 1]);
      expect(E.isLeft(s) && s.left._tag).toBe('SegmentInvalid');
      expect(E.isRight(checkCuts(4, [1, 2, 3]))).toBe(true);
    });
  });

  describe('segmentRanges', () => {
    it('should cover all ops with half-open ranges', () => {
      expect(segmentRanges(5, [2, 4])).toEqual([[0, 2], [2, 4], [4, 5]]);
    });
  });

  describe('batchMsPerInput', () => {
    it('should equal the stage time for a batch of one stage, and the sum for a batch of one input', () => {
      expect(batchMsPerInput([7], 15)).toBe(7);
      expect(batchMsPerInput([1, 2, 3], 1)).toBe(6);
    });
  });
});
