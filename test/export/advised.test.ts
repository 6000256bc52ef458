import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { parseManifest } from '../../src/export/manifest';
import { pipelineScript } from '../../src/export/pipeline-script';
import { captureIo } from '../helpers/io';
import { needsTitle } from '../helpers/shared';

// An advised configuration exported, compiled with the stand-in compiler and run by its
// run_pipeline.py with real Python against the stand-in pycoral (fixtures/standins/python):
// replicas and hybrids deal inputs round robin, every segment copy on a device of its own.
const STANDINS = path.resolve(__dirname, '../../fixtures/standins');
const MODEL = 'synth:conv?filters=64&layers=8&size=32';
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const NUMPY = 'python3 with numpy (e.g. apt-get install python3-numpy)';
const env = { ...process.env, PYTHONPATH: path.join(STANDINS, 'python'), PYTHONDONTWRITEBYTECODE: '1', FAKE_INVOKE_MS: '1' };

interface Run {
  layout: number[][];
  segments: { index: number; device: string }[];
  copies: { index: number; copy: number; device: string }[];
  outputsMatchSequential: boolean;
  pipelinedMsPerInput: number;
}

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-advised-'));
  const c = captureIo(dir);
  expect(await main(['advise', MODEL, '--tpus', '6', '-o', 'advice.json', '--json'], c.io)).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function exported(out: string, extra: string[]): Promise<ReturnType<typeof parseManifest>> {
  const c = captureIo(dir);
  expect([await main(['export', MODEL, '--plan', 'advice.json', ...extra, '--out', out], c.io), c.err]).toEqual([0, []]);
  const compile = spawnSync('bash', [path.join(dir, out, 'compile.sh')], { cwd: dir, encoding: 'utf8', env: { ...env, EDGETPU_COMPILER: path.join(STANDINS, 'fake-edgetpu_compiler') } });
  expect(compile.status).toBe(0);
  return parseManifest(fs.readFileSync(path.join(dir, out, 'plan.json'), 'utf8'), 'plan.json');
}

const run = (out: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } =>
  spawnSync('python3', [path.join(dir, out, 'run_pipeline.py'), '--batch', '9', '--repeats', '2', ...args], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });

describe('export of an advised configuration', () => {
  const advice = (): { recommended: string; configurations: { id: string; kind: string; assignment: number[][]; cuts: number[]; throughput: number }[] } =>
    JSON.parse(fs.readFileSync(path.join(dir, 'advice.json'), 'utf8'));

  it('should write the recommended configuration: segments once, plan.json with the whole configuration', async () => {
    const a = advice();
    const rec = a.configurations.find((c) => c.id === a.recommended)!;
    const m = await exported('rec', []);
    if (m._tag === 'Left') throw new Error(JSON.stringify(m.left));
    expect(m.right.segments).toHaveLength(rec.cuts.length + 1);
    expect(m.right.configuration).toMatchObject({ id: rec.id, kind: rec.kind, assignment: rec.assignment, throughput: expect.closeTo(rec.throughput, 6) });
    expect(m.right.predicted.strategy).toBe(`advise:${rec.id}`);
  });

  (hasNumpy ? it : it.skip).each(['r2x2', 'r3x2', 'h2-13', 'h3-122'])(`%s: run_pipeline.py passes py_compile and runs end to end against the stand-in pycoral${needsTitle(hasNumpy, NUMPY)}`, async (id) => {
    const conf = advice().configurations.find((c) => c.id === id)!;
    expect(conf).toBeDefined();
    const m = await exported(id, ['--configuration', id]);
    if (m._tag === 'Left') throw new Error(JSON.stringify(m.left));
    expect(m.right.configuration!.assignment).toEqual(conf.assignment);
    const script = path.join(dir, id, 'run_pipeline.py');
    const compiled = spawnSync('python3', ['-m', 'py_compile', script], { encoding: 'utf8', env });
    expect([compiled.status, compiled.stderr]).toEqual([0, '']);
    const r = run(id);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const result = JSON.parse(r.stdout) as Run;
    expect(result.layout).toEqual(conf.assignment);
    expect(result.outputsMatchSequential).toBe(true);
    expect(result.segments).toHaveLength(conf.assignment.length);
    // Every copy of every segment on the device of its board position, each device once.
    expect(result.copies.map((c) => c.device)).toEqual(conf.assignment.flat().map((t) => `:${t}`));
    expect(new Set(result.copies.map((c) => c.device)).size).toBe(conf.assignment.flat().length);
  });

  (hasNumpy ? it : it.skip)(`should refuse too few TPUs, and take the devices given per board position${needsTitle(hasNumpy, NUMPY)}`, async () => {
    await exported('devs', ['--configuration', 'r2x2']);
    const few = spawnSync('python3', [path.join(dir, 'devs', 'run_pipeline.py')], { cwd: dir, encoding: 'utf8', env: { ...env, FAKE_TPUS: '3' } });
    expect(few.status).toBe(3);
    expect(few.stderr).toContain('2 segments on 4 TPUs need 4 Edge TPUs, found 3');
    const named = run('devs', ['--devices', 'usb:3', 'usb:2', 'usb:1', 'usb:0']);
    expect(named.status).toBe(0);
    const layout = advice().configurations.find((c) => c.id === 'r2x2')!.assignment;
    expect((JSON.parse(named.stdout) as Run).copies.map((c) => c.device)).toEqual(layout.flat().map((t) => `usb:${3 - t}`));
    const short = run('devs', ['--devices', ':0', ':1']);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('2 segments need 4 devices (board positions 0..3), got 2');
  });

  it('should name a configuration the advice does not have, and refuse --configuration with a plain plan', async () => {
    const c = captureIo(dir);
    expect(await main(['export', MODEL, '--plan', 'advice.json', '--configuration', 'x9', '--out', 'bad'], c.io)).toBe(2);
    expect(c.err[0]).toMatch(/advice\.json: invalid configuration: configurations: no configuration "x9" \(the advice has p1, /);
    const d = captureIo(dir);
    expect(await main(['export', MODEL, '--strategy', 'dp', '--tpus', '2', '--configuration', 'p2', '--out', 'bad'], d.io)).toBe(2);
    expect(d.err[0]).toContain('--configuration and --devices go with --plan <advice.json>');
  });
});

describe('pipelineScript with a layout', () => {
  it('should bake the layout in as data and check it', () => {
    const text = pipelineScript({ model: 'm', compiled: ['a_edgetpu.tflite', 'b_edgetpu.tflite'], batch: 7, layout: [[0, 2], [1, 3]] });
    expect(text).toContain('LAYOUT = [[0,2],[1,3]]');
    expect(text).toContain('PipelinedModelRunner(interpreters)');
    expect(() => pipelineScript({ model: 'm', compiled: ['a'], batch: 7, layout: [[0], [1]] })).toThrow(RangeError);
    expect(() => pipelineScript({ model: 'm', compiled: ['a'], batch: 7, layout: [[]] })).toThrow(RangeError);
  });
});
