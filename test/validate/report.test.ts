import { relError, renderMarkdown, type ValidationReport } from '../../src/validate/report';

const report: ValidationReport = {
  backend: 'edgetpu', model: 'm', spec: 'zoo:m', strategy: 'dp', cuts: [3], profile: 'edgetpu-usb3',
  verdict: 'pass', summary: 'ran', measuredLabel: 'Edge TPU ms', comparable: true,
  segments: [
    { index: 0, file: 'm_segment_0_of_2.tflite', firstOp: 0, lastOp: 2, predictedMs: 2, measuredMs: 2.5, predictedOnChipMiB: 1, predictedOffChipMiB: 0, measuredOnChipMiB: 1.25, measuredOffChipMiB: 0 },
    { index: 1, file: 'm_segment_1_of_2.tflite', firstOp: 3, lastOp: 5, predictedMs: 4, predictedOnChipMiB: 2, predictedOffChipMiB: 0.5, note: 'not compiled' },
  ],
  pipeline: { batch: 15, predictedMsPerInput: 4, measuredMsPerInput: 3 },
  differsMost: 'segment 0 time', notes: ['a note'], details: {},
};

describe('validate/report', () => {
  describe('relError', () => {
    it('should give (measured - predicted) / predicted, and nothing without both', () => {
      expect(relError(2, 2.5)).toBe(0.25);
      expect(relError(4, 3)).toBe(-0.25);
      expect(relError(2, undefined)).toBeUndefined();
      expect(relError(0, 1)).toBeUndefined();
      expect(relError(1, Number.NaN)).toBeUndefined();
    });
  });

  describe('renderMarkdown', () => {
    it('should show the verdict, one row per segment with predicted vs measured, the pipeline and the notes', () => {
      const md = renderMarkdown(report);
      expect(md).toContain('# Validation of m (edgetpu)');
      expect(md).toContain('- **verdict: pass**: ran');
      expect(md).toContain('- what differs most: segment 0 time');
      expect(md).toContain('| 0 `m_segment_0_of_2.tflite` | 0..2 | 2.00 | 2.50 | +25.0% | 1.00 / 1.25 | 0.00 / 0.00 |  |');
      expect(md).toContain('| 1 `m_segment_1_of_2.tflite` | 3..5 | 4.00 | - | - | 2.00 / - | 0.50 / - | not compiled |');
      expect(md).toContain('predicted 4.00 ms per input; measured 3.00 ms per input (-25.0%)');
      expect(md).toContain('## Notes\n\n- a note');
    });
    it('should show no difference where measured and predicted are different things', () => {
      const md = renderMarkdown({ ...report, comparable: false, pipeline: { batch: 15, predictedMsPerInput: 4 } });
      expect(md).toContain('| 2.00 | 2.50 | n/a |');
      expect(md).toContain('predicted 4.00 ms per input; not measured by this backend.');
    });
  });
});
