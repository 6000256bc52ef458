import * as fs from 'node:fs';
import * as path from 'node:path';
import { cpuOpCount, parseCompilerReport, parseSize } from '../../src/validate/compiler-report';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '../../fixtures/compiler-reports', name), 'utf8');
const MiB = 1024 * 1024;

describe('validate/compiler-report', () => {
  describe('parseSize', () => {
    it('should convert each unit to bytes', () => {
      expect(parseSize('0.00B')).toBe(0);
      expect(parseSize('512.00KiB')).toBe(512 * 1024);
      expect(parseSize('3.41MiB')).toBeCloseTo(3.41 * MiB, 6);
      expect(parseSize('1.50GiB')).toBe(1.5 * 1024 * MiB);
    });
    it('should reject text that is not a size', () => {
      expect(parseSize('3.41 MB')).toBeUndefined();
      expect(parseSize('')).toBeUndefined();
    });
  });

  describe('parseCompilerReport', () => {
    it('should read every field of a v16 success report', () => {
      const r = parseCompilerReport(fixture('v16-success.txt'));
      expect(r.version).toBe('16.0.384591198');
      expect(r.compileMs).toBe(1234);
      expect(r.succeeded).toBe(true);
      expect(r.failure).toBeUndefined();
      expect(r.models).toHaveLength(1);
      const m = r.models[0]!;
      expect(m.inputModel).toBe('m_segment_0_of_2.tflite');
      expect(m.outputModel).toBe('m_segment_0_of_2_edgetpu.tflite');
      expect(m.onChipBytes).toBeCloseTo(3.75 * MiB, 6);
      expect(m.onChipFreeBytes).toBeCloseTo(3.16 * MiB, 6);
      expect(m.offChipBytes).toBe(0);
      expect(m.subgraphs).toBe(1);
      expect(m.totalOps).toBe(66);
      expect(m.cpuOps).toBeUndefined();
      expect(cpuOpCount(m)).toBe(0);
      expect(m.operationLog).toBe('m_segment_0_of_2_edgetpu.log');
    });
    it('should read the CPU-fallback counts', () => {
      const m = parseCompilerReport(fixture('v16-cpu-fallback.txt')).models[0]!;
      expect(m.tpuOps).toBe(5);
      expect(m.cpuOps).toBe(2);
      expect(m.onChipBytes).toBeCloseTo(144.25 * 1024, 6);
    });
    it('should read the 2.x "available" wording and treat a report without verdict as success', () => {
      const r = parseCompilerReport(fixture('v2-available.txt'));
      expect(r.version).toBe('2.1.302470888');
      expect(r.succeeded).toBe(true);
      const m = r.models[0]!;
      expect(m.onChipFreeBytes).toBeCloseTo(6.91 * MiB, 6);
      expect(m.onChipBytes).toBeCloseTo(6.54 * MiB, 6);
      expect(m.offChipBytes).toBeCloseTo(3.12 * MiB, 6);
    });
    it('should read the -s Operator Count Status table', () => {
      const m = parseCompilerReport(fixture('v16-operator-table.txt')).models[0]!;
      expect(m.operators).toHaveLength(7);
      expect(m.operators[0]).toEqual({ operator: 'CONV_2D', count: 5, status: 'Mapped to Edge TPU' });
      expect(m.operators[4]).toEqual({ operator: 'CAST', count: 1, status: 'More than one subgraph is not supported' });
      expect(m.operators.filter((o) => o.status !== 'Mapped to Edge TPU').reduce((s, o) => s + o.count, 0)).toBe(m.cpuOps);
    });
    it('should report the large-activation-tensors failure', () => {
      const r = parseCompilerReport(fixture('v16-large-activations.txt'));
      expect(r.succeeded).toBe(false);
      expect(r.failure).toContain('large activation tensors');
      expect(r.models).toHaveLength(0);
    });
    it('should split a multi-model report into one block per segment', () => {
      const r = parseCompilerReport(fixture('v16-multi-segment.txt'));
      expect(r.succeeded).toBe(true);
      expect(r.models.map((m) => m.inputModel)).toEqual([0, 1, 2].map((i) => `ssd_segment_${i}_of_3.tflite`));
      expect(r.models.map((m) => m.offChipBytes)).toEqual([0, 0, 512 * 1024]);
      expect(r.models.map((m) => m.cpuOps)).toEqual([undefined, undefined, 2]);
    });
    it('should not report success on empty or unrelated text', () => {
      expect(parseCompilerReport('').succeeded).toBe(false);
      expect(parseCompilerReport('edgetpu_compiler: command not found').succeeded).toBe(false);
    });
  });
});
