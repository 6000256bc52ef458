import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateReport, REPORT_DIR, EXPLANATIONS } from '../../src/calibrate/generate';
import { describeShared, SHARED } from '../helpers/shared';

describeShared('calibrate/generate', () => {
  describe('generateReport', () => {
    // One regeneration (about 10 s: it refits both cross-validation directions) shared by the checks.
    const generated = generateReport(SHARED);
    const report = E.isRight(generated) ? generated.right : undefined!;

    it('should make the claims of the committed report (else run npm run calibration-report)', () => {
      expect(E.isRight(generated)).toBe(true);
      const committed = JSON.parse(fs.readFileSync(path.join(REPORT_DIR, 'report.json'), 'utf8')) as typeof report.report;
      expect(report!.report.targets.map((t) => [t.id, t.pass])).toEqual(committed.targets.map((t) => [t.id, t.pass]));
      const medians = (r: typeof report.report): [string, string, number][] =>
        [...r.files, ...r.crossValidation.flatMap((cv) => cv.testFiles)].map((f) => [f.file, f.profile, Math.round(f.medianAbsRelErr * 200)]);
      // Same medians to half a percentage point: numbers may move in the last digits, claims may not.
      expect(medians(report!.report)).toEqual(medians(committed));
      expect(report!.markdown.split('\n').slice(0, 12)).toEqual(fs.readFileSync(path.join(REPORT_DIR, 'report.md'), 'utf8').split('\n').slice(0, 12));
    });

    it('should cover every row of every data file', () => {
      const r = report!.report;
      const dataRows = (dir: string): number => fs.readdirSync(path.join(SHARED, 'data', dir)).filter((f) => f.endsWith('.csv'))
        .reduce((s, f) => s + fs.readFileSync(path.join(SHARED, 'data', dir, f), 'utf8').trim().split('\n').length - 1, 0);
      const published = r.rows.filter((x) => x.group === 'published');
      expect(r.rows.length - published.length).toBe(dataRows('edgetpu-measurements'));
      expect(published.length + r.skipped.length * 2).toBe(dataRows('published') * 2);
      expect(r.unmapped).toEqual([]);
    });

    it('should hold the targets it claims: single-TPU and published <= 10%, multi-TPU <= 15%, off-chip within 0.5 MiB', () => {
      for (const f of report!.report.files) {
        const limit = f.group === 'multi' ? 0.15 : 0.1;
        expect(f.pass).toBe(f.medianAbsRelErr <= limit);
        if (f.offChip?.target !== undefined) expect(f.offChip.target).toBe(f.offChip.maxErrMiB <= 0.5);
      }
      // The bench profile meets every time target on the data it was fitted to.
      expect(report!.report.files.every((f) => f.pass)).toBe(true);
    });

    it('should explain every missed target', () => {
      const why = JSON.parse(fs.readFileSync(EXPLANATIONS, 'utf8')) as Record<string, string>;
      for (const t of report!.report.targets.filter((x) => !x.pass)) expect([t.id, typeof why[t.id]]).toEqual([t.id, 'string']);
    });

    it('should cross-validate in both directions with the held-out group as the test set', () => {
      expect(report!.report.crossValidation.map((cv) => [cv.train, cv.test, cv.testFiles.every((f) => f.group === cv.test)]))
        .toEqual([['single', 'multi', true], ['multi', 'single', true]]);
    });

    it('should hold the constant single-TPU rows cannot identify (the hop) at its documented prior', () => {
      const r = report!.report;
      const hop = r.crossValidationPriors['hopMs']!;
      expect(r.crossValidation.find((cv) => cv.train === 'single')!.fitted['hopMs']).toBeCloseTo(hop.center, 3);
    });
  });
});
