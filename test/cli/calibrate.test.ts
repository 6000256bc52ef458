import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile } from '../../cost-models';
import { DOMAIN_PRIORS } from '../../src/calibrate/priors';
import { main } from '../../src/cli/main';
import { describeShared, sharedPath } from '../helpers/shared';
import { captureIo } from '../helpers/io';

/** An fc sweep measured as fixed 0.2 ms + 3 ms per streamed MiB would give, roughly. */
function sweep(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-cal-'));
  fs.writeFileSync(path.join(dir, 'sweep.csv'), 'N,Inference time\n100,0.21\n400,0.22\n800,0.25\n1600,0.3\n');
  fs.mkdirSync(path.join(dir, 'out'));
  return dir;
}
const FLAGS = ['--model', 'synth:fc?neurons={x}&layers=2', '--x', 'N', '--tpus', '1', '--split', 'whole', '--batch', '1'];

describe('cli/calibrate', () => {
  describe('calibrate', () => {
    it('should fit the --free constants, print the errors and write a valid profile that names its data', async () => {
      const dir = sweep();
      const c = captureIo(dir);
      const code = await main(['calibrate', 'sweep.csv', ...FLAGS, '--base', 'edgetpu-usb3', '--free', 'fixedMs', '--out', 'out/mine.json'], c.io);
      expect([code, c.err]).toEqual([0, []]);
      expect(c.out[0]).toBe('base edgetpu-usb3:');
      expect(c.out).toContain('fitted mine (fixedMs):');
      expect(c.out.some((l) => /^ {2}overall +4 rows +median +[\d.]+% +p90 +[\d.]+%$/.test(l))).toBe(true);
      const p = loadProfile(path.join(dir, 'out', 'mine.json'));
      if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
      expect(p.right.name).toBe('mine');
      expect(p.right.constants.fixedMs.source).toMatch(/^fitted by tpuseg calibrate on sweep.csv \(4 rows; base edgetpu-usb3\)/);
      expect(p.right.constants.fixedMs.value).toBeGreaterThan(0.1);
      expect(p.right.constants.fixedMs.value).toBeLessThan(0.3);
      expect(p.right.calibration).toMatchObject({ files: ['sweep.csv'], rows: 4, base: 'edgetpu-usb3', fitted: ['fixedMs'] });
    });

    it('should pull the fit toward the documented priors with --priors, and say so in the profile', async () => {
      const dir = sweep();
      const fitted = async (extra: string[]): Promise<{ value: number; source: string; calibration: unknown }> => {
        const c = captureIo(dir);
        const out = `out/p${extra.length}.json`;
        const code = await main(['calibrate', 'sweep.csv', ...FLAGS, '--base', 'edgetpu-usb3', '--free', 'fixedMs', ...extra, '--out', out], c.io);
        expect([code, c.err]).toEqual([0, []]);
        const p = loadProfile(path.join(dir, out));
        if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
        return { ...p.right.constants.fixedMs, calibration: p.right.calibration };
      };
      const plain = await fitted([]);
      const regularized = await fitted(['--priors']);
      const center = DOMAIN_PRIORS.fixedMs!.center;
      expect(regularized.value).not.toBe(plain.value);
      expect(Math.abs(regularized.value - center)).toBeLessThan(Math.abs(plain.value - center));
      expect(regularized.source).toMatch(/regularized toward the domain priors/);
      expect(plain.source).not.toMatch(/regularized/);
      expect(regularized.calibration).toMatchObject({ priors: 'domain' });
    });

    it('should reject bad input with one line', async () => {
      const dir = sweep();
      const cases: [string[], RegExp][] = [
        [['calibrate', '--base', 'edgetpu-usb3', '--out', 'x.json'], /give at least one measurements CSV/],
        [['calibrate', 'sweep.csv', '--out', 'x.json'], /--base PROFILE is required/],
        [['calibrate', 'sweep.csv', '--base', 'edgetpu-usb3'], /--out FILE is required/],
        [['calibrate', 'sweep.csv', ...FLAGS, '--base', 'edgetpu-usb3', '--out', 'x.json', '--free', 'fixedMs,speed'], /--free names unknown or integer constants: speed/],
        [['calibrate', 'sweep.csv', '--base', 'edgetpu-usb3', '--out', 'x.json'], /not in the calibration mapping/],
        [['calibrate', 'sweep.csv', ...FLAGS, '--split', 'halves', '--base', 'edgetpu-usb3', '--out', 'x.json'], /--split expects whole, compiler, layers, profiling or fastest/],
        [['calibrate', 'sweep.csv', ...FLAGS, '--base', 'nope.json', '--out', 'x.json'], /nope.json: invalid configuration/],
      ];
      for (const [argv, message] of cases) {
        const c = captureIo(dir);
        expect(await main(argv, c.io)).toBe(2);
        expect(c.err[0]).toMatch(message);
      }
    });
  });
});

describeShared('cli/calibrate on the shared measurements', () => {
  it('should fit the fc pipeline file from the mapping and meet its target', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-cal-'));
    const c = captureIo(dir);
    const file = sharedPath('data', 'edgetpu-measurements', 'fc-L4-2tpu-layersplit-batch50.csv');
    expect(await main(['calibrate', file, '--base', 'edgetpu-usb3', '--free', 'fixedMs,hopMs', '--out', 'fc2.json'], c.io)).toBe(0);
    const line = c.out.filter((l) => l.includes('fc-L4-2tpu-layersplit-batch50.csv'))[1]!;
    expect(Number(/median +([\d.]+)%/.exec(line)![1])).toBeLessThan(15);
  });

  it('should ask for --column when a published table maps several columns', async () => {
    const c = captureIo(os.tmpdir());
    const file = sharedPath('data', 'published', 'coral-benchmarks-calibration.csv');
    expect(await main(['calibrate', file, '--base', 'experiments/calibration/bases/edgetpu-usb3-domain.json', '--out', 'x.json'], { ...c.io, cwd: path.resolve(__dirname, '../..') })).toBe(2);
    expect(c.err[0]).toMatch(/pick one with --column/);
  });
});
