import * as _ from '../../src/report/figures';
import { rowOf, speedups } from '../../src/report/data';
import { cellRecord } from './fixtures';

// Rendering needs vega's ESM build, which jest cannot load; test/cli/reproduce.test.ts renders through the CLI.
const rows = [
  cellRecord('zoo:a', 1, 'compiler', [30]),
  cellRecord('zoo:a', 2, 'compiler', [20, 5]),
  cellRecord('zoo:a', 2, 'dp', [10, 10]),
].map(rowOf);

describe('report/figures', () => {
  describe('stagesSpec', () => {
    it('should give one bar per stage of every strategy, with the bottleneck', () => {
      const spec = _.stagesSpec(rows, 'zoo:a', 2, 'p')!;
      expect((spec['data'] as { values: unknown[] }).values).toEqual([
        { strategy: 'compiler', stage: 1, ms: 20, bottleneck: 20 }, { strategy: 'compiler', stage: 2, ms: 5, bottleneck: 20 },
        { strategy: 'dp', stage: 1, ms: 10, bottleneck: 10 }, { strategy: 'dp', stage: 2, ms: 10, bottleneck: 10 },
      ]);
      expect(_.stagesSpec(rows, 'zoo:a', 5, 'p')).toBeUndefined();
    });
  });

  describe('speedupSpec', () => {
    it('should plot speedups per strategy with the linear reference per model', () => {
      const values = (_.speedupSpec(rows, speedups(rows), 'p')!['data'] as { values: { strategy: string; tpus: number; speedup: number }[] }).values;
      expect(values.filter((v) => v.strategy === 'linear').map((v) => [v.tpus, v.speedup])).toEqual([[1, 1], [2, 2]]);
      expect(values.find((v) => v.strategy === 'dp')!.speedup).toBeCloseTo(30 / (160 / 15), 12);
    });
  });

  describe('scatterSpec', () => {
    it('should drop non-positive points (log axes) and span the y = x line over the data', () => {
      const spec = _.scatterSpec([
        { series: 's', label: 'a', measuredMs: 2, predictedMs: 4 },
        { series: 's', label: 'b', measuredMs: 0, predictedMs: 1 },
        { series: 's', label: 'c', measuredMs: 8, predictedMs: 1 },
      ], 't')!;
      const [line, points] = spec['layer'] as { data: { values: unknown[] } }[];
      expect(line!.data.values).toEqual([{ x: 1, y: 1 }, { x: 8, y: 8 }]);
      expect(points!.data.values).toHaveLength(2);
      expect(_.scatterSpec([], 't')).toBeUndefined();
    });
  });
});
