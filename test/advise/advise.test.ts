import * as E from 'fp-ts/Either';
import { advise, type AdvisedConfiguration, type Advice } from '../../src/advise/advise';
import { choose, dominates, kneeOf, paretoFront } from '../../src/advise/choose';
import { zooNames } from '../../src/zoo';
import type { LayoutEvaluation } from '../../src/pipeline/layout';

const MiB = 1024 * 1024;
const cache = new Map<string, Advice>();
function advice(model: string, tpus: number, extra: { profile?: string; devices?: string } = {}): Advice {
  const key = JSON.stringify([model, tpus, extra]);
  let a = cache.get(key);
  if (!a) {
    const r = advise({ model, tpus, ...extra });
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
    cache.set(key, (a = r.right));
  }
  return a;
}
const byId = (a: Advice, id: string): AdvisedConfiguration => a.report.configurations.find((c) => c.id === id)!;
const recommended = (a: Advice): AdvisedConfiguration => byId(a, a.report.recommended);
const best = (a: Advice, pick: (c: AdvisedConfiguration) => boolean): AdvisedConfiguration | undefined =>
  a.report.configurations.filter(pick).sort((x, y) => y.throughput - x.throughput)[0];
const single = (a: Advice): AdvisedConfiguration => a.report.configurations.find((c) => c.kind === 'pipeline' && c.stages === 1)!;

