import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { main } from '../../src/cli/main';
import { formatError } from '../../src/errors';
import { runTflite } from '../../src/litert';
import { rng } from '../../src/rng';
import { readTflite } from '../../src/tflite/reader';
import { writeTflite } from '../../src/tflite/writer';
import { bridgeInt8Ports, dequantized, int8Params } from '../../src/validate/bridge';
import { captureIo } from '../helpers/io';
import { readNpy, writeNpy } from '../helpers/npy';

// run_pipeline.py as a runner: real inputs from a folder, outputs written per input, latency
// percentiles and throughput. End to end with real Python against the stand-in pycoral, its
// interpreter running each segment in real TFLite (LiteRT.js, STANDIN_TFLITE=litert), and every
// output compared with LiteRT running the whole model on the same input.
const STANDINS = path.resolve(__dirname, '../../fixtures/standins');
const MODEL = 'synth:conv?filters=8&layers=4&size=16';
const STEM = 'synth_conv_f8_l4_s16';
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const hasPil = hasNumpy && spawnSync('python3', ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0;
const env = { ...process.env, PYTHONPATH: path.join(STANDINS, 'python'), PYTHONDONTWRITEBYTECODE: '1', FAKE_INVOKE_MS: '1' };
const litertEnv = { ...env, STANDIN_TFLITE: 'litert', STANDIN_NODE: process.execPath };

interface Result {
  batch: number;
  outputsMatchSequential: boolean | null;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  throughputPerS: number;
  pipelinedTotalMs: number;
  inputs: string | null;
  outputs: string | null;
}

let dir: string;
const out = (...p: string[]): string => path.join(dir, 'e', ...p);
const run = (args: string[], e: NodeJS.ProcessEnv = env, bundle = 'e') =>
  spawnSync('python3', [path.join(dir, bundle, 'run_pipeline.py'), '--repeats', '1', ...args], { cwd: dir, encoding: 'utf8', env: e, timeout: 120_000 });
const folder = (name: string): string => {
  const p = path.join(dir, name);
  fs.mkdirSync(p, { recursive: true });
  return p;
};

/** Seeded float32 values of the model's input (1x16x16x3). */
function sample(seed: number): Float32Array {
  const r = rng(`run-pipeline-inputs-${seed}`);
  return Float32Array.from({ length: 16 * 16 * 3 }, () => r.next() * 4 - 2);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-runner-inputs-'));
  const c = captureIo(dir);
  // A pipeline cut by dp, and a hybrid whose second stage runs on two TPUs (inputs dealt to them in turn).
  expect([await main(['export', MODEL, '--strategy', 'dp', '--tpus', '2', '--out', 'e'], c.io), c.err]).toEqual([0, []]);
  expect([await main(['advise', MODEL, '--tpus', '4', '-o', 'advice.json', '--json'], c.io), c.err]).toEqual([0, []]);
  expect([await main(['export', MODEL, '--plan', 'advice.json', '--configuration', 'h2-12', '--out', 'h'], c.io), c.err]).toEqual([0, []]);
  for (const bundle of ['e', 'h']) {
    const compile = spawnSync('bash', [path.join(dir, bundle, 'compile.sh')], { cwd: dir, encoding: 'utf8', env: { ...env, EDGETPU_COMPILER: path.join(STANDINS, 'fake-edgetpu_compiler') } });
    expect(compile.status).toBe(0);
  }
  const inputs = folder('in');
  // With and without the batch dimension.
  for (let i = 0; i < 6; i++) writeNpy(path.join(inputs, `x${i}.npy`), sample(i), i === 0 ? [1, 16, 16, 3] : [16, 16, 3]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Without numpy one skipped test that says so, and the body is never run. */
const describeWithNumpy = hasNumpy ? describe : (name: string) => describe(name, () => it.skip('needs python3 with numpy (e.g. apt-get install python3-numpy)', () => undefined));

describeWithNumpy('run_pipeline.py --inputs', () => {
  it.each([['a 2-stage pipeline', 'e', [[0], [1]]], ['a hybrid (h2-12)', 'h', [[0], [1, 2]]]])('%s: should run a folder of .npy inputs end to end, write each input\'s outputs, and match LiteRT on the whole model', async (_, bundle, layout) => {
    const outputs = folder(`out-${bundle}`);
    const r = run(['--inputs', 'in', '--outputs', `out-${bundle}`], litertEnv, bundle);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as Result & { layout: number[][] };
    expect(result).toMatchObject({ layout, batch: 6, outputsMatchSequential: true, inputs: 'in', outputs: `out-${bundle}` });
    const { p50, p90, p99, max } = result.latencyMs;
    expect(0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= max).toBe(true);
    expect(max).toBeLessThanOrEqual(result.pipelinedTotalMs);
    expect(result.throughputPerS).toBeCloseTo(6 / (result.pipelinedTotalMs / 1000), 6);
    expect(r.stderr).toMatch(new RegExp(`^run_pipeline\\.py: 6 inputs, [\\d.]+ inputs/s, latency ms p50 [\\d.]+ p90 [\\d.]+ p99 [\\d.]+ max [\\d.]+; outputs in out-${bundle}\n$`));
    expect(fs.readdirSync(outputs).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `x${i}.npy`));

    // The whole model in LiteRT, its int8 output read through a float32 bridge.
    const g = readTflite(new Uint8Array(fs.readFileSync(path.join(dir, bundle, `${STEM}.tflite`))), STEM);
    if (E.isLeft(g)) throw new Error(formatError(g.left));
    const outT = g.right.tensors[g.right.outputs[0]!]!;
    const q = int8Params(outT)!;
    expect(q).toBeDefined();
    const bytes = writeTflite(bridgeInt8Ports(g.right).graph).slice();
    for (let i = 0; i < 6; i++) {
      const want = await runTflite(bytes, [sample(i)], STEM);
      if (E.isLeft(want)) throw new Error(formatError(want.left));
      const got = readNpy(path.join(outputs, `x${i}.npy`));
      expect(got.shape).toEqual(outT.shape);
      expect(got.data).toBeInstanceOf(Int8Array);
      expect(Float32Array.from(got.data, (v) => dequantized(v, q))).toEqual(want.right[0]);
    }
    // Distinct inputs give distinct outputs: the files were not mixed up or fed once.
    expect(new Set([0, 1, 2].map((i) => Buffer.from(readNpy(path.join(outputs, `x${i}.npy`)).data.buffer).toString('base64'))).size).toBe(3);
  });

  it('should quantize a float array for an integer input with its scale and zero point, and add a missing batch dimension', () => {
    const py = [
      'import sys, numpy as np', `sys.path.insert(0, ${JSON.stringify(out())})`, 'import run_pipeline as r',
      "d = {'name': 'x', 'dtype': np.int8, 'shape': np.array([1, 4]), 'quantization': (0.5, -3)}",
      'print(r.to_input(np, np.array([1.0, -100.0, 100.0, 0.26], dtype=np.float32), d, "f").tolist())',
      'print(r.to_input(np, np.array([[5, -7, 0, 1]], dtype=np.int8), d, "f").tolist())',
      'print(r.percentile([4.0, 1.0, 3.0, 2.0], 50), r.percentile([4.0, 1.0, 3.0, 2.0], 99))',
    ].join('\n');
    const p = spawnSync('python3', ['-c', py], { encoding: 'utf8', env });
    expect([p.status, p.stderr]).toEqual([0, '']);
    // 1 / 0.5 - 3 = -1; -200 - 3 clipped to -128; 200 - 3 clipped to 127; 0.52 - 3 rounds to -2.
    expect(p.stdout.trim().split('\n')).toEqual(['[[-1, -128, 127, -2]]', '[[5, -7, 0, 1]]', '2.0 4.0']);
  });

  it('should name what is wrong with the inputs and exit 2', () => {
    const cases: [string[], string][] = [
      [['--inputs', 'nowhere'], 'run_pipeline.py: --inputs nowhere: no such folder'],
      [['--inputs', 'in', '--outputs', 'nowhere'], 'run_pipeline.py: --outputs nowhere: no such folder'],
      [['--outputs', 'in'], 'run_pipeline.py: --outputs needs --inputs'],
      [['--inputs', 'in', '--batch', '3'], 'run_pipeline.py: --batch and --inputs: with --inputs the batch is the input files'],
    ];
    const shape = folder('shape');
    writeNpy(path.join(shape, 'a.npy'), new Float32Array(16 * 16 * 4), [16, 16, 4]);
    cases.push([['--inputs', 'shape'], `run_pipeline.py: ${path.join('shape', 'a.npy')}: shape [16, 16, 4] where input 'serving_default_input_1:0' takes [1, 16, 16, 3]`]);
    const other = folder('other');
    fs.writeFileSync(path.join(other, 'notes.txt'), 'x');
    cases.push([['--inputs', 'other'], `run_pipeline.py: ${path.join('other', 'notes.txt')}: not an input file (.npy, .npz, .png, .jpg, .jpeg, .bmp)`]);
    folder('empty');
    cases.push([['--inputs', 'empty'], 'run_pipeline.py: --inputs empty: no input files (.npy, .npz, .png, .jpg, .jpeg, .bmp)']);
    for (const [args, message] of cases) {
      const r = run(args);
      expect([args, r.status, r.stderr.trim().split('\n')[0]]).toEqual([args, 2, expect.stringContaining(message)]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('should read images through Pillow when it is there, and say in one line that it is needed when not', () => {
    const images = folder('images');
    const made = hasPil
      ? spawnSync('python3', ['-c', `from PIL import Image; Image.new("RGB", (40, 30), (200, 10, 90)).save(${JSON.stringify(path.join(images, 'a.png'))})`], { encoding: 'utf8' })
      : (fs.writeFileSync(path.join(images, 'a.png'), 'not read'), { status: 0 });
    expect(made.status).toBe(0);
    folder('img-out');
    const r = run(['--inputs', 'images', '--outputs', 'img-out', '--input-mean', '127.5', '--input-std', '127.5']);
    if (hasPil) {
      expect(r.status).toBe(0);
      expect(readNpy(path.join(dir, 'img-out', 'a.npy')).shape).toEqual([1, 16, 16, 8]);
    } else {
      expect([r.status, r.stderr]).toEqual([2, `run_pipeline.py: ${path.join('images', 'a.png')}: reading images needs Pillow in this Python (pip install Pillow); .npy inputs need only numpy\n`]);
    }
  });

  it('should keep random inputs without --inputs, with latency and throughput', () => {
    const r = run(['--batch', '4']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const result = JSON.parse(r.stdout) as Result;
    expect(result).toMatchObject({ batch: 4, outputsMatchSequential: true, inputs: null, outputs: null });
    expect(result.latencyMs.p50).toBeGreaterThan(0);
  });
});
