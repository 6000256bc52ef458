import * as E from 'fp-ts/Either';
import { costModel, loadProfile } from '../../cost-models';
import { evaluatePlan, pipelineTimes } from '../../src/pipeline/evaluate';
import { evaluateLayout, groupsOf, kindOf, layoutFault } from '../../src/pipeline/layout';
import { zooModel } from '../../src/zoo';
import { boardCost } from '../advise/fixtures';

const cpp = { runner: 'pycoral' as const, hostCores: 2, freshRunner: false };

describe('pipeline/evaluate with copies', () => {
  it('should count a stage on c TPUs as its time / c in the steady state, and leave the shared bounds alone', () => {
    const t = pipelineTimes([{ ms: 6, copies: 3, hostCpuMs: 1 }, { ms: 4, hostCpuMs: 1 }], cpp, 10);
    expect(t.bottleneckMs).toBe(4);
    expect(t.slowestStageMs).toBe(6);
    expect(t.latencyMs).toBe(10);
    const locked = pipelineTimes([{ ms: 6, copies: 3, gilMs: 2.5 }, { ms: 4, copies: 2, gilMs: 1 }], { ...cpp, runner: 'python-threads' }, 10);
    expect(locked).toMatchObject({ bottleneckMs: 3.5, limitedBy: 'interpreter lock' });
  });

  it('should time a batch by dealing inputs to the copies in turn (hand-computed)', () => {
    // Stage 0 on 2 TPUs (4 ms), stage 1 on one (3 ms), 4 inputs. Stage 0 ends inputs at 4, 4, 8, 8;
    // stage 1 starts each when it arrives and the TPU is free: ends 7, 10, 13, 16.
    const t = pipelineTimes([{ ms: 4, copies: 2 }, { ms: 3 }], cpp, 4);
    expect(t.msPerInput).toBe(16 / 4);
    expect(t.bottleneckMs).toBe(3);
    // Replicas of a pipeline: two copies of [2, 2]: inputs end at 4, 4, 6, 6 (second stage waits for its own copy).
    expect(pipelineTimes([{ ms: 2 }, { ms: 2 }], cpp, 4, 2).msPerInput).toBe(6 / 4);
  });

  it('should keep the closed form of a plain pipeline, and never beat fill + (B - 1) x the shared bound', () => {
    const plain = pipelineTimes([{ ms: 3 }, { ms: 5 }], cpp, 10);
    expect(plain.msPerInput).toBe((8 + 9 * 5) / 10);
    const bound = pipelineTimes([{ ms: 3, copies: 4, hostCpuMs: 3 }, { ms: 3, copies: 4, hostCpuMs: 3 }], cpp, 10);
    expect(bound.limitedBy).toBe('host CPU');
    expect(bound.msPerInput).toBe((6 + 9 * 3) / 10);
  });

  it('should put each copy\'s first invoke on its first input on a fresh runner', () => {
    const t = pipelineTimes([{ ms: 2, copies: 2, firstMs: 10 }], { ...cpp, freshRunner: true }, 4);
    // Inputs 0 and 1 each meet a fresh copy: 12, 12; then 14, 14.
    expect(t.msPerInput).toBe(14 / 4);
  });
});

