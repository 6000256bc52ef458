import { planResult } from '../../src/plan/result';
import type { PlanEvaluation } from '../../src/pipeline/evaluate';
import type { SegmentCost } from '../../cost-models/types';

const seg = (a: number, b: number, ms: number): SegmentCost => ({
  firstOp: a, lastOp: b - 1, ops: b - a, paramBytes: 10, onChipBytes: 8, offChipBytes: 2, computeMs: 1, streamMs: 0,
  inBytes: 3, outBytes: 4, inMs: 0, outMs: 0, fixedMs: 0, hopMs: 0, cpuOps: [], cpuMs: 0, ms,
});

describe('plan/result', () => {
  describe('planResult', () => {
    it('should keep exactly the contract fields', () => {
      const ev: PlanEvaluation = { cuts: [2], segments: [seg(0, 2, 1), seg(2, 3, 2)], bottleneckMs: 2, latencyMs: 3, batch: 15, msPerInput: 31 / 15 };
      const r = planResult('compiler', ev);
      expect(Object.keys(r)).toEqual(['strategy', 'cuts', 'segments', 'bottleneckMs', 'latencyMs', 'batch', 'msPerInput']);
      expect(r.segments[1]).toEqual({ firstOp: 2, lastOp: 2, ops: 1, paramBytes: 10, onChipBytes: 8, offChipBytes: 2, inBytes: 3, outBytes: 4, ms: 2 });
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    });
  });
});
