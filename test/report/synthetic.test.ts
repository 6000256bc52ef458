import * as _ from '../../src/report/synthetic';
import { rowOf, speedups } from '../../src/report/data';
import { cellRecord } from './fixtures';

describe('report/synthetic', () => {
  describe('canonicalSpec', () => {
    it('should write synth specs with defaults and a fixed key order, and leave others alone', () => {
      expect(_.canonicalSpec('synth:conv?filters=32')).toBe(_.canonicalSpec('synth:conv?size=64&layers=5&filters=32'));
      expect(_.canonicalSpec('synth:conv?filters=32')).not.toBe(_.canonicalSpec('synth:conv?filters=42'));
      expect(_.canonicalSpec('calib:fc?neurons=2&layers=5&inputs=6912')).toBe('calib:fc?neurons=2&layers=5&inputs=6912');
    });
  });

  describe('syntheticSection', () => {
    const CSV = 'Hidden neurons,# MACs,On chip mem used,Off chip mem used,Inference time\n100,1,"[0.1, 0.2]","[0.0, 0.5]",2.0\n140,1,"[0.1, 0.2]","[0.0, 0.0]",4.0\n';
    const records = [
      cellRecord('synth:fc?layers=4&neurons=100', 2, 'layers', [2.5, 2.5]),
      cellRecord('synth:fc?layers=4&neurons=100', 2, 'dp', [2, 2]),
      cellRecord('synth:fc?layers=5&neurons=100', 2, 'layers', [9, 9]),
      cellRecord('synth:fc?layers=4&neurons=100', 1, 'dp', [4]),
    ];
    const rows = records.map(rowOf);
    const mapping = {
      measurements: { 'fc-L4-2tpu-layersplit-batch50.csv': { model: 'synth:fc?neurons={x}&layers=4', x: 'Hidden neurons', tpus: 2, split: 'layers' as const, batch: 50, group: 'multi' as const } },
      published: {},
    };
    const files = new Map([['fc-L4-2tpu-layersplit-batch50.csv', CSV], ['other.csv', CSV]]);
    const input = { rows, speedups: speedups(rows), missing: [], mapping, measurements: { dir: '/m', files } };
    const s = _.syntheticSection(input);

    it('should compare each measured row with the same segmentation of the same model', () => {
      const block = s.blocks.find((b) => b.caption?.startsWith('fc-L4-2tpu'))!.table;
      expect(block.columns[0]).toBe('Hidden neurons');
      // Priced at the file's batch of 50: layers (5 + 49 * 2.5) / 50 = 2.55 ms vs 2.0 measured: +27.5%;
      // dp (4 + 49 * 2) / 50 = 2.04. The fc L5 cell must not be picked up.
      expect(block.rows[0]).toEqual([100, '2.000', '2.550', '27.5%', '0.50', '0.00', '2.040', '']);
      expect(block.rows[1]).toEqual([140, '4.000', '', '', '0.00', '', '', '']);
      expect(s.scatter).toEqual([{ series: 'fc-L4-2tpu-layersplit-batch50.csv', label: 'fc Hidden neurons=100, N=2', measuredMs: 2, predictedMs: 127.5 / 50 }]);
    });

    it('should summarize the error per file and list the strategies on every TPU count', () => {
      expect(s.blocks[0]!.table.rows).toEqual([['fc-L4-2tpu-layersplit-batch50.csv', 2, 'equal layer split', 1, '27.5%', '27.5%']]);
      const whatIf = s.blocks[s.blocks.length - 1]!.table;
      expect(whatIf.columns).toEqual(['Hidden neurons', 'compiler N=1', 'compiler N=2', 'dp N=1', 'dp N=2', 'balanced N=1', 'balanced N=2']);
      expect(whatIf.rows[0]).toEqual([100, '4.000', '', '4.000', '2.133', '4.000', '']);
    });

    it('should say so when the measurement directory is absent', () => {
      const none = _.syntheticSection({ rows, speedups: speedups(rows), missing: ['/nowhere'] });
      expect(none.skipped).toEqual(['measurement files not found at /nowhere: the measured columns are left out']);
      expect(s.skipped).toEqual(['other.csv: not in the calibration mapping file, skipped']);
    });
  });
});
