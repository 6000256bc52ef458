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
        [...r.files, ...r.generalisation.flatMap((g) => g.testFiles)].map((f) => [f.file, f.profile, Math.round(f.medianAbsRelErr * 200)]);
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

    it('should hold the targets it claims: every file <= 10%, held-out files <= 15%, off-chip within 0.5 MiB', () => {
      for (const f of report!.report.files) {
        expect(f.pass).toBe(f.medianAbsRelErr <= 0.1);
        if (f.offChip?.target !== undefined) expect(f.offChip.target).toBe(f.offChip.maxErrMiB <= 0.5);
      }
      for (const f of report!.report.generalisation.flatMap((g) => g.testFiles)) expect(f.pass).toBe(f.medianAbsRelErr <= 0.15);
      // The bench profile meets the time target on all but at most one of the files it was fitted to.
      expect(report!.report.files.filter((f) => !f.pass).length).toBeLessThanOrEqual(1);
    });

    it('should explain every missed target', () => {
      const why = JSON.parse(fs.readFileSync(EXPLANATIONS, 'utf8')) as Record<string, string>;
      for (const t of report!.report.targets.filter((x) => !x.pass)) expect([t.id, typeof why[t.id]]).toEqual([t.id, 'string']);
    });

    it('should hold out stage counts and families, and never train on what it tests', () => {
      const g = report!.report.generalisation;
      expect(g.map((x) => x.id)).toEqual(['without-4tpu', 'without-3tpu', 'conv-only', 'fc-only']);
      for (const x of g) for (const f of x.testFiles) expect(x.trainFiles).not.toContain(f.file);
      expect(g[0]!.testFiles.map((f) => f.file).every((f) => f.includes('-4tpu-'))).toBe(true);
      expect(g[1]!.testFiles.map((f) => f.file).every((f) => f.includes('-3tpu-'))).toBe(true);
      expect(g[2]!.testFiles.every((f) => f.file.startsWith('fc-') && f.group === 'multi')).toBe(true);
      expect(g[3]!.testFiles.every((f) => f.file.startsWith('conv-') && f.group === 'multi')).toBe(true);
    });

    it('should hold the interpreter lock, which conv rows cannot identify, at its documented prior', () => {
      const r = report!.report;
      expect(r.generalisation.find((x) => x.id === 'conv-only')!.fitted['gilMs']).toBeCloseTo(r.priors['gilMs']!.center, 2);
    });

    it('should give every regime of the bench data a band that holds its rows', () => {
      const bands = Object.entries(report!.report.bands);
      expect(bands.map(([k]) => k).sort()).toEqual([
        'pipeline/conv/on-chip', 'pipeline/conv/streaming', 'pipeline/fc/on-chip', 'pipeline/fc/streaming',
        'single/conv/on-chip', 'single/conv/streaming', 'single/fc/on-chip', 'single/fc/streaming',
      ]);
      for (const [, b] of bands) expect(b.lo).toBeLessThanOrEqual(b.hi);
    });
  });
});
