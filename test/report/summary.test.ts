import { rowOf, speedups } from '../../src/report/data';
import { strategySummaries, summaryTable } from '../../src/report/summary';
import { cellRecord } from './fixtures';

describe('report/summary', () => {
  // ms per input = (sum + 14 max) / 15. zoo:a alone 30 ms; N = 2: compiler 20.33, dp and greedy 10.67 (a tie).
  const records = [
    cellRecord('zoo:a', 1, 'compiler', [30]),
    cellRecord('zoo:a', 2, 'compiler', [20, 5]),
    cellRecord('zoo:a', 2, 'dp', [10, 10]),
    cellRecord('zoo:a', 2, 'greedy', [10, 10]),
    cellRecord('zoo:a', 3, 'compiler', [1, 1, 1]),
    cellRecord('zoo:a', 3, 'dp', [1, 1, 1]),
    cellRecord('zoo:a', 3, 'greedy', [40, 1, 1]),
    cellRecord('zoo:b', 1, 'compiler', [4]),
    cellRecord('zoo:b', 2, 'compiler', [10, 10]),
    cellRecord('zoo:b', 2, 'dp', [5, 5]),
    cellRecord('zoo:b', 2, 'greedy', [5, 5]),
  ];
  const rows = records.map(rowOf);
  const s = strategySummaries(rows, speedups(rows));
  const by = (label: string) => s.find((x) => x.label === label)!;

  it('should count cells won with ties counting for each', () => {
    expect(s.map((x) => [x.label, x.cells, x.won])).toEqual([['compiler', 3, 1], ['dp', 3, 3], ['greedy', 3, 2]]);
  });

  it('should take geometric means of the speedups over the compiler and over one TPU', () => {
    // greedy over the compiler: a N=2 305/160, a N=3 (17 / 15) / (602 / 15) = 17/602 (compiler (3 + 14 * 1) / 15 ms), b 2.
    expect(by('greedy').geoOverCompiler).toBeCloseTo(Math.cbrt((305 / 160) * (17 / 602) * 2), 12);
    // dp over one TPU: a N=2 30 / (160 / 15), a N=3 30 / (17 / 15), b 4 / (80 / 15).
    expect(by('dp').geoOverOne).toBeCloseTo(Math.cbrt((30 / (160 / 15)) * (30 / (17 / 15)) * (4 / (80 / 15))), 12);
  });

  it('should name the worst cell and, as the best, only cells at least as fast as one TPU', () => {
    expect(by('greedy').worst).toEqual({ model: 'zoo:a', tpus: 3, value: 17 / 602 });
    // b N=2 beats the compiler 2x but is slower than one TPU (5.33 ms against 4): not the best.
    expect(by('dp').best).toEqual({ model: 'zoo:a', tpus: 2, value: 305 / 160 });
    expect([by('dp').belowOne, by('greedy').belowOne, by('greedy').belowCompiler]).toEqual([1, 2, 1]);
  });

  it('should render one row per strategy', () => {
    const t = summaryTable(s);
    expect(t.rows[1]).toEqual(['dp', 3, 3, `${Math.cbrt((305 / 160) * 2).toFixed(2)}x`, '3.82x', 0, 1, '1.00x (a, N=3)', '1.91x (a, N=2)']);
  });
});
