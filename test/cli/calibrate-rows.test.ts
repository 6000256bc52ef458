import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { costModel, loadProfile } from '../../cost-models';
import { main } from '../../src/cli/main';
import { loadModel } from '../../src/model/load';
import { evaluatePlan } from '../../src/pipeline/evaluate';
import { captureIo, withEnv } from '../helpers/io';

/** `tpuseg validate --backend edgetpu` rows (stand-in compiler and runner) read back by `tpuseg calibrate`. */

const SYNTH = 'synth:conv?filters=8&layers=3&size=16';
const STANDINS = path.resolve(__dirname, '../../fixtures/standins');
const VALIDATE = ['--backend', 'edgetpu', '--compiler', path.join(STANDINS, 'fake-edgetpu_compiler'), '--python', path.join(STANDINS, 'fake-run_pipeline')];

/** An export cut after op 2, validated twice with the given per-segment ms; returns the directory. */
async function measured(runs: readonly string[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cal-rows-'));
  fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ strategy: 'hand', cuts: [2] }));
  expect(await main(['export', SYNTH, '--plan', 'p.json', '--out', 'x'], captureIo(dir).io)).toBe(0);
  for (const ms of runs) {
    const c = captureIo(dir);
    expect(await withEnv({ FAKE_RUNNER_MS: ms }, () => main(['validate', 'x', ...VALIDATE], c.io))).toBe(0);
  }
  return dir;
}

describe('cli/calibrate on validate rows', () => {
  describe('calibrate DIR/measurements.csv', () => {
    it('should fit the rows validate appended and write a profile loadProfile accepts', async () => {
      // Pipelined over the runner's batch of 15: (sum + 14 max) / 15 = 1.5333 and 1.2533 ms per input.
      const dir = await measured(['1.5,0.5', '0.8,1.2']);
      const c = captureIo(dir);
      const code = await main(['calibrate', 'x/measurements.csv', '--base', 'edgetpu-usb3', '--free', 'fixedMs', '--out', 'tmp.json'], c.io);
      expect([code, c.err]).toEqual([0, []]);
      expect(c.out.filter((l) => /^ {2}measurements\.csv +2 rows/.test(l))).toHaveLength(2);
      const p = loadProfile(path.join(dir, 'tmp.json'));
      if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
      expect(p.right.calibration).toMatchObject({ files: ['measurements.csv'], rows: 2, base: 'edgetpu-usb3' });
      expect(p.right.calibration?.['fitted']).toContain('fixedMs');
      // The one free time constant puts the plan's predicted ms per input between the two measured.
      const g = loadModel(SYNTH);
      if (E.isLeft(g)) throw new Error('synth model');
      const ms = evaluatePlan(costModel(g.right, p.right), [2], 15).msPerInput;
      expect(ms).toBeGreaterThan((2 + 14 * 1.2) / 15 - 0.01);
      expect(ms).toBeLessThan((2 + 14 * 1.5) / 15 + 0.01);
    });

    it('should reject a malformed row with one line naming the file, the row and the column', async () => {
      const dir = await measured(['1.5,0.5']);
      const [header, row] = fs.readFileSync(path.join(dir, 'x', 'measurements.csv'), 'utf8').trim().split('\n') as [string, string];
      const spec = row.split(',')[1]!;
      const variants: [string, string, RegExp][] = [
        ['bad-cuts.csv', row.replace(',[2],', ',"[2, 9]",'), /^tpuseg: .*bad-cuts\.csv: invalid configuration: row 3, column "Cuts": cut 1 is 9: cuts must be integers in 1\.\.3/],
        ['bad-spec.csv', row.replace(spec, 'zoo:no_such_model'), /^tpuseg: .*bad-spec\.csv: invalid configuration: row 3, column "Spec": zoo:no_such_model: unknown zoo model "no_such_model"/],
      ];
      for (const [name, bad, message] of variants) {
        fs.writeFileSync(path.join(dir, name), `${header}\n${row}\n${bad}\n`);
        const c = captureIo(dir);
        expect(await main(['calibrate', name, '--base', 'edgetpu-usb3', '--out', 'tmp.json'], c.io)).toBe(2);
        expect(c.err).toHaveLength(1);
        expect(c.err[0]).not.toContain('\n');
        expect(c.err[0]).toMatch(message);
      }
      const c = captureIo(dir);
      expect(await main(['calibrate', 'x/measurements.csv', '--tpus', '2', '--base', 'edgetpu-usb3', '--out', 'tmp.json'], c.io)).toBe(2);
      expect(c.err[0]).toMatch(/measurements\.csv: invalid configuration: its rows name their own model and cuts .*drop --model/);
      expect(fs.existsSync(path.join(dir, 'tmp.json'))).toBe(false);
    });
  });
});
