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
      const ev: PlanEvaluation = {
        cuts: [2], segments: [seg(0, 2, 1), seg(2, 3, 2)], slowestStageMs: 2, bottleneckMs: 2, limitedBy: 'slowest stage', latencyMs: 3, firstMs: 0, batch: 15, msPerInput: 31 / 15,
      };
      const r = planResult('compiler', ev);
      expect(Object.keys(r)).toEqual(['strategy', 'cuts', 'segments', 'bottleneckMs', 'limitedBy', 'latencyMs', 'firstMs', 'batch', 'msPerInput']);
      expect(r.segments[1]).toEqual({ firstOp: 2, lastOp: 2, ops: 1, tpuOps: 1, paramBytes: 10, onChipBytes: 8, offChipBytes: 2, inBytes: 3, outBytes: 4, ms: 2 });
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    });

    it('should spread every time by the band of its regime', () => {
      const ev: PlanEvaluation = {
        cuts: [2], segments: [seg(0, 2, 1), seg(2, 3, 2)], slowestStageMs: 2, bottleneckMs: 2, limitedBy: 'slowest stage', latencyMs: 3, firstMs: 0, batch: 15, msPerInput: 31 / 15,
      };
      const r = planResult('compiler', ev, { regime: 'pipeline/conv/streaming', band: { lo: 0.9, hi: 1.2, rows: 40, from: 'p' } });
      expect([r.bottleneckMsLow, r.bottleneckMsHigh]).toEqual([2 * 0.9, 2 * 1.2]);
      expect([r.msPerInputLow, r.msPerInputHigh]).toEqual([(31 / 15) * 0.9, (31 / 15) * 1.2]);
      expect([r.segments[0]!.msLow, r.segments[0]!.msHigh]).toEqual([0.9, 1.2]);
      expect(r.uncertainty).toEqual({ regime: 'pipeline/conv/streaming', band: { lo: 0.9, hi: 1.2, rows: 40, from: 'p' } });
      expect(planResult('compiler', ev, { regime: 'single/fc/on-chip' }).msPerInputLow).toBeUndefined();
    });
  });
});
