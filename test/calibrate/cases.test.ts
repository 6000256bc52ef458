import * as E from 'fp-ts/Either';
import { cutsFromMemory, layerCutSets, measurementCases, publishedCases } from '../../src/calibrate/cases';
import { predictCase } from '../../src/calibrate/predict';
import { loadProfile } from '../../cost-models';
import type { MeasurementEntry } from '../../src/calibrate/mapping';

const HEAD = 'Num filters,# MACs,On chip mem used,Off chip mem used,Inference time\n';
const conv = (tpus: number, split: MeasurementEntry['split']): MeasurementEntry =>
  ({ model: 'synth:conv?filters={x}&size=16', x: 'Num filters', tpus, split, batch: tpus === 1 ? 1 : 100, group: tpus === 1 ? 'single' : 'multi' });

describe('calibrate/cases', () => {
  describe('measurementCases', () => {
    it('should build one case per row with its model, cuts and compiler figures', () => {
      const r = measurementCases(`${HEAD}32,1,0.07,0.0,2.1\n42,1,0.1,0.0,2.9\n`, 'dir/conv-1tpu.csv', conv(1, 'whole'));
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      expect(r.right.cases.map((c) => [c.file, c.label, c.spec, c.cuts, c.batch, c.measuredMs, c.onChipMiB, c.offChipMiB])).toEqual([
        ['conv-1tpu.csv', 'Num filters=32', 'synth:conv?filters=32&size=16', [], 1, 2.1, [0.07], [0]],
        ['conv-1tpu.csv', 'Num filters=42', 'synth:conv?filters=42&size=16', [], 1, 2.9, [0.1], [0]],
      ]);
    });

    it('should cut multi-TPU rows as the mapping says and read per-segment lists', () => {
      const r = measurementCases(`${HEAD}32,1,"[0.02, 0.05]","[0.0, 0.0]",2.7\n`, 'c2.csv', conv(2, 'compiler'));
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      // QUANTIZE, conv x5, DEQUANTIZE: the compiler's split closes before the third conv.
      expect(r.right.cases[0]!.cuts).toEqual([3]);
      expect(r.right.cases[0]!.onChipMiB).toEqual([0.02, 0.05]);
    });

    it('should read a profiling split\'s cuts from its per-segment memory, and need the memory columns for it', () => {
      // F = 602 (conv-2tpu-profiling-batch100-large.csv): conv1-4 on the first TPU, conv5 on the second.
      const big = { ...conv(2, 'profiling'), model: 'synth:conv?filters={x}' };
      const r = measurementCases(`${HEAD}602,1,"[6.67, 3.32]","[3.32, 0.0]",85.4\n642,1,"[3.93, 3.9]","[3.9, 3.9]",142.6\n`, 'p.csv', big);
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      expect(r.right.cases.map((c) => [c.cuts, c.split])).toEqual([[[5], 'profiling'], [[4], 'profiling']]);
      const bare = measurementCases('Num filters,Inference time\n602,85.4\n', 'p.csv', big);
      expect(E.isLeft(bare) && bare.left).toEqual({ _tag: 'ConfigInvalid', file: 'p.csv', problems: [expect.stringMatching(/^row 2: a profiling split needs the "On chip mem used" and "Off chip mem used" columns/)] });
    });

    it('should price a fastest split as the fastest layer split under the model, whatever its memory columns say', () => {
      const fc = { model: 'synth:fc?neurons={x}&layers=4&output=int8', x: 'Hidden neurons', tpus: 2, split: 'fastest' as const, batch: 50, group: 'multi' as const, runner: 'python-threads' as const };
      const r = measurementCases('Hidden neurons,On chip mem used,Off chip mem used,Inference time\n1780,"[0.109375, 6.19]","[0.0, 3.04]",0.499\n', 'f.csv', fc);
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      const c = r.right.cases[0]!;
      expect(c.candidates!.length).toBe(4);
      const profile = loadProfile('edgetpu-ucm-bench');
      if (E.isLeft(profile)) throw new Error('profile');
      const p = predictCase(c, profile.right);
      const each = c.candidates!.map((cuts) => predictCase({ ...c, cuts, candidates: undefined }, profile.right).ms);
      expect(p.ms).toBe(Math.min(...each));
      expect(p.cuts).toEqual(c.candidates![each.indexOf(Math.min(...each))]);
      // The timed 0.5 ms is a split that streams nothing: the memory columns' split (cut [3]) streams 3 MiB.
      expect(p.offChipMiB.every((x) => x < 0.01)).toBe(true);
    });

    it('should name the row and column of a bad value', () => {
      const one = measurementCases(`${HEAD}32,1,"[0.02, 0.05]",0.0,2.7\n`, 'c.csv', conv(1, 'whole'));
      expect(E.isLeft(one) && one.left).toEqual({ _tag: 'ConfigInvalid', file: 'c.csv', problems: ['row 2, column "On chip mem used": expected 1 number(s), got "[0.02, 0.05]"'] });
      const time = measurementCases(`${HEAD}32,1,0.1,0.0,-1\n`, 'c.csv', conv(1, 'whole'));
      expect(E.isLeft(time) && time.left._tag === 'ConfigInvalid' && time.left.problems[0]).toMatch(/row 2, column "Inference time": expected a positive time/);
      const col = measurementCases(HEAD, 'c.csv', { ...conv(1, 'whole'), x: 'Filters' });
      expect(E.isLeft(col) && col.left._tag === 'ConfigInvalid' && col.left.problems[0]).toMatch(/^no column "Filters"/);
    });
  });

  describe('publishedCases', () => {
    const text = 'model,input,usb3_ms,devboard_pcie_ms,source\nm1,224,2.4,2.5,x\nnope,224,1,1,x\nnew,224,3,3,x\n';
    it('should make a case per mapped column and skip rows it cannot build, saying why', () => {
      const r = publishedCases(text, 'p.csv', {
        models: { m1: 'zoo:mobilenet_v1@{input}', new: 'zoo:not_registered_yet' },
        columns: { usb3_ms: 'edgetpu-usb3', devboard_pcie_ms: 'edgetpu-pcie' },
      });
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      expect(r.right.cases.map((c) => [c.label, c.spec, c.profile, c.measuredMs])).toEqual([
        ['m1 (usb3_ms)', 'zoo:mobilenet_v1@224', 'edgetpu-usb3', 2.4],
        ['m1 (devboard_pcie_ms)', 'zoo:mobilenet_v1@224', 'edgetpu-pcie', 2.5],
      ]);
      expect(r.right.skipped.map((s) => [s.label, s.reason.split(':')[0]])).toEqual([
        ['nope', 'no model for it in the mapping'],
        ['new', 'zoo'],
      ]);
      expect(r.right.skipped[1]!.reason).toMatch(/cannot be built: .*unknown zoo model "not_registered_yet"/);
    });
  });

  describe('cutsFromMemory', () => {
    it('should pick the cuts before layers whose parameter shares match the reported MiB, for any segment count', () => {
      const g = measurementCases(`${HEAD}256,1,0.5,0.0,2\n`, 'c.csv', { ...conv(1, 'whole'), model: 'synth:conv?filters={x}' });
      if (E.isLeft(g)) throw new Error('graph');
      const graph = g.right.cases[0]!.graph;
      // QUANTIZE, conv1 (3 -> F), conv2..5 (F -> F): the heavy layers hold equal shares.
      expect(layerCutSets(graph, 2)).toEqual(E.right([[2], [3], [4], [5]]));
      expect(cutsFromMemory(graph, [1.1, 3.3])).toEqual(E.right([3]));
      expect(cutsFromMemory(graph, [0.01, 1.1, 2.2, 1.1])).toEqual(E.right([2, 3, 5]));
      expect(cutsFromMemory(graph, [2])).toEqual(E.right([]));
      expect(E.isLeft(cutsFromMemory(graph, [1, 1, 1, 1, 1, 1]))).toBe(true);
    });
  });
});
