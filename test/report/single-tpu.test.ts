import * as _ from '../../src/report/single-tpu';
import { rowOf, speedups } from '../../src/report/data';
import { cellRecord } from './fixtures';

const PUBLISHED = 'model,input,usb3_ms,devboard_pcie_ms,source\nmobilenet_v1_1.0,224,2.4,2.4,t1\nresnet50_v1,299,49,56,t1\n';

const input = (published?: string) => {
  const rows = [
    cellRecord('zoo:mobilenet_v1', 1, 'compiler', [3], { profile: 'edgetpu-usb3' }),
    cellRecord('zoo:mobilenet_v1', 1, 'compiler', [2], { profile: 'edgetpu-pcie' }),
    { ...cellRecord('zoo:resnet50_v1', 1, 'compiler', [60], { profile: 'edgetpu-usb3' }) },
  ].map(rowOf);
  return { rows, speedups: speedups(rows), missing: published === undefined ? ['/x/published.csv'] : [], ...(published !== undefined ? { published: { file: 'pub.csv', text: published } } : {}) };
};

describe('report/single-tpu', () => {
  describe('parsePublished', () => {
    it('should read every *_ms column as numbers', () => {
      expect(_.parsePublished(PUBLISHED)[1]).toEqual({ model: 'resnet50_v1', input: 299, ms: { usb3_ms: 49, devboard_pcie_ms: 56 }, source: 't1' });
    });
  });

  describe('publishedColumn', () => {
    it('should map USB 3 and PCIe profiles to their columns by name without a mapping', () => {
      expect(['edgetpu-usb3', 'edgetpu-pcie', 'edgetpu-ucm-bench'].map((p) => _.publishedColumn(p))).toEqual(['usb3_ms', 'devboard_pcie_ms', undefined]);
    });

    it('should follow the calibration mapping when it has the file', () => {
      const entry = { models: {}, columns: { usb3_ms: 'my-usb', devboard_pcie_ms: 'edgetpu-pcie' } };
      expect(['my-usb', 'edgetpu-usb3'].map((p) => _.publishedColumn(p, entry))).toEqual(['usb3_ms', undefined]);
    });
  });

  describe('findPublished', () => {
    const published = _.parsePublished(PUBLISHED);
    const entry = { models: { 'mobilenet_v1_1.0': 'zoo:mobilenet_v1', resnet50_v1: 'zoo:resnet50_v1@{input}' }, columns: {} };
    const row = (spec: string, size: number) => rowOf({ ...cellRecord(spec, 1, 'compiler', [1]), modelInput: [size, size, 3] });

    it('should match through the mapping, with the zoo default size standing for a spec without @SIZE', () => {
      expect(_.findPublished(published, row('zoo:mobilenet_v1', 224), entry)?.model).toBe('mobilenet_v1_1.0');
      expect(_.findPublished(published, row('zoo:resnet50_v1@299', 299), entry)?.model).toBe('resnet50_v1');
      expect(_.findPublished(published, row('zoo:resnet50_v1', 224), entry)).toBeUndefined();
      expect(_.findPublished(published, row('zoo:mobilenet_v1@192', 192), entry)).toBeUndefined();
    });
  });

  describe('singleTpuSection', () => {
    it('should match published rows by name and input size (no mapping) and give the error', () => {
      const s = _.singleTpuSection(input(PUBLISHED));
      const t = s.blocks[0]!.table;
      expect(t.columns).toEqual(['model', 'input', 'params MiB', 'on-chip MiB', 'off-chip MiB',
        'ms (edgetpu-usb3)', 'measured ms (usb3_ms)', 'error', 'ms (edgetpu-pcie)', 'measured ms (devboard_pcie_ms)', 'error']);
      // mobilenet_v1 (224) matches mobilenet_v1_1.0 at 224: 3 vs 2.4 ms = +25%; 2 vs 2.4 = -16.7%.
      expect(t.rows[0]).toEqual(['mobilenet_v1', '224x224x3', '3.00', '1.00', '0.00', '3.000', '2.400', '25.0%', '2.000', '2.400', '-16.7%']);
      // resnet50_v1 runs at 224 here: the published 299 row must not be used.
      expect(t.rows[1]!.slice(5, 8)).toEqual(['60.00', '', '']);
      expect(s.headline).toBe('edgetpu-usb3: median absolute error 25.0% over 1 published models (max 25.0%); ' +
        'edgetpu-pcie: median absolute error 16.7% over 1 published models (max 16.7%)');
      expect(s.scatter).toHaveLength(2);
    });

    it('should say the published file is missing and leave its columns out', () => {
      const s = _.singleTpuSection(input());
      expect(s.skipped).toEqual(['published figures not found at /x/published.csv: the measured columns are left out']);
      expect(s.blocks[0]!.table.columns).toEqual(['model', 'input', 'params MiB', 'on-chip MiB', 'off-chip MiB', 'ms (edgetpu-usb3)', 'ms (edgetpu-pcie)']);
    });
  });
});
