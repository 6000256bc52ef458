import * as _ from '../../src/report/figures';
import { rowOf, speedups } from '../../src/report/data';
import { cellRecord } from './fixtures';

// Rendering needs vega's ESM build, which jest cannot load; test/cli/reproduce.test.ts renders through the CLI
// and test/report/browser.test.ts in Chromium.
const rows = [
  cellRecord('zoo:a', 1, 'compiler', [30]),
  cellRecord('zoo:a', 2, 'compiler', [20, 5]),
  cellRecord('zoo:a', 2, 'dp', [10, 10]),
  cellRecord('zoo:b', 1, 'compiler', [4]),
  cellRecord('zoo:b', 2, 'compiler', [3, 3]),
  cellRecord('zoo:b', 4, 'compiler', [2, 2, 2, 2]),
].map(rowOf);

type Values = { values: Record<string, unknown>[] };

describe('report/figures', () => {
  describe('stagesSpec', () => {
    it('should give one bar per stage of every strategy, with the bottleneck and the ops of the stage', () => {
      const spec = _.stagesSpec(rows, 'zoo:a', 2, 'p')!;
      expect((spec['data'] as Values).values).toEqual([
        { strategy: 'compiler', stage: 1, ms: 20, bottleneck: 20, ops: '0..0' }, { strategy: 'compiler', stage: 2, ms: 5, bottleneck: 20, ops: '1..9' },
        { strategy: 'dp', stage: 1, ms: 10, bottleneck: 10, ops: '0..0' }, { strategy: 'dp', stage: 2, ms: 10, bottleneck: 10, ops: '1..9' },
      ]);
      expect(_.stagesSpec(rows, 'zoo:a', 5, 'p')).toBeUndefined();
    });
  });

  describe('speedupSpec', () => {
    const spec = _.speedupSpec(rows, speedups(rows), 'p')!;
    const values = (spec['data'] as { values: { model: string; strategy: string; tpus: number; x: number; speedup: number }[] }).values;

    it('should plot speedups per strategy, set ties apart along x, and tooltip the cell', () => {
      const dp = values.find((v) => v.strategy === 'dp')!;
      expect(dp.speedup).toBeCloseTo(30 / (160 / 15), 12);
      expect(dp.x).toBeCloseTo(2.03, 12);
      expect(values.find((v) => v.strategy === 'compiler' && v.model === 'a' && v.tpus === 2)!.x).toBeCloseTo(1.97, 12);
      const points = (spec['spec'] as { layer: { encoding: { tooltip?: { field: string }[] } }[] }).layer[2]!;
      expect(points.encoding.tooltip!.map((t) => t.field)).toEqual(['model', 'tpus', 'strategy', 'ms', 'speedup', 'overCompiler']);
    });

    it('should stop the linear line at the panel\'s largest speedup, so it does not stretch the scale', () => {
      // zoo:b: 4 ms alone, (6 + 14 * 3) / 15 = 3.2 ms on 2 TPUs (1.25x), (8 + 14 * 2) / 15 = 2.4 ms on 4 (1.67x).
      expect(values.filter((v) => v.strategy === _.LINEAR && v.model === 'b').map((v) => [v.tpus, v.speedup])).toEqual([[1, 1], [4 / 2.4, 4 / 2.4]]);
      expect(values.filter((v) => v.strategy === _.LINEAR && v.model === 'a').map((v) => v.tpus)).toEqual([1, 2]);
    });

    it('should tell strategies apart by colour, dash and marker, explain the dashed line in the legend, and isolate on legend click', () => {
      const layers = (spec['spec'] as { layer: { params?: unknown[]; encoding: Record<string, { scale?: { domain: string[]; range: unknown[] } }> }[] }).layer;
      const [linear, lines, points] = layers;
      expect(lines!.encoding['strokeDash']!.scale!.domain).toEqual(['compiler', 'dp', _.LINEAR]);
      expect(new Set(lines!.encoding['strokeDash']!.scale!.range.map((r) => JSON.stringify(r))).size).toBe(3);
      expect(new Set(points!.encoding['shape']!.scale!.range).size).toBe(3);
      expect(linear!.encoding['color']!.scale!.domain).toContain(_.LINEAR);
      expect(lines!.params).toEqual([{ name: 'pick_strategy', select: { type: 'point', fields: ['strategy'] }, bind: 'legend' }]);
    });

    it('should give each panel its own y scale and axes and say why', () => {
      expect(spec['resolve']).toEqual({ scale: { y: 'independent' }, axis: { x: 'independent', y: 'independent' } });
      expect(JSON.stringify((spec['title'] as { subtitle: string[] }).subtitle)).toContain('each panel has its own y scale');
    });
  });

  describe('scatterSpec', () => {
    const spec = _.scatterSpec([
      { series: 's', label: 'conv x=1, N=2', measuredMs: 2, predictedMs: 4 },
      { series: 's', label: 'b', measuredMs: 0, predictedMs: 1 },
      { series: 's', label: 'conv x=2, N=2', measuredMs: 8, predictedMs: 1 },
    ], 't')!;
    const [line, points] = spec['layer'] as { data: Values; layer?: { mark: { type: string }; encoding: Record<string, { field?: string; scale?: { domain: number[] } }> }[] }[];

    it('should drop non-positive points (log axes) and fit both axes to the points', () => {
      expect(points!.data.values).toHaveLength(2);
      expect(line!.data.values.map((v) => [v['x'], v['y']])).toEqual([[1 / 1.3, 1 / 1.3], [8 * 1.3, 8 * 1.3]]);
      expect(points!.layer![0]!.encoding['x']!.scale!.domain).toEqual([1 / 1.3, 8 * 1.3]);
      expect(_.scatterSpec([], 't')).toBeUndefined();
    });

    it('should label the worst-predicted points of each series, tooltip every point, and name the dashed line in a legend', () => {
      const many = _.scatterSpec([1, 2, 3, 4].map((i) => ({ series: 's', label: `p${i}`, measuredMs: 10, predictedMs: 10 + i })), 't')!;
      const values = (many['layer'] as { data: Values }[])[1]!.data.values;
      expect(values.filter((v) => v['labelled']).map((v) => v['label'])).toEqual(['p3', 'p4']);
      const text = points!.layer!.find((l) => l.mark.type === 'text')!;
      expect(text.encoding['text']).toEqual({ field: 'label' });
      expect(JSON.stringify(points!.layer![0]!.encoding['tooltip'])).toContain('"field":"label"');
      expect(line!.data.values[0]!['line']).toBe('prediction = measurement');
    });
  });
});
