import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { describeShared, sharedPath } from '../helpers/shared';
import { captureIo } from '../helpers/io';

const SYNTH = 'synth:conv?filters=8&layers=3&size=16';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-export-'));

describe('cli/export', () => {
  describe('export', () => {
    it('should search with --strategy and write segments, plan.json, compile.sh and run_pipeline.py', async () => {
      const dir = tmp();
      const c = captureIo(dir);
      expect(await main(['export', SYNTH, '--strategy', 'dp', '--tpus', '2', '--out', 'x'], c.io)).toBe(0);
      const files = fs.readdirSync(path.join(dir, 'x')).sort();
      expect(files).toEqual([
        'compile.sh', 'plan.json', 'run_pipeline.py', 'synth_conv_f8_l3_s16.tflite',
        'synth_conv_f8_l3_s16_segment_0_of_2.tflite', 'synth_conv_f8_l3_s16_segment_1_of_2.tflite',
      ]);
      expect(fs.statSync(path.join(dir, 'x', 'compile.sh')).mode & 0o111).not.toBe(0);
      const plan = JSON.parse(fs.readFileSync(path.join(dir, 'x', 'plan.json'), 'utf8'));
      expect(plan.predicted.strategy).toBe('dp');
      expect(plan.segments.map((s: { firstOp: number }) => s.firstOp)).toEqual([0, plan.predicted.cuts[0]]);
      expect(c.out[0]).toMatch(/^synth_conv_f8_l3_s16: 2 segment\(s\) by dp \(cuts \d+\)/);
    });

    it('should export the best result of a segment report given with --plan, and print plan.json with --json', async () => {
      const dir = tmp();
      const report = { model: SYNTH, tpus: 3, profile: 'edgetpu-usb3', objective: 'throughput', results: [{ strategy: 'mine', cuts: [1, 3] }], best: 'mine' };
      fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify(report));
      const c = captureIo(dir);
      expect(await main(['export', SYNTH, '--plan', 'p.json', '--out', 'y', '--json'], c.io)).toBe(0);
      const printed = JSON.parse(c.out.join('\n'));
      expect(printed.predicted.cuts).toEqual([1, 3]);
      expect(printed.predicted.strategy).toBe('mine');
      expect(printed.segments).toHaveLength(3);
    });

    it('should take what `tpuseg segment --json` printed, with its profile and batch', async () => {
      const dir = tmp();
      const seg = captureIo(dir);
      expect(await main(['segment', SYNTH, '--tpus', '3', '--strategy', 'dp,compiler', '--workers', '0', '--profile', 'edgetpu-pcie', '--batch', '7', '--json'], seg.io)).toBe(0);
      const report = JSON.parse(seg.out.join('\n'));
      fs.writeFileSync(path.join(dir, 'seg.json'), JSON.stringify(report));
      const c = captureIo(dir);
      expect(await main(['export', SYNTH, '--plan', 'seg.json', '--out', 'w', '--json'], c.io)).toBe(0);
      const plan = JSON.parse(c.out.join('\n'));
      const best = report.results.find((r: { strategy: string }) => r.strategy === (typeof report.best === 'string' ? report.best : report.best.strategy));
      expect(plan.predicted.cuts).toEqual(best.cuts);
      expect(plan.profile).toBe('edgetpu-pcie');
      expect(plan.predicted.batch).toBe(7);
      expect(plan.predicted.msPerInput).toBeCloseTo(best.msPerInput, 9);
    });

    it('should reject bad requests with one line and exit 2', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"cuts":[1,"a"]}');
      const cases: [string[], RegExp][] = [
        [['export', SYNTH, '--out', 'z'], /give either --plan FILE or --strategy S --tpus N/],
        [['export', SYNTH, '--strategy', 'dp', '--tpus', '2'], /--out DIR is required/],
        [['export', SYNTH, '--plan', 'nope.json', '--out', 'z'], /nope.json: no such file/],
        [['export', SYNTH, '--plan', 'bad.json', '--out', 'z'], /bad.json: invalid configuration: cuts.1: expected number, got "a"/],
        [['export', SYNTH, '--strategy', 'nosuch', '--tpus', '2', '--out', 'z'], /unknown strategy "nosuch"/],
        [['export', 'missing.tflite', '--strategy', 'dp', '--tpus', '2', '--out', 'z'], /missing.tflite: not a readable TFLite model: no such file/],
      ];
      for (const [argv, message] of cases) {
        const c = captureIo(dir);
        expect(await main(argv, c.io)).toBe(2);
        expect(c.err).toHaveLength(1);
        expect(c.err[0]).toMatch(message);
      }
      expect(fs.existsSync(path.join(dir, 'z'))).toBe(false);
    });

    it('should refuse plan cuts that leave a segment empty (exit 2) and too many TPUs (exit 3)', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ cuts: [2, 2] }));
      const c = captureIo(dir);
      expect(await main(['export', SYNTH, '--plan', 'p.json', '--out', 'z'], c.io)).toBe(2);
      expect(c.err[0]).toMatch(/p.json: invalid configuration: cuts: cuts must be strictly increasing, got 2 then 2/);
      const d = captureIo(dir);
      expect(await main(['export', SYNTH, '--strategy', 'dp', '--tpus', '99', '--out', 'z'], d.io)).toBe(3);
    });

    it('should print its help', async () => {
      const c = captureIo(tmp());
      expect(await main(['export', '--help'], c.io)).toBe(0);
      expect(c.out[0]).toMatch(/^usage: tpuseg export <model> --plan <plan.json> --out DIR/);
    });
  });
});

describeShared('cli/export (real file)', () => {
  describe('export', () => {
    it('should cut a real file without copying it, keeping its absolute path in plan.json', async () => {
      const dir = tmp();
      const c = captureIo(dir);
      const file = sharedPath('models', 'split_concat.tflite');
      expect(await main(['export', file, '--strategy', 'dp', '--tpus', '2', '--out', 'x'], c.io)).toBe(0);
      const plan = JSON.parse(fs.readFileSync(path.join(dir, 'x', 'plan.json'), 'utf8'));
      expect(plan.model.spec).toBe(file);
      expect(plan.model.file).toBeUndefined();
      expect(fs.readdirSync(path.join(dir, 'x')).filter((f) => f.endsWith('.tflite'))).toHaveLength(2);
    });
  });
});
