import * as _ from '../../src/report/data';
import { cellRecord } from './fixtures';

describe('report/data', () => {
  describe('speedups', () => {
    // On one TPU 30 ms; the compiler's 2-way split 20 + 5 -> (25 + 14 * 20) / 15 = 20.333 ms per input;
    // dp's 10 + 10 -> (20 + 14 * 10) / 15 = 10.667; dp on 3 TPUs 8 + 8 + 8 -> 136 / 15 = 9.067.
    const rows = [
      cellRecord('zoo:m', 1, 'compiler', [30]),
      cellRecord('zoo:m', 2, 'compiler', [20, 5]),
      cellRecord('zoo:m', 2, 'dp', [10, 10]),
      cellRecord('zoo:m', 3, 'dp', [8, 8, 8]),
    ].map(_.rowOf);
    const s = _.speedups(rows);

    it('should divide the 1-TPU time by the time per input, falling back to any strategy at N = 1', () => {
      expect(rows[1]!.msPerInput).toBeCloseTo((25 + 14 * 20) / 15, 12);
      expect(s.get(rows[2]!.id)!.overOne).toBeCloseTo(30 / (160 / 15), 12);
      expect(s.get(rows[3]!.id)!.overOne).toBeCloseTo(30 / (136 / 15), 12);
    });

    it('should compare with the compiler at the same N only', () => {
      expect(s.get(rows[2]!.id)!.overCompiler).toBeCloseTo(305 / 160, 12);
      expect(s.get(rows[3]!.id)!.overCompiler).toBeUndefined();
      expect(s.get(rows[1]!.id)!.overCompiler).toBe(1);
    });
  });

  describe('rowOf', () => {
    it('should keep a failed cell with its error and no times', () => {
      const r = _.rowOf({ ...cellRecord('zoo:m', 9, 'dp', [1]), result: undefined, error: 'infeasible: too many TPUs' } as never);
      expect(r.msPerInput).toBeUndefined();
      expect(r.stageMs).toEqual([]);
      expect(r.error).toBe('infeasible: too many TPUs');
    });
  });
});
