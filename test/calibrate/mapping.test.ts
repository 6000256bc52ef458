import * as E from 'fp-ts/Either';
import { decodeMapping, loadMapping } from '../../src/calibrate/mapping';

describe('calibrate/mapping', () => {
  describe('loadMapping', () => {
    it('should load the project mapping with an entry per shared measurement file', () => {
      const m = loadMapping();
      expect(E.isRight(m) && Object.keys(m.right.measurements).sort()).toEqual([
        'conv-1tpu.csv', 'conv-2tpu-compiler-batch100-large.csv', 'conv-2tpu-compiler-batch100.csv',
        'conv-2tpu-profiling-batch100-large.csv', 'conv-2tpu-profiling-batch100.csv', 'conv-3tpu-compiler-batch100-large.csv', 'conv-3tpu-compiler-batch100.csv', 'conv-4tpu-compiler-batch100-large.csv',
        'conv-4tpu-compiler-batch100.csv', 'fc-L4-1tpu.csv', 'fc-L4-2tpu-layersplit-batch50.csv', 'fc-L4-2tpu-profiling-batch50.csv', 'fc-L4-3tpu-layersplit-batch50.csv',
        'fc-L4-4tpu-layersplit-batch50.csv', 'fc-L5-1tpu.csv',
      ]);
    });

    it('should say how the bench ran each pipeline file: the runner, and fresh runners for the conv splits', () => {
      const m = loadMapping();
      if (E.isLeft(m)) throw new Error('mapping');
      for (const [file, e] of Object.entries(m.right.measurements)) {
        if (e.tpus === 1) continue;
        expect([file, e.runner, e.freshRunner ?? false]).toEqual(file.startsWith('conv-') ? [file, 'pycoral', true] : [file, 'python-threads', false]);
        if (file.startsWith('fc-')) expect(e.model).toContain('&output=int8');
      }
    });

    it('should report a missing file', () => {
      const m = loadMapping('/nonexistent/mapping.json');
      expect(E.isLeft(m) && m.left).toEqual({ _tag: 'ConfigInvalid', file: '/nonexistent/mapping.json', problems: ['no such file'] });
    });
  });

  describe('decodeMapping', () => {
    it('should name the path of a bad field and a model without {x}', () => {
      const bad = decodeMapping({ measurements: { 'a.csv': { model: 'synth:conv?filters={x}', x: 'F', tpus: 0, split: 'whole', batch: 1, group: 'single' } }, published: {} }, 'm.json');
      expect(E.isLeft(bad) && bad.left).toEqual({ _tag: 'ConfigInvalid', file: 'm.json', problems: ['measurements.a.csv.tpus: expected a positive integer, got 0'] });
      const noX = decodeMapping({ measurements: { 'a.csv': { model: 'synth:conv?filters=8', x: 'F', tpus: 1, split: 'whole', batch: 1, group: 'single' } }, published: {} }, 'm.json');
      expect(E.isLeft(noX) && noX.left._tag === 'ConfigInvalid' && noX.left.problems).toEqual(["measurements.a.csv.model: expected a spec with {x} for the row's value"]);
    });
  });
});
