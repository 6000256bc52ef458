import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { describeShared, sharedPath } from '../helpers/shared';
import { captureIo, withEnv } from '../helpers/io';

const SYNTH = 'synth:conv?filters=8&layers=3&size=16';
const STANDINS = path.resolve(__dirname, '../../fixtures/standins');
const COMPILER = path.join(STANDINS, 'fake-edgetpu_compiler');
const RUNNER = path.join(STANDINS, 'fake-run_pipeline');

/** A fresh export of the small synthetic model in 2 segments (cut after op 2). */
async function exported(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-validate-'));
  fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ strategy: 'hand', cuts: [2] }));
  expect(await main(['export', SYNTH, '--plan', 'p.json', '--out', 'x'], captureIo(dir).io)).toBe(0);
  return path.join(dir, 'x');
}

describe('cli/validate', () => {
  describe('validate --backend litert', () => {
    it('should pass a fresh export and write the Markdown and JSON reports', async () => {
      const dir = await exported();
      const c = captureIo(dir);
      expect(await main(['validate', '.', '--repeats', '1'], c.io)).toBe(0);
      expect(c.out[0]).toMatch(/^synth_conv_f8_l3_s16 \(litert\): pass: the segment chain's outputs equal the whole model's bit for bit/);
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'validation-litert.json'), 'utf8'));
      expect(json.verdict).toBe('pass');
      expect(json.segments).toHaveLength(2);
      const md = fs.readFileSync(path.join(dir, 'validation-litert.md'), 'utf8');
      expect(md).toContain('**verdict: pass**');
      expect(md).toContain('| 0 `synth_conv_f8_l3_s16_segment_0_of_2.tflite` | 0..1 |');
    });

    it('should exit 4 when a segment no longer matches the model', async () => {
      const dir = await exported();
      const seg = path.join(dir, 'synth_conv_f8_l3_s16_segment_1_of_2.tflite');
      // Replace segment 1 by segment 0's sibling from another seed: same ports, other weights.
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-other-'));
      fs.writeFileSync(path.join(other, 'p.json'), JSON.stringify({ cuts: [2] }));
      expect(await main(['export', SYNTH, '--plan', 'p.json', '--out', 'y', '--seed', '7'], captureIo(other).io)).toBe(0);
      fs.copyFileSync(path.join(other, 'y', 'synth_conv_f8_l3_s16_segment_1_of_2.tflite'), seg);
      const c = captureIo(dir);
      expect(await main(['validate', dir], c.io)).toBe(4);
      expect(c.err[0]).toMatch(/^tpuseg: validation failed: synth_conv_f8_l3_s16: 1 of 1 output\(s\) differ/);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'validation-litert.json'), 'utf8')).verdict).toBe('fail');
    });

    it('should exit 4 and name the tensor when a segment reads one no earlier segment produces', async () => {
      const dir = await exported();
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-other-'));
      fs.writeFileSync(path.join(other, 'p.json'), JSON.stringify({ cuts: [1] }));
      expect(await main(['export', SYNTH, '--plan', 'p.json', '--out', 'y'], captureIo(other).io)).toBe(0);
      // Segment 1 of a cut after op 0 reads op 0's output, which this export's segment 0 keeps inside.
      fs.copyFileSync(path.join(other, 'y', 'synth_conv_f8_l3_s16_segment_1_of_2.tflite'), path.join(dir, 'synth_conv_f8_l3_s16_segment_1_of_2.tflite'));
      const c = captureIo(dir);
      expect(await main(['validate', dir], c.io)).toBe(4);
      expect(c.err[0]).toMatch(/the segment chain breaks: synth_conv_f8_l3_s16_segment_1_of_2.tflite reads ".+", which no earlier segment produces/);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'validation-litert.json'), 'utf8')).verdict).toBe('fail');
    });

    it('should reject a directory without plan.json and an unknown backend (exit 2)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-empty-'));
      const c = captureIo(dir);
      expect(await main(['validate', dir], c.io)).toBe(2);
      expect(c.err[0]).toMatch(/no plan.json here; pass a folder written by `tpuseg export`/);
      const m = captureIo(dir);
      expect(await main(['validate', 'no-such-export'], m.io)).toBe(2);
      expect(m.err).toEqual([`tpuseg: usage error: ${path.join(dir, 'no-such-export')}: no such folder; pass a folder written by \`tpuseg export\``]);
      const d = captureIo(dir);
      expect(await main(['validate', dir, '--backend', 'gpu'], d.io)).toBe(2);
      expect(d.err[0]).toMatch(/--backend must be litert, edgetpu or sim, got "gpu"/);
    });
  });

  describe('validate --backend sim', () => {
    it('should match the closed form without jitter and report blocking with it', async () => {
      const dir = await exported();
      const c = captureIo(dir);
      expect(await main(['validate', dir, '--backend', 'sim', '--json'], c.io)).toBe(0);
      const r = JSON.parse(c.out.join('\n'));
      expect(r.pipeline.measuredMsPerInput).toBeCloseTo(r.pipeline.predictedMsPerInput, 9);
      expect(r.differsMost).toMatch(/^nothing: no stage ever waits/);
      const j = captureIo(dir);
      expect(await main(['validate', dir, '--backend', 'sim', '--jitter', '0.5', '--json'], j.io)).toBe(0);
      const rj = JSON.parse(j.out.join('\n'));
      expect(rj.details.jitter).toBe(0.5);
      expect(rj.pipeline.measuredMsPerInput).not.toBeCloseTo(rj.pipeline.predictedMsPerInput, 6);
    });
  });

  describe('validate --backend edgetpu (stand-in compiler and runner)', () => {
    it('should compile, parse the reports, run, compare and append a measurement row', async () => {
      const dir = await exported();
      const c = captureIo(dir);
      const code = await withEnv({ FAKE_RUNNER_MS: '1.5,0.5' }, () =>
        main(['validate', dir, '--backend', 'edgetpu', '--compiler', COMPILER, '--python', RUNNER], c.io));
      expect(c.err).toEqual([]);
      expect(code).toBe(0);
      const r = JSON.parse(fs.readFileSync(path.join(dir, 'validation-edgetpu.json'), 'utf8'));
      expect(r.verdict).toBe('pass');
      expect(r.segments.map((s: { measuredMs: number }) => s.measuredMs)).toEqual([1.5, 0.5]);
      // The recorded report says 3.75 MiB on chip, 0 off chip, for every segment.
      expect(r.segments.map((s: { measuredOnChipMiB: number }) => s.measuredOnChipMiB)).toEqual([3.75, 3.75]);
      expect(r.pipeline.measuredMsPerInput).toBeCloseTo((2 + 14 * 1.5) / 15, 4);
      expect(r.differsMost).toMatch(/^segment \d (on-chip: 3\.75 MiB reported|time: )/);
      const csv = fs.readFileSync(path.join(dir, 'measurements.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('Model,Spec,TPUs,Strategy,Cuts,Batch,Profile,On chip mem used,Off chip mem used,Segment time,Inference time,Predicted time');
      expect(csv[1]).toMatch(/^synth_conv_f8_l3_s16,synth:conv\?filters=8&layers=3&size=16,2,hand,\[2\],15,edgetpu-usb3,"\[3\.75, 3\.75\]","\[0, 0\]","\[1\.5, 0\.5\]",1\.53333/);
      expect(fs.existsSync(path.join(dir, 'synth_conv_f8_l3_s16_segment_1_of_2_compiler.txt'))).toBe(true);
    });

    it('should exit 4 when a segment fails to compile, naming the compiler failure', async () => {
      const dir = await exported();
      const c = captureIo(dir);
      const code = await withEnv({ FAKE_COMPILER_FAIL_ON: 'segment_1' }, () =>
        main(['validate', dir, '--backend', 'edgetpu', '--compiler', COMPILER, '--python', RUNNER], c.io));
      expect(code).toBe(4);
      expect(c.err[0]).toMatch(/segment 1 \(synth_conv_f8_l3_s16_segment_1_of_2.tflite\) failed to compile: Compilation failed due to large activation tensors in model/);
      expect(fs.existsSync(path.join(dir, 'measurements.csv'))).toBe(false);
    });

    it('should say plainly that the compiler or the TPUs are missing (exit 5)', async () => {
      const dir = await exported();
      const c = captureIo(dir);
      expect(await main(['validate', dir, '--backend', 'edgetpu', '--compiler', '/nonexistent/edgetpu_compiler'], c.io)).toBe(5);
      expect(c.err[0]).toMatch(/^tpuseg: unavailable: the Edge TPU compiler "\/nonexistent\/edgetpu_compiler" was not found/);
      const d = captureIo(dir);
      const code = await withEnv({ FAKE_RUNNER_EXIT: '3' }, () =>
        main(['validate', dir, '--backend', 'edgetpu', '--compiler', COMPILER, '--python', RUNNER], d.io));
      expect(code).toBe(5);
      expect(d.err[0]).toMatch(/run_pipeline.py could not reach the Edge TPUs: run_pipeline.py: 2 segments need 2 Edge TPUs, found 0/);
    });
  });
});

describeShared('cli/validate (real file)', () => {
  describe('validate --backend litert', () => {
    it('should refuse to cut a model already compiled for the Edge TPU, naming its source (exit 2)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cli-validate-'));
      fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ cuts: [4] }));
      const file = sharedPath('models', 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite');
      const c = captureIo(dir);
      expect(await main(['export', file, '--plan', 'p.json', '--out', 'x'], c.io)).toBe(2);
      expect(c.err).toEqual([expect.stringMatching(/already compiled for the Edge TPU .*give the source model, deeplabv3_mnv2_dm05_pascal_quant\.tflite, instead$/)]);
      expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
    });
  });
});
