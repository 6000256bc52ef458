import * as _ from '../../src/report/multi-tpu';
import { rowOf, speedups } from '../../src/report/data';
import { cellRecord } from './fixtures';

const input = (records: ReturnType<typeof cellRecord>[]) => {
  const rows = records.map(rowOf);
  return { rows, speedups: speedups(rows), missing: [] };
};

describe('report/multi-tpu', () => {
  const data = input([
    cellRecord('zoo:a', 1, 'compiler', [30]),
    cellRecord('zoo:a', 2, 'compiler', [20, 5]),
    cellRecord('zoo:a', 2, 'dp', [10, 10]),
    cellRecord('zoo:b', 1, 'compiler', [100]),
    cellRecord('zoo:b', 2, 'compiler', [30, 30]),
    cellRecord('zoo:b', 2, 'dp', [20, 21]),
  ]);

  describe('bestOverCompiler', () => {
    it('should find the largest speedup over the compiler at N >= 2', () => {
      const best = _.bestOverCompiler(data)!;
      expect(best.row.model).toBe('zoo:a');
      expect(best.value).toBeCloseTo(305 / 160, 12); // (25 + 14 * 20) / (20 + 14 * 10)
    });
  });

  describe('multiTpuSection', () => {
    const s = _.multiTpuSection(data);

    it('should state the headline with model, N, strategy and the paper\'s figure', () => {
      expect(s.headline).toBe("Largest speedup over the compiler's split: 1.91x, by dp on a with N = 2 (10.67 ms per input; profile p). " +
        'The paper reports up to 2.60x measured on a PCIe board with 8 Edge TPUs.');
    });

    it('should mark superlinear speedups and bold the fastest strategy per N', () => {
      const b = s.blocks.find((x) => x.caption === 'b (profile p)')!.table;
      expect(b.columns).toEqual(['N', 'compiler', 'dp']);
      // zoo:b: 100 ms alone; compiler at N = 2: (60 + 14 * 30) / 15 = 32 ms -> 3.13x;
      // dp: (41 + 14 * 21) / 15 = 22.33 ms -> 4.48x over one TPU (> 2: superlinear), 32 / 22.33 = 1.43x over the compiler.
      expect(b.rows[1]).toEqual([2, '32.00 (3.13x*, 1.00x)', '**22.33 (4.48x*, 1.43x)**']);
      expect(s.notes.join(' ')).toContain('Superlinear cells: 3 of 4 multi-TPU cells.');
    });

    it('should write every cell to the CSV with its stage times', () => {
      expect(s.csv.rows).toHaveLength(6);
      const dp = s.csv.rows[2]!;
      expect(dp.slice(0, 3)).toEqual(['zoo:a', 2, 'dp']);
      expect(dp[s.csv.columns.indexOf('stage_ms')]).toBe('10.0000;10.0000');
      expect(dp[s.csv.columns.indexOf('ms_per_input')]).toBe('10.6667');
      expect(dp[s.csv.columns.indexOf('superlinear')]).toBe('yes');
    });
  });
});
