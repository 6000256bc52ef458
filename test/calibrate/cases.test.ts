import * as E from 'fp-ts/Either';
import { measurementCases, publishedCases } from '../../src/calibrate/cases';
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
});
