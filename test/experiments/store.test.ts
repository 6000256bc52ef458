import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as _ from '../../src/experiments/store';
import type { CellParams } from '../../src/experiments/cell';

const params = (model: string, profile = 'p'): CellParams => ({
  model, tpus: 2, strategy: 'dp', options: {}, label: 'dp', profile, objective: 'throughput', batch: 15, seed: 0, budget: {},
});
const record = (cell: string, extra: Partial<_.CellRecord> = {}): _.CellRecord => ({
  cell, tool: '1.0.0', config: 'c', profileHash: 'h', params: params(`zoo:${cell}`), error: 'x', ...extra,
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-store-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('experiments/store', () => {
  describe('parseStore', () => {
    it('should read complete lines and flag a torn last line without its newline', () => {
      const text = `${JSON.stringify(record('a'))}\n${JSON.stringify(record('b'))}\n{"cell":"c","to`;
      const s = _.parseStore(text);
      expect(s.records.map((r) => r.cell)).toEqual(['a', 'b']);
      expect(s.torn).toBe(true);
      expect(s.goodLength).toBe(text.lastIndexOf('\n') + 1);
    });

    it('should skip lines that are not records and report their numbers', () => {
      const s = _.parseStore(`${JSON.stringify(record('a'))}\nnot json\n{"cell":1}\n${JSON.stringify(record('b'))}\n`);
      expect(s.records.map((r) => r.cell)).toEqual(['a', 'b']);
      expect(s.badLines).toEqual([2, 3]);
      expect(s.torn).toBe(false);
    });

    it('should treat empty text as an empty store', () => {
      expect(_.parseStore('')).toEqual({ records: [], badLines: [], goodLength: 0, torn: false });
    });
  });

  describe('repairStore', () => {
    it('should cut the torn tail so the next append starts on a fresh line', () => {
      const file = path.join(dir, 'r.jsonl');
      fs.writeFileSync(file, `${JSON.stringify(record('a'))}\n{"cell":"b"`);
      expect(_.repairStore(file, _.readStore(file))).toBe(true);
      const app = _.openAppender(file);
      app.append([record('c')]);
      app.close();
      const s = _.readStore(file);
      expect(s.records.map((r) => r.cell)).toEqual(['a', 'c']);
      expect(s.badLines).toEqual([]);
    });
  });

  describe('openAppender', () => {
    it('should append one line per record and create the directory', () => {
      const file = path.join(dir, 'sub', 'r.jsonl');
      const app = _.openAppender(file);
      app.append([record('a')]);
      app.append([record('b')]);
      app.close();
      expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
      expect(_.readStore(file).records.map((r) => r.cell)).toEqual(['a', 'b']);
    });
  });

  describe('writeStore', () => {
    it('should replace the file with exactly the given records and leave no temporary file', () => {
      const file = path.join(dir, 'r.jsonl');
      fs.writeFileSync(file, 'garbage\n');
      _.writeStore(file, [record('z')]);
      expect(_.readStore(file).records.map((r) => r.cell)).toEqual(['z']);
      expect(fs.readdirSync(dir)).toEqual(['r.jsonl']);
    });
  });

  describe('classify', () => {
    it('should reuse matching records (the latest), retry failed ones, mark other versions and changed profiles stale, and count orphans', () => {
      const records = [
        record('a', { error: 'older' }),
        record('b', { tool: '0.9.0', error: undefined }),
        record('c', { profileHash: 'old', error: undefined }),
        record('d'),
        record('a', { error: undefined }),
        record('e', { error: 'infeasible' }),
      ];
      const f = _.classify(records, new Set(['a', 'b', 'c', 'e']), '1.0.0', () => 'h');
      expect([...f.fresh.keys()]).toEqual(['a']);
      expect(f.fresh.get('a')!.error).toBeUndefined();
      expect(f.failed).toBe(1);
      expect(f.stale.map((s) => [s.record.cell, s.reason])).toEqual([
        ['b', 'computed by tpuseg 0.9.0, this is 1.0.0 (the code this cell runs has changed)'],
        ['c', 'profile p has changed since'],
      ]);
      expect(f.orphans).toBe(1);
    });
  });
});
