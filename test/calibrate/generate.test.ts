import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateReport, REPORT_DIR, EXPLANATIONS } from '../../src/calibrate/generate';
import { describeShared, SHARED } from '../helpers/shared';

describeShared('calibrate/generate', () => {
  describe('generateReport', () => {
    // One regeneration (about two minutes: it refits the bench's constants six times) shared by the checks.
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
      // The bench profile, TPUs alike at every position, meets the time target on all but three of the fifteen
      // files it was fitted to (the large profiling file, the large 3-TPU and the small 4-TPU compiler files).
      expect(report!.report.files.filter((f) => !f.pass).map((f) => f.file)).toEqual([
        'conv-2tpu-profiling-batch100-large.csv', 'conv-3tpu-compiler-batch100-large.csv', 'conv-4tpu-compiler-batch100.csv',
      ]);
    });

    it('should check the speedup of the profiling splits over the compiler\'s on every 2-TPU pair, with its band', () => {
      const r = report!.report;
      expect(r.ratios.map((c) => [c.against, c.pairs.length])).toEqual([['profiling', 66]]);
      const c = r.ratios[0]!;
      expect(c.pairs.every((p) => p.tpus === 2)).toBe(true);
      // Within 12% (median), the faster split picked on all but two pairs; the band straddles 1.
      expect(c.medianAbsErr).toBeLessThan(0.12);
      expect(c.wrongPicks).toBeLessThanOrEqual(2);
      expect(c.band.lo).toBeLessThan(1);
      expect(c.band.hi).toBeGreaterThan(1);
      // The profile records the same band for the speedups it prints.
      const bench = JSON.parse(fs.readFileSync(path.join(__dirname, '../../cost-models/profiles/edgetpu-ucm-bench.json'), 'utf8')) as { calibration: { ratioBand: { lo: number; hi: number } } };
      expect(bench.calibration.ratioBand.lo).toBeCloseTo(c.band.lo, 3);
      expect(bench.calibration.ratioBand.hi).toBeCloseTo(c.band.hi, 3);
    });

    it('should price a layer inside a pipeline stage above a whole-model run, the same at every position', () => {
      const r = report!.report;
      expect(r.benchComputeFactors).toBeUndefined();
      expect(r.stageActFactor).toBeGreaterThan(1.5);
    });

    it('should give ms per input for any batch size, the fill weighing 1/B', () => {
      for (const c of report!.report.batchCurves) {
        const ms = c.points.map((p) => p.ms);
        // More inputs per batch amortize the fill (and a fresh runner's first invokes): never slower per input.
        for (let i = 1; i < ms.length; i++) expect(ms[i]!).toBeLessThanOrEqual(ms[i - 1]! + 1e-9);
        expect(c.points[0]!.batch).toBe(1);
      }
      const fresh = report!.report.batchCurves.filter((c) => c.freshRunner);
      const warm = report!.report.batchCurves.filter((c) => !c.freshRunner);
      expect(fresh.length).toBe(2);
      fresh.forEach((f, i) => expect(f.points[0]!.ms).toBeGreaterThan(warm[i]!.points[0]!.ms));
    });

    it('should price the compiler\'s memory of the released real CNN segments', () => {
      const m = report!.report.compilerMemory!;
      expect(m.rows.length).toBe(42);
      // The target is 38 of 42 within 0.5 MiB (41 today: the one miss is explained in explanations.json).
      expect(m.within).toBeGreaterThanOrEqual(38);
      expect(m.rows.filter((x) => Math.abs(x.predictedOffChipMiB - x.offChipMiB) <= 0.5).length).toBe(m.within);
    });

    it('should explain every missed target', () => {
      const why = JSON.parse(fs.readFileSync(EXPLANATIONS, 'utf8')) as Record<string, string>;
      for (const t of report!.report.targets.filter((x) => !x.pass)) expect([t.id, typeof why[t.id]]).toEqual([t.id, 'string']);
    });

    it('should hold out stage counts and families, and never train on what it tests', () => {
      const g = report!.report.generalisation;
      expect(g.map((x) => x.id)).toEqual(['without-4tpu', 'without-3tpu', 'conv-only', 'fc-only', 'compiler-splits-only', 'profiling-splits-only']);
      for (const x of g) for (const f of x.testFiles) expect(x.trainFiles).not.toContain(f.file);
      expect(g[0]!.testFiles.map((f) => f.file).every((f) => f.includes('-4tpu-'))).toBe(true);
      expect(g[1]!.testFiles.map((f) => f.file).every((f) => f.includes('-3tpu-'))).toBe(true);
      expect(g[2]!.testFiles.every((f) => f.file.startsWith('fc-') && f.group === 'multi')).toBe(true);
      expect(g[3]!.testFiles.every((f) => f.file.startsWith('conv-') && f.group === 'multi')).toBe(true);
      expect(g[4]!.testFiles.map((f) => f.file).sort()).toEqual(['conv-2tpu-profiling-batch100-large.csv', 'conv-2tpu-profiling-batch100.csv']);
      expect(g[5]!.testFiles.every((f) => f.file.includes('-compiler-'))).toBe(true);
      // Cross-split: each direction also predicts the speedups over the compiler's split.
      for (const x of g.slice(4)) expect(x.ratios.map((c) => c.pairs.length)).toEqual([66]);
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
