import * as E from 'fp-ts/Either';
import type { CostModel, SegmentCost } from '../../cost-models/types';
import type { LayerGraph } from '../../src/graph/types';
import { batchMsPerInput, checkCuts, evaluatePlan, pipelineTimes, segmentRanges } from '../../src/pipeline/evaluate';
import { simulatePipeline } from '../../src/pipeline/simulate';
import { rng as seeded } from '../../src/rng';

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

  describe('pipelineTimes', () => {
    const cpp = { runner: 'pycoral', hostCores: 2, freshRunner: false } as const;

    it('should run at the slowest stage when the stages share nothing that binds', () => {
      const t = pipelineTimes([{ ms: 3, hostCpuMs: 1 }, { ms: 5, hostCpuMs: 1 }], cpp, 10);
      expect(t).toEqual({ slowestStageMs: 5, bottleneckMs: 5, limitedBy: 'slowest stage', latencyMs: 8, firstMs: 0, batch: 10, msPerInput: (8 + 9 * 5) / 10 });
    });

    it('should be held to the sum of the interpreter-lock work when it exceeds the slowest stage (the bench\'s fc pipelines)', () => {
      // Four stages of 0.1 ms of invoke and 0.245 ms under the lock: 0.98 ms per input, as measured on 4 TPUs.
      const stages = Array.from({ length: 4 }, () => ({ ms: 0.345, gilMs: 0.245 }));
      const t = pipelineTimes(stages, { ...cpp, runner: 'python-threads' }, 50);
      expect(t.bottleneckMs).toBeCloseTo(0.98, 12);
      expect(t.limitedBy).toBe('interpreter lock');
      expect(t.msPerInput).toBeCloseTo((4 * 0.345 + 49 * 0.98) / 50, 12);
    });

    it('should be held to a shared link and to host CPU time over the host\'s cores', () => {
      expect(pipelineTimes([{ ms: 2, linkMs: 1.5 }, { ms: 2, linkMs: 1.5 }], cpp, 1)).toMatchObject({ bottleneckMs: 3, limitedBy: 'shared link' });
      expect(pipelineTimes([{ ms: 2, hostCpuMs: 1.8 }, { ms: 2, hostCpuMs: 1.8 }, { ms: 2, hostCpuMs: 1.8 }], cpp, 1))
        .toMatchObject({ bottleneckMs: 2.7, limitedBy: 'host CPU' });
    });

    it('should put every first invoke on the fill path of a fresh runner only', () => {
      const stages = [{ ms: 2, firstMs: 30 }, { ms: 4, firstMs: 50 }];
      expect(pipelineTimes(stages, { ...cpp, freshRunner: true }, 100).msPerInput).toBeCloseTo((6 + 80 + 99 * 4) / 100, 12);
      expect(pipelineTimes(stages, cpp, 100).msPerInput).toBeCloseTo((6 + 99 * 4) / 100, 12);
    });

    it('should divide the slowest stage among replicas but not what they share', () => {
      // Four replicas of a 4 ms pipeline would give 1 ms per input, but their interpreter-lock work does not divide: 1.2 ms.
      const t = pipelineTimes([{ ms: 4, gilMs: 0.6 }, { ms: 4, gilMs: 0.6 }], { ...cpp, runner: 'python-threads' }, 10, 4);
      expect(t.bottleneckMs).toBeCloseTo(1.2, 12);
      expect(t.limitedBy).toBe('interpreter lock');
    });

    it('should never give a time per input below the slowest stage\'s steady-state time (random pipelines)', () => {
      const rng = seeded('pipeline-property');
      for (let trial = 0; trial < 500; trial++) {
        const n = rng.int(1, 8);
        const stages = Array.from({ length: n }, () => ({
          ms: rng.next() * 10, gilMs: rng.next() < 0.5 ? rng.next() : 0, linkMs: rng.next() < 0.3 ? rng.next() * 3 : 0,
          hostCpuMs: rng.next() * 2, firstMs: rng.next() * 100,
        }));
        const batch = rng.int(1, 200);
        const params = { runner: rng.next() < 0.5 ? 'pycoral' : 'python-threads', hostCores: rng.int(1, 8), freshRunner: rng.next() < 0.5 } as const;
        const t = pipelineTimes(stages, params, batch);
        expect(t.msPerInput).toBeGreaterThanOrEqual(t.slowestStageMs * (1 - 1e-12));
        expect(t.bottleneckMs).toBeGreaterThanOrEqual(t.slowestStageMs);
        expect(t.msPerInput).toBeGreaterThanOrEqual(t.bottleneckMs * (batch - 1) / batch);
        // With nothing shared and no first invokes, it is the closed form the one-slot-queue simulation reaches.
        const plain = stages.map((s) => s.ms);
        expect(pipelineTimes(plain.map((ms) => ({ ms })), undefined, batch).msPerInput).toBeCloseTo(simulatePipeline(plain, n, batch).msPerInput, 9);
      }
    });
  });
});
