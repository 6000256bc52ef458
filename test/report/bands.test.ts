import { bandRests } from '../../cost-models/bands';
import { bandsBlock } from '../../src/report/bands';
import { rowOf, speedups } from '../../src/report/data';
import type { CellRecord } from '../../src/experiments/store';
import { cellRecord } from './fixtures';

/** A cell whose prediction carries the band of `regime` from `rows` calibration rows of `from`. */
const banded = (r: CellRecord, regime: string, rows: number, from: string): CellRecord =>
  ({ ...r, result: { ...r.result!, uncertainty: { regime, band: { lo: 0.9, hi: 1.1, rows, from } } } });

describe('report/bands', () => {
  it('should say when a band is borrowed from another profile and when it rests on few rows', () => {
    expect(bandRests(56, 'calibration rows', 'edgetpu-ucm-bench', 'edgetpu-usb3')).toBe('56 calibration rows of edgetpu-ucm-bench, borrowed: edgetpu-usb3 has none in this regime');
    expect(bandRests(4, 'calibration rows', 'edgetpu-usb3', 'edgetpu-usb3')).toBe('4 calibration rows of edgetpu-usb3, thin: fewer than 10');
    expect(bandRests(3, 'calibration rows', 'b', 'a')).toBe('3 calibration rows of b, borrowed: a has none in this regime; thin: fewer than 10');
    expect(bandRests(42, 'calibration rows', 'a', 'a')).toBe('42 calibration rows of a');
  });

  it('should list each band the cells carry with what it rests on', () => {
    const p = { profile: 'edgetpu-usb3' };
    const records = [
      banded(cellRecord('zoo:a', 1, 'compiler', [30], p), 'single/conv/on-chip', 4, 'edgetpu-usb3'),
      banded(cellRecord('zoo:a', 2, 'compiler', [20, 5], p), 'pipeline/conv/streaming', 56, 'edgetpu-ucm-bench'),
      banded(cellRecord('zoo:a', 2, 'dp', [10, 10], p), 'pipeline/conv/streaming', 56, 'edgetpu-ucm-bench'),
      { ...cellRecord('zoo:b', 2, 'dp', [10, 10], p), result: { ...cellRecord('zoo:b', 2, 'dp', [10, 10], p).result!, uncertainty: { regime: 'pipeline/fc/on-chip' } } },
    ];
    const rows = records.map(rowOf);
    const block = bandsBlock({ rows, speedups: speedups(rows), missing: [] })!;
    expect(block.table.rows).toEqual([
      ['edgetpu-usb3', 'time: single/conv/on-chip', 1, '0.9-1.1', '4 calibration rows of edgetpu-usb3, thin: fewer than 10'],
      ['edgetpu-usb3', 'time: pipeline/conv/streaming', 2, '0.9-1.1', '56 calibration rows of edgetpu-ucm-bench, borrowed: edgetpu-usb3 has none in this regime'],
      ['edgetpu-usb3', 'time: pipeline/fc/on-chip', 1, 'none', 'no calibration rows in this regime'],
    ]);
  });
});
