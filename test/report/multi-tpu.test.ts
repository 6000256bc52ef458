import * as _ from '../../src/report/multi-tpu';
import { rowOf, speedups } from '../../src/report/data';
import { strategySummaries } from '../../src/report/summary';
import type { CellRecord } from '../../src/experiments/store';
import { cellRecord } from './fixtures';

const input = (records: CellRecord[], paper = false) => {
  const rows = records.map(rowOf);
  return { rows, speedups: speedups(rows), missing: [], paper };
};

describe('report/multi-tpu', () => {
  const records = [
    cellRecord('zoo:a', 1, 'compiler', [30]),
    cellRecord('zoo:a', 2, 'compiler', [20, 5]),
    cellRecord('zoo:a', 2, 'dp', [10, 10]),
    cellRecord('zoo:a', 2, 'balanced', [12, 10]),
    cellRecord('zoo:b', 1, 'compiler', [100]),
    cellRecord('zoo:b', 2, 'compiler', [30, 30]),
    cellRecord('zoo:b', 2, 'dp', [20, 21]),
    cellRecord('zoo:b', 2, 'balanced', [20, 21]),
  ];
  const data = input(records);

  describe('bestOverCompiler', () => {
    it('should find the largest speedup over the compiler at N >= 2', () => {
      const best = _.bestOverCompiler(data)!;
      expect(best.row.model).toBe('zoo:a');
      expect(best.value).toBeCloseTo(305 / 160, 12); // (25 + 14 * 20) / (20 + 14 * 10)
    });

    it('should never name a cell slower than one TPU, however far it beats the compiler', () => {
      // zoo:c: 10 ms alone; the compiler's split at N = 2 is far slower (40 ms), dp half of that (20 ms): 2x the compiler, 0.5x one TPU.
      const slow = input([cellRecord('zoo:c', 1, 'compiler', [10]), cellRecord('zoo:c', 2, 'compiler', [40, 40]), cellRecord('zoo:c', 2, 'dp', [20, 20])]);
      expect(_.bestOverCompiler(slow)).toBeUndefined();
      expect(_.multiTpuSection(slow).headline).toContain('No multi-TPU cell is faster than one TPU.');
    });

    it('should speak of one TPU only for the cells that have a 1-TPU reference', () => {
      // zoo:c as above; zoo:d has neither a 1-TPU cell nor a compiler cell, so its dp cell is compared with nothing.
      const mixed = input([cellRecord('zoo:c', 1, 'compiler', [10]), cellRecord('zoo:c', 2, 'compiler', [40, 40]), cellRecord('zoo:c', 2, 'dp', [20, 20]),
        cellRecord('zoo:d', 2, 'dp', [1, 1])]);
      const h = _.multiTpuSection(mixed).headline!;
      expect(h).toContain('and no cell with a 1-TPU reference is faster than one TPU');
      expect(h).toMatch(/^Best strategy, dp: geometric mean 2\.00x over the compiler's split across 1 cell \(of 2; the others have no compiler cell at their N\), and no cell with a 1-TPU reference/);
      expect(h).not.toContain('No multi-TPU cell is faster than one TPU');
    });
  });

  describe('headline', () => {
    it('should set the paper\'s 2.60x beside our balanced and the best strategy, each named, for the paper\'s table', () => {
      const h = _.multiTpuSection(input(records, true)).headline!;
      // balanced: a (22 + 14 * 12) / 15 = 12.67 ms, 305 / 190 = 1.61x; b 32 / 22.33 = 1.43x; dp: a 1.91x, b 1.43x.
      expect(h).toBe("Our balanced (the paper's method, predicted): geometric mean 1.52x over the compiler's split across 2 cells, up to 1.61x (a, N = 2). " +
        "Best strategy, dp: geometric mean 1.65x over the compiler's split across 2 cells, up to 1.91x (a, N = 2). " +
        "The paper reports up to 2.60x for its balanced method over the compiler's split, measured on a PCIe board with 8 Edge TPUs at batch 15. " +
        "Predicted under profile `p`, batch of 15, searchers minimizing the slowest stage, runner pycoral's C++ PipelinedModelRunner.");
    });

    it('should speak of its own cells only in a custom experiment, and state the runner the records name', () => {
      const own = records.map((r) => ({ ...r, params: { ...r.params, runner: 'python-threads' as const } }));
      const h = _.multiTpuSection(input(own)).headline!;
      expect(h).not.toContain('paper');
      expect(h).toBe("Best strategy, dp: geometric mean 1.65x over the compiler's split across 2 cells, up to 1.91x (a, N = 2). " +
        "Largest speedup over the compiler's split: 1.91x, by dp on a, N = 2 (10.67 ms per input). " +
        'Predicted under profile `p`, batch of 15, searchers minimizing the slowest stage, runner Python threads, one per TPU.');
    });
  });

  describe('headline on cells where the usual claims are false', () => {
    // The config: one model at N = 4 only (no 1-TPU cell), the compiler's split and an equal-layers split about 2x slower.
    const noOne = input([cellRecord('zoo:r', 4, 'compiler', [4, 4, 4, 4]), cellRecord('zoo:r', 4, 'layers', [10, 1, 1, 1])]);

    it('should call a strategy slower than the compiler\'s split slower, never best', () => {
      const h = _.multiTpuSection(noOne).headline!;
      expect(h).not.toContain('Best strategy');
      expect(h).toMatch(/^layers is slower than the compiler's split: 0\.47x over the compiler's split on its one cell \(r, N = 4\)\. /);
    });

    it('should say nothing about one TPU when no 1-TPU cell ran', () => {
      const s = _.multiTpuSection(noOne);
      expect(s.headline).not.toMatch(/one TPU|1 TPU/);
      expect(s.notes.join(' ')).toContain('No 1-TPU cell ran: no speedup over one TPU is shown.');
      const summary = s.blocks[0]!.table;
      expect(summary.rows.map((r) => [r[0], r[summary.columns.indexOf('slower than 1 TPU')], r[summary.columns.indexOf('geo-mean x 1 TPU')]]))
        .toEqual([['compiler', '-', '-'], ['layers', '-', '-']]);
      const perModel = s.blocks[1]!.table;
      expect(perModel.rows[0]![perModel.columns.indexOf('max speedup over compiler (N, strategy)')]).toBe('1.00x (4, compiler)');
    });

    it('should name the best strategy, with its best cell, when the model has no 1-TPU cell but the strategy is faster', () => {
      const h = _.multiTpuSection(input([cellRecord('zoo:r', 4, 'compiler', [4, 4, 4, 4]), cellRecord('zoo:r', 4, 'dp', [2, 2, 2, 2]),
        cellRecord('zoo:r', 2, 'compiler', [6, 6]), cellRecord('zoo:r', 2, 'dp', [6, 6])])).headline!;
      expect(h).toMatch(/^Best strategy, dp: geometric mean 1\.41x over the compiler's split across 2 cells, up to 2\.00x \(r, N = 4\)\. Largest speedup over the compiler's split: 2\.00x, by dp on r, N = 4/);
      expect(h).not.toMatch(/one TPU|1 TPU/);
    });

    it('should say that no strategy beats the compiler\'s split when the closest of several is slower', () => {
      const h = _.multiTpuSection(input([cellRecord('zoo:r', 1, 'compiler', [10]), cellRecord('zoo:r', 2, 'compiler', [4, 4]),
        cellRecord('zoo:r', 2, 'layers', [8, 1]), cellRecord('zoo:r', 2, 'greedy', [5, 3])])).headline!;
      expect(h).toMatch(/^No strategy is faster than the compiler's split on the geometric mean; the closest, greedy, is slower than the compiler's split: 0\.82x/);
      expect(h).toContain('No multi-TPU cell is faster than the compiler\'s split at its N.');
      expect(h).not.toContain('Best strategy');
    });
  });

  describe('multiTpuSection', () => {
    const s = _.multiTpuSection(data);

    it('should show ms per strategy in columns of their own, bold the fastest, then its speedups', () => {
      const b = s.blocks.find((x) => x.caption === 'b (profile p)')!.table;
      expect(b.columns).toEqual(['N', 'compiler ms', 'dp ms', 'balanced ms', 'fastest', 'fastest x compiler', 'fastest x 1 TPU']);
      // zoo:b: 100 ms alone; compiler at N = 2: (60 + 14 * 30) / 15 = 32 ms; dp and balanced: (41 + 14 * 21) / 15 = 22.33 ms,
      // 4.48x over one TPU (> 2: superlinear), 1.43x over the compiler.
      expect(b.rows[0]).toEqual([1, '**100.0**', '', '', 'any', '', '']);
      expect(b.rows[1]).toEqual([2, '32.00', '**22.33**', '**22.33**', 'dp (+1 tied)', '1.43x', '4.48x*']);
      expect(s.notes.join(' ')).toContain('Superlinear cells: 5 of 6 multi-TPU cells.');
    });

    it('should open with the per-strategy summary', () => {
      const first = s.blocks[0]!;
      expect(first.caption).toBe('Per-strategy summary (profile p)');
      // Over one TPU: compiler a 30 / 20.33, b 100 / 32; dp a 30 / 10.67, b 100 / 22.33; balanced a 30 / 12.67, b as dp.
      expect(first.table.rows.map((r) => r.slice(0, 5))).toEqual([
        ['compiler', 2, 0, '1.00x', '2.15x'],
        ['dp', 2, 2, '1.65x', '3.55x'],
        ['balanced', 2, 1, '1.52x', '3.26x'],
      ]);
    });

    it('should write every cell to the CSV with its stage times', () => {
      expect(s.csv.rows).toHaveLength(8);
      const dp = s.csv.rows[2]!;
      expect(dp.slice(0, 3)).toEqual(['zoo:a', 2, 'dp']);
      expect(dp[s.csv.columns.indexOf('stage_ms')]).toBe('10.0000;10.0000');
      expect(dp[s.csv.columns.indexOf('ms_per_input')]).toBe('10.6667');
      expect(dp[s.csv.columns.indexOf('superlinear')]).toBe('yes');
    });
  });

  it('should agree with the summaries it is built from', () => {
    expect(strategySummaries(data.rows, data.speedups).map((x) => x.label)).toEqual(['compiler', 'dp', 'balanced']);
  });
});