describe('pipeline/layout', () => {
  const profile = loadProfile('edgetpu-usb3');
  if (E.isLeft(profile)) throw new Error('profile');
  const graph = zooModel('zoo:mobilenet_v2');
  if (E.isLeft(graph)) throw new Error('model');
  const usb3 = costModel(graph.right, profile.right);

  it('should price a pipeline layout exactly as evaluatePlan prices its plan', () => {
    for (const runner of ['pycoral', 'python-threads'] as const) {
      const cost = costModel(graph.right, profile.right, { runner });
      const cuts = [20, 45];
      const plan = evaluatePlan(cost, cuts, 15);
      const ev = evaluateLayout(cost, { cuts, tpus: [[0], [1], [2]] }, 15);
      expect([ev.kind, ev.tpuCount, ev.handoffs]).toEqual(['pipeline', 3, []]);
      expect([ev.bottleneckMs, ev.latencyMs, ev.msPerInput, ev.limitedBy]).toEqual([plan.bottleneckMs, plan.latencyMs, plan.msPerInput, plan.limitedBy]);
    }
  });

  it('should run each replica of the whole model in a runner of its own', () => {
    const one = evaluateLayout(usb3, { cuts: [], tpus: [[0]] });
    const four = evaluateLayout(usb3, { cuts: [], tpus: [[0, 1, 2, 3]] });
    const hop = usb3.runnerStageMs!(0, graph.right.ops.length);
    expect(hop).toBeGreaterThan(0);
    expect(four.kind).toBe('replicas');
    expect(four.segments[0]!.ms).toBeCloseTo(one.segments[0]!.ms + hop, 12);
    expect(four.bottleneckMs).toBeCloseTo((one.bottleneckMs + hop) / 4, 12);
    expect(four.latencyMs).toBeCloseTo(one.latencyMs + hop, 12);
  });

  it('should hand each input\'s tensors from stage to stage in a hybrid, whose stage copies are runners of their own', () => {
    const cost = boardCost(8, 'handoff', { shared: true });
    const ev = evaluateLayout(cost, { cuts: [3, 6], tpus: [[0, 1], [2], [3]] }, 15);
    expect(ev.kind).toBe('hybrid');
    expect(ev.groups).toEqual([{ first: 0, last: 0, copies: 2 }, { first: 1, last: 1, copies: 1 }, { first: 2, last: 2, copies: 1 }]);
    expect(ev.handoffs).toEqual([{ cut: 3, after: 0, ms: cost.handoffMs!(3) }, { cut: 6, after: 1, ms: cost.handoffMs!(6) }]);
    const stages = [0, 1, 2].map((i) => cost.segment([0, 3, 6][i]!, [3, 6, 8][i]!, i));
    expect(ev.latencyMs).toBeCloseTo(stages.reduce((s, x) => s + x.ms, 0) + cost.handoffMs!(3) + cost.handoffMs!(6), 12);
    const reps = evaluateLayout(cost, { cuts: [4], tpus: [[0, 2], [1, 3]] }, 15);
    expect([reps.kind, reps.handoffs.length, reps.groups.length]).toEqual(['replicas', 0, 1]);
  });

  it('should price every copy where it runs and let the slowest set the stage', () => {
    const cost = boardCost(6, 'copies', { factors: [1, 3] });
    const ev = evaluateLayout(cost, { cuts: [3], tpus: [[0, 1], [2]] }, 15);
    expect(ev.copyMs[0]).toEqual([cost.segmentMs(0, 3, 0), cost.segmentMs(0, 3, 1)]);
    expect(ev.segments[0]!.ms).toBe(Math.max(cost.segmentMs(0, 3, 0), cost.segmentMs(0, 3, 1)));
    expect(ev.bottleneckMs).toBe(Math.max(ev.segments[0]!.ms / 2, cost.segmentMs(3, 6, 2)));
  });

  it('should name groups, kinds and malformed layouts', () => {
    expect(groupsOf([2, 1, 3])).toEqual([{ first: 0, last: 0, copies: 2 }, { first: 1, last: 1, copies: 1 }, { first: 2, last: 2, copies: 3 }]);
    expect(groupsOf([2, 2, 2])).toEqual([{ first: 0, last: 2, copies: 2 }]);
    expect([kindOf([1, 1]), kindOf([2, 2]), kindOf([2, 1])]).toEqual(['pipeline', 'replicas', 'hybrid']);
    expect(layoutFault({ cuts: [3], tpus: [[0]] })).toBe('1 cuts make 2 stages, but TPUs are given for 1');
    expect(layoutFault({ cuts: [3], tpus: [[0], []] })).toBe('stage 1 runs on no TPU');
    expect(layoutFault({ cuts: [3], tpus: [[0], [0]] })).toBe('TPU 0 runs two stage copies');
    expect(() => evaluateLayout(usb3, { cuts: [3], tpus: [[0], [0]] })).toThrow(RangeError);
  });
});
