import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { csvFiles, loadCases } from '../../src/calibrate/load';
import type { Mapping } from '../../src/calibrate/mapping';

const CSV = 'Hidden neurons,# MACs,On chip mem used,Off chip mem used,Inference time\n100,1,0.05,0.0,0.11\n';
const mapping: Mapping = {
  measurements: { 'fc.csv': { model: 'synth:fc?neurons={x}&layers=2', x: 'Hidden neurons', tpus: 1, split: 'whole', batch: 1, group: 'single' } },
  published: {},
};

function dir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cal-'));
  fs.writeFileSync(path.join(d, 'fc.csv'), CSV);
  fs.writeFileSync(path.join(d, 'other.csv'), 'Hidden neurons,Inference time\n100,0.46\n');
  return d;
}

describe('calibrate/load', () => {
  describe('loadCases', () => {
    it('should find a file by base name in the mapping', () => {
      const r = loadCases([path.join(dir(), 'fc.csv')], mapping);
      expect(E.isRight(r) && r.right.cases.map((c) => c.spec)).toEqual(['synth:fc?neurons=100&layers=2']);
    });

    it('should require flags for a file the mapping does not describe, and accept them', () => {
      const d = dir();
      const r = loadCases([path.join(d, 'other.csv')], mapping);
      expect(E.isLeft(r) && r.left._tag === 'ConfigInvalid' && r.left.problems[0]).toMatch(/^not in the calibration mapping .* give --model/);
      const ok = loadCases([path.join(d, 'other.csv')], mapping, { model: 'synth:fc?neurons={x}&layers=3', x: 'Hidden neurons', tpus: 2, split: 'layers', batch: 50 });
      expect(E.isRight(ok) && ok.right.cases.map((c) => [c.spec, c.cuts.length, c.group])).toEqual([['synth:fc?neurons=100&layers=3', 1, 'multi']]);
    });

    it('should read a file whose rows name their own model and cuts without the mapping or flags, and refuse flags for it', () => {
      const d = dir();
      const file = path.join(d, 'measurements.csv');
      fs.writeFileSync(file, 'Spec,Cuts,Batch,Inference time\nsynth:fc?neurons=100&layers=2,[2],15,0.3\n');
      const r = loadCases([file], mapping);
      expect(E.isRight(r) && r.right.cases.map((c) => [c.file, c.spec, c.cuts, c.batch, c.group])).toEqual([['measurements.csv', 'synth:fc?neurons=100&layers=2', [2], 15, 'multi']]);
      const flagged = loadCases([file], mapping, { tpus: 2 });
      expect(E.isLeft(flagged) && flagged.left._tag === 'ConfigInvalid' && flagged.left.problems[0]).toMatch(/^its rows name their own model and cuts/);
    });

    it('should report a missing file', () => {
      const r = loadCases(['/nonexistent/fc.csv'], mapping);
      expect(E.isLeft(r) && r.left).toEqual({ _tag: 'ConfigInvalid', file: '/nonexistent/fc.csv', problems: ['no such file'] });
    });
  });

  describe('csvFiles', () => {
    it('should list the CSV files of a directory in name order, none for a missing one', () => {
      const d = dir();
      fs.writeFileSync(path.join(d, 'notes.txt'), '');
      expect(csvFiles(d).map((f) => path.basename(f))).toEqual(['fc.csv', 'other.csv']);
      expect(csvFiles(path.join(d, 'missing'))).toEqual([]);
    });
  });
});
