import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Manifest } from '../../src/export/manifest';
import { appendMeasurement, measurementLine, MEASUREMENT_COLUMNS } from '../../src/validate/measurements';

const manifest = {
  model: { spec: 'synth:fc?neurons=8,9&layers=2', name: 'fc', ops: 3, sha256: 'x' },
  tpus: 2, profile: 'edgetpu-usb3',
  predicted: { strategy: 'dp', cuts: [1], segments: [], bottleneckMs: 1, latencyMs: 2, batch: 15, msPerInput: 1.2 },
} as unknown as Manifest;
const row = { onChipMiB: [0.5, undefined], offChipMiB: [0, 0], segmentMs: [1, 0.75], msPerInput: 1.1, batch: 15 };

describe('validate/measurements', () => {
  describe('measurementLine', () => {
    it('should write lists like the shared measurement CSVs and quote fields with commas', () => {
      expect(measurementLine(manifest, row)).toBe('fc,"synth:fc?neurons=8,9&layers=2",2,dp,[1],15,edgetpu-usb3,"[0.5, nan]","[0, 0]","[1, 0.75]",1.1,1.2');
    });
  });
  describe('appendMeasurement', () => {
    it('should write the header once, then one row per run', () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-csv-')), 'm.csv');
      appendMeasurement(file, manifest, row);
      appendMeasurement(file, manifest, row);
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]!.split(',')).toEqual([...MEASUREMENT_COLUMNS]);
    });
  });
});
