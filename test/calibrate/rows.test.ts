import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCsv } from '../../src/calibrate/csv';
import { isSelfDescribing, parseCuts, resolveSpec, rowCases } from '../../src/calibrate/rows';
import { loadModel } from '../../src/model/load';
import { writeTflite } from '../../src/tflite/writer';
import { MEASUREMENT_COLUMNS } from '../../src/validate/measurements';

const HEADER = MEASUREMENT_COLUMNS.join(',');
// synth:conv?filters=8&layers=3&size=16 has 4 ops (QUANTIZE and 3 convs; its output stays int8).
const SPEC = 'synth:conv?filters=8&layers=3&size=16';
const ROW = `m,${SPEC},2,hand,[2],15,edgetpu-usb3,"[3.75, 3.75]","[0, 0]","[1.5, 0.5]",1.5333,0.61`;

const cases = (text: string, file = '/data/m.csv') => {
  const t = parseCsv(text, file);
  if (E.isLeft(t)) throw new Error(JSON.stringify(t.left));
  return rowCases(t.right, file);
};
const problem = (text: string): string => {
  const r = cases(text);
  return E.isLeft(r) && r.left._tag === 'ConfigInvalid' ? `${r.left.file}: ${r.left.problems.join(' | ')}` : 'accepted';
};

describe('calibrate/rows', () => {
  describe('isSelfDescribing', () => {
    it('should need both a spec and a cuts column', () => {
      expect(isSelfDescribing(MEASUREMENT_COLUMNS)).toBe(true);
      expect(isSelfDescribing(['Spec', 'Inference time'])).toBe(false);
      expect(isSelfDescribing(['Num filters', 'On chip mem used', 'Off chip mem used', 'Inference time'])).toBe(false);
    });
  });

  describe('parseCuts', () => {
    it('should read integer lists, the empty list included, and nothing else', () => {
      expect(parseCuts('[2]')).toEqual([2]);
      expect(parseCuts(' [12, 40] ')).toEqual([12, 40]);
      expect(parseCuts('[]')).toEqual([]);
      for (const bad of ['2', '[x]', '[1.5]', '[1,,2]', '[-1]', '']) expect(parseCuts(bad)).toBeUndefined();
    });
  });

  describe('resolveSpec', () => {
    it('should keep model specs and resolve file paths against the CSV directory', () => {
      expect(resolveSpec('zoo:mobilenet_v1', '/d/m.csv')).toBe('zoo:mobilenet_v1');
      expect(resolveSpec(SPEC, '/d/m.csv')).toBe(SPEC);
      expect(resolveSpec('x/a.tflite', '/d/m.csv')).toBe('/d/x/a.tflite');
      expect(resolveSpec('/abs/a.tflite', '/d/m.csv')).toBe('/abs/a.tflite');
    });
  });

  describe('rowCases', () => {
    it('should take the model, cuts, batch and MiB from each row', () => {
      const r = cases(`${HEADER}\n${ROW}\n${ROW.replace('[2],15', '[3],50').replace('"[3.75, 3.75]"', '"[1, nan]"')}\n`);
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
      expect(r.right.cases.map((c) => [c.file, c.group, c.label, c.spec, c.cuts, c.batch, c.measuredMs, c.graph.ops.length])).toEqual([
        ['m.csv', 'multi', 'row 2 m [2]', SPEC, [2], 15, 1.5333, 4],
        ['m.csv', 'multi', 'row 3 m [3]', SPEC, [3], 50, 1.5333, 4],
      ]);
      expect(r.right.cases[0]).toMatchObject({ onChipMiB: [3.75, 3.75], offChipMiB: [0, 0] });
      // A figure the compiler did not report leaves the row without on-chip MiB, not without its time.
      expect(r.right.cases[1]!.onChipMiB).toBeUndefined();
      expect(r.right.cases[1]!.offChipMiB).toEqual([0, 0]);
    });

    it('should read a one-TPU row with no cuts as a single case', () => {
      const r = cases(`Spec,Cuts,Batch,Inference time\n${SPEC},[],1,0.4\n`);
      expect(E.isRight(r) && r.right.cases.map((c) => [c.group, c.cuts, c.batch])).toEqual([['single', [], 1]]);
    });

    it('should load a .tflite path relative to the CSV', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-rows-'));
      const g = loadModel(SPEC);
      if (E.isLeft(g)) throw new Error('synth model');
      fs.mkdirSync(path.join(dir, 'models'));
      fs.writeFileSync(path.join(dir, 'models', 'm.tflite'), writeTflite(g.right));
      const r = cases(`Spec,Cuts,Batch,Inference time\nmodels/m.tflite,"[1, 3]",15,0.9\n`, path.join(dir, 'm.csv'));
      expect(E.isRight(r) && r.right.cases.map((c) => [c.spec, c.graph.ops.length, c.cuts])).toEqual([[path.join(dir, 'models', 'm.tflite'), 4, [1, 3]]]);
    });

    it('should reject a malformed row naming the file, the row and the column', () => {
      const bad: [string, string][] = [
        [ROW.replace('[2],15', '[x],15'), '/data/m.csv: row 3, column "Cuts": expected a list of op positions such as [12, 40] ([] for one TPU), got "[x]"'],
        [ROW.replace('[2],15', '[5],15'), `/data/m.csv: row 3, column "Cuts": cut 0 is 5: cuts must be integers in 1..3 for a model of 4 ops (${SPEC})`],
        [ROW.replace('[2],15', '"[2, 2]",15'), '/data/m.csv: row 3, column "Cuts": cuts must increase strictly'],
        [ROW.replace(SPEC, 'zoo:nope'), '/data/m.csv: row 3, column "Spec": zoo:nope: unknown zoo model "nope"'],
        [ROW.replace(SPEC, 'nothere.tflite'), '/data/m.csv: row 3, column "Spec": /data/nothere.tflite: not a readable TFLite model: no such file'],
        [ROW.replace(',2,hand', ',3,hand'), '/data/m.csv: row 3, column "TPUs": expected 2 for 1 cut(s), got "3"'],
        [ROW.replace('[2],15', '[2],0'), '/data/m.csv: row 3, column "Batch": expected a positive integer, got "0"'],
        [ROW.replace(',1.5333,', ',-1,'), '/data/m.csv: row 3, column "Inference time": expected a positive time in ms per input, got "-1"'],
        [ROW.replace('"[0, 0]"', '"[0]"'), '/data/m.csv: row 3, column "Off chip mem used": expected 2 value(s), one per segment, got "[0]"'],
      ];
      for (const [row, message] of bad) expect(problem(`${HEADER}\n${ROW}\n${row}\n`)).toContain(message);
    });

    it('should name the columns a self-describing table lacks', () => {
      expect(problem(`Spec,Cuts,Inference time\n${SPEC},[2],1\n`)).toBe(
        '/data/m.csv: rows with "Spec" and "Cuts" also need "Batch" (columns: Spec, Cuts, Inference time)');
    });
  });
});