describe('advise', () => {
  describe('a model that fits on one TPU (MobileNet v2)', () => {
    it('should recommend replicas of the whole model over any pipeline, with the figures that justify it', () => {
      for (const K of [2, 4, 8]) {
        const a = advice('zoo:mobilenet_v2', K);
        const one = single(a);
        const rec = recommended(a);
        // The cost model says it fits: nothing streams on one TPU.
        expect(one.streams).toBe(false);
        expect(a.report.fitsOnOneTpu).toBe(true);
        expect([K, rec.kind, rec.stages, rec.tpus]).toEqual([K, 'replicas', 1, K]);
        const pipe = best(a, (c) => c.kind === 'pipeline')!;
        expect(rec.throughput).toBeGreaterThan(pipe.throughput);
        // Replicas of a model that fits scale almost linearly; a deep pipeline does not.
        expect(rec.throughput).toBeGreaterThan(0.9 * K * one.throughput);
        expect(a.report.reasoning).toMatch(/^fits on one TPU \([\d.]+ MiB cached on chip\)/);
        const said = new RegExp(`${K} replicas on ${K} TPUs \\((\\d+) inputs/s, ([\\d.]+)x \\(80% band ([\\d.]+)x-([\\d.]+)x\\) the throughput of`).exec(a.report.reasoning);
        expect(said).not.toBeNull();
        expect(Number(said![1])).toBe(Math.round(rec.throughput));
        expect(Number(said![2])).toBeCloseTo(rec.throughput / pipe.throughput, 1);
        // The band of a speedup (the profile's ratioBand) around the ratio.
        expect(Number(said![3])).toBeLessThan(Number(said![2]));
        expect(Number(said![4])).toBeGreaterThan(Number(said![2]));
      }
    });
  });

  describe('models that stream heavily on one TPU (ResNet-152, Inception v4)', () => {
    for (const model of ['zoo:resnet152_v1', 'zoo:inception_v4']) {
      it(`should cut ${model} into a pipeline that streams less, and spend TPUs left on copies of its slowest stages`, () => {
        for (const K of [4, 8]) {
          const a = advice(model, K);
          const one = single(a);
          const rec = recommended(a);
          expect(one.streams).toBe(true);
          expect(a.report.reasoning).toMatch(new RegExp(`^spills on one TPU \\(${(one.offChipBytes / MiB).toFixed(0)} MiB streamed per input\\)`));
          // Depth first: replicas of the whole model keep streaming it all; a pipeline does not.
          expect(rec.stages).toBeGreaterThanOrEqual(2);
          expect(rec.offChipBytes).toBeLessThan(one.offChipBytes);
          const wholes = best(a, (c) => c.kind === 'replicas' && c.stages === 1);
          expect(rec.throughput).toBeGreaterThan(wholes!.throughput);
          // Nothing on the board does better beyond the tolerance.
          for (const c of a.report.configurations) expect(rec.steadyMs).toBeLessThanOrEqual(c.steadyMs * (1 + a.report.tolerance));
          // TPUs beyond one per stage go to the stages that set the pace: the stage with the most
          // copies is the slowest on one TPU.
          if (rec.tpus > rec.stages) {
            const most = Math.max(...rec.copies);
            const slowest = rec.stageMs.indexOf(Math.max(...rec.stageMs));
            expect(rec.copies[slowest]).toBe(most);
            expect(rec.throughput).toBeGreaterThan(best(a, (c) => c.kind === 'pipeline')!.throughput);
          }
        }
      });
    }

    it('should run a pipeline just deep enough to stop the streaming, then replicas of it, where activations are small (an fc model)', () => {
      const a = advice('synth:fc?neurons=2048&layers=4', 8);
      const stops = a.report.streamingStopsAt!;
      expect(stops).toBeGreaterThan(1);
      const rec = recommended(a);
      expect(rec.streams).toBe(false);
      expect(rec.stages).toBe(stops);
      // TPUs remain for at least one more copy of that pipeline: it is replicated.
      expect(Math.floor(8 / stops)).toBeGreaterThanOrEqual(2);
      expect(Math.min(...rec.copies)).toBeGreaterThanOrEqual(2);
      expect(a.report.reasoning).toContain(`${stops} stages remove all streaming; replicate that pipeline ${rec.copies[0]} times`);
    });
  });

  it('should find on K TPUs the same configurations as on more, restricted to K', () => {
    const small = advice('zoo:inception_v4', 4);
    const large = advice('zoo:inception_v4', 8);
    const key = (c: AdvisedConfiguration) => JSON.stringify([c.cuts, c.assignment, c.steadyMs]);
    expect(small.report.configurations.map(key).sort()).toEqual(large.report.configurations.filter((c) => c.tpus <= 4).map(key).sort());
  });

  it('should give the same advice for a board of one profile listed K times as for K TPUs of it', () => {
    const plain = advice('zoo:mobilenet_v2', 4, { profile: 'edgetpu-ucm-bench' }).report;
    const board = advice('zoo:mobilenet_v2', 4, { devices: 'edgetpu-ucm-bench,edgetpu-ucm-bench,edgetpu-ucm-bench,edgetpu-ucm-bench' }).report;
    const { devices, ...rest } = board;
    expect(devices).toHaveLength(4);
    expect(rest).toEqual(plain);
  });

  it('should choose which TPUs of a mixed board run which stage, each TPU once', () => {
    const a = advice('zoo:inception_v4', 4, { devices: 'edgetpu-usb3,edgetpu-pcie,edgetpu-usb3,edgetpu-usb3' });
    expect(a.report.orders!.tried).toBeGreaterThan(1);
    expect(a.report.devices).toEqual(['edgetpu-usb3', 'edgetpu-pcie', 'edgetpu-usb3', 'edgetpu-usb3']);
    for (const c of a.report.configurations) {
      const used = c.assignment.flat();
      expect(new Set(used).size).toBe(used.length);
      expect(used.every((t) => t >= 0 && t < 4)).toBe(true);
    }
    // One TPU alone is the fastest for the whole model.
    const n = a.graph.ops.length;
    const alone = [0, 1, 2, 3].map((t) => a.cost.segmentMs(0, n, t));
    expect(single(a).assignment).toEqual([[alone.indexOf(Math.min(...alone))]]);
  });

  it('should carry the bands of the profile and mark the Pareto front', () => {
    const a = advice('zoo:resnet152_v1', 8);
    const rec = recommended(a);
    expect(rec.throughputLow).toBeLessThan(rec.throughput);
    expect(rec.throughputHigh).toBeGreaterThan(rec.throughput);
    expect(rec.uncertainty?.regime).toBe('pipeline/conv/streaming');
    expect(a.report.front).toContain(rec.id);
    expect(a.report.bestByTpus.map((b) => b.tpus)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  describe('kneeOf', () => {
    it('should put the knee where no further TPU adds the fraction of a TPU\'s average (hand-computed)', () => {
      // Rates on 1..5 TPUs: 1, 2, 3, 3.2, 3.3: the 4th adds 0.2 of 1 on average at 3, the 5th 0.1 of 0.8.
      expect(kneeOf([1, 2, 3, 3.2, 3.3], 0.5)).toEqual({ tpus: 3, fraction: 0.5, adds: [1, 1, expect.closeTo(0.2, 12), expect.closeTo(0.125, 12)] });
      // Linear scaling has no knee below K; a later jump moves the knee past it.
      expect(kneeOf([1, 2, 3, 4], 0.5).tpus).toBe(4);
      expect(kneeOf([1, 1.1, 1.2, 4], 0.5).tpus).toBe(4);
    });
  });

  describe('paretoFront', () => {
    it('should keep what nothing beats in throughput, latency, TPUs and bytes streamed at once', () => {
      const c = (bottleneckMs: number, latencyMs: number, tpuCount: number, offChipBytes = 0) => ({ bottleneckMs, latencyMs, tpuCount, offChipBytes }) as LayoutEvaluation;
      const cands = [c(10, 10, 1), c(5, 12, 2), c(6, 12, 2), c(5, 9, 3), c(5, 12, 2), c(5, 12, 2, 1), c(4, 12, 2, 1)];
      expect(paretoFront(cands)).toEqual([0, 6, 1, 3]);
    });
  });

  describe('the recommendation', () => {
    // Every zoo model at its default size, both Coral profiles, K = 1..8: one search on 8 TPUs per
    // model and profile, then the choice on each K from its configurations on at most K TPUs (the
    // same configurations advise finds on K, as a test above checks).
    it('should be on the front, and no listed configuration dominates it (throughput, latency, TPUs, bytes streamed)', () => {
      const failures: string[] = [];
      for (const profile of ['edgetpu-usb3', 'edgetpu-pcie']) {
        for (const name of zooNames()) {
          const a = advice(`zoo:${name}`, 8, { profile });
          for (let K = 1; K <= 8; K++) {
            const cands = a.evaluations.filter((e) => e.tpuCount <= K);
            const c = choose(cands, K, 'throughput', a.report.tolerance, 0.5);
            const rec = cands[c.recommended]!;
            if (!c.front.includes(c.recommended)) failures.push(`${profile} ${name} K=${K}: recommended not on the front`);
            const by = cands.find((y) => dominates(y, rec));
            if (by) failures.push(`${profile} ${name} K=${K}: dominated (${by.bottleneckMs} / ${by.latencyMs} ms / ${by.tpuCount} TPUs / ${by.offChipBytes} B against ${rec.bottleneckMs} / ${rec.latencyMs} / ${rec.tpuCount} / ${rec.offChipBytes})`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });
});
