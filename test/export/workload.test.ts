import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';

// A workload plan exported, compiled with the stand-in compiler (co-compiled models in one call)
// and run by its run_pipeline.py with real Python against the stand-in pycoral
// (fixtures/standins/python): every model's runner at once, on its unit's devices.
const STANDINS = path.resolve(__dirname, '../../fixtures/standins');
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const env = { ...process.env, PYTHONPATH: path.join(STANDINS, 'python'), PYTHONDONTWRITEBYTECODE: '1', FAKE_INVOKE_MS: '1' };

interface Plan { recommended: string; assignments: { id: string; units: { kind: string; models: string[]; positions: number[]; configuration?: { assignment: number[][] } }[] }[] }
interface Result { models: { name: string; devices: string[]; shared: boolean; throughputPerS: number; latencyMs: { p50: number; p99: number }; outputsMatchSequential: boolean; layout: number[][]; batch: number }[] }

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-workload-export-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function advised(name: string, models: string[], tpus: number): Promise<Plan> {
  const c = captureIo(dir);
  expect(await main(['advise', ...models.flatMap((m) => ['--model', m]), '--tpus', String(tpus), '-o', name, '--json'], c.io)).toBe(0);
  return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Plan;
}

async function exportAndCompile(plan: string, out: string): Promise<void> {
  const c = captureIo(dir);
  expect([await main(['export', '--plan', plan, '--out', out], c.io), c.err]).toEqual([0, []]);
  const compile = spawnSync('bash', [path.join(dir, out, 'compile.sh')], { cwd: dir, encoding: 'utf8', env: { ...env, EDGETPU_COMPILER: path.join(STANDINS, 'fake-edgetpu_compiler') } });
  expect([compile.status, compile.stderr.slice(-300)]).toEqual([0, expect.any(String)]);
}

const run = (out: string, args: string[] = []) =>
  spawnSync('python3', [path.join(dir, out, 'run_pipeline.py'), '--batch', '6', '--repeats', '2', ...args], { cwd: dir, encoding: 'utf8', env, timeout: 120_000 });

const recommended = (p: Plan) => p.assignments.find((a) => a.id === p.recommended)!;

describe('export of a workload plan', () => {
  (hasNumpy ? it : it.skip)('models alone: each in its configuration on its unit\'s TPUs, all at once', async () => {
    const plan = await advised('alone.json', ['zoo:mobilenet_v2=300', 'zoo:resnet50_v1=60'], 4);
    const rec = recommended(plan);
    expect(rec.units.every((u) => u.kind === 'alone')).toBe(true);
    await exportAndCompile('alone.json', 'alone');
    const r = run('alone');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as Result;
    expect(result.models.map((m) => m.name)).toEqual(['mobilenet_v2', 'resnet50_v1']);
    for (const [i, m] of result.models.entries()) {
      const u = rec.units[i]!;
      expect(m.outputsMatchSequential).toBe(true);
      expect(m.devices).toEqual(u.positions.map((p) => `:${p}`));
      // The model's layout, on its own positions 0..: the configuration's board positions, shifted.
      expect(m.layout).toEqual(u.configuration!.assignment.map((ts) => ts.map((t) => u.positions.indexOf(t))));
      expect(m.throughputPerS).toBeGreaterThan(0);
      expect(m.latencyMs.p99).toBeGreaterThanOrEqual(m.latencyMs.p50);
    }
    expect(r.stderr).toMatch(/^run_pipeline\.py: resnet50_v1: [\d.]+ inputs\/s \(target 60\), latency ms p50 /m);
    // Every device of the board used once.
    expect(result.models.flatMap((m) => m.devices).sort()).toEqual([':0', ':1', ':2', ':3']);
  });

  (hasNumpy ? it : it.skip)('co-compiled models: one compiler call in the plan\'s order, run on the same TPUs', async () => {
    const plan = await advised('co.json', ['zoo:mobilenet_v2=30', 'zoo:mobilenet_v1=30'], 2);
    const rec = recommended(plan);
    expect(rec.units).toHaveLength(1);
    expect(rec.units[0]!.kind).toBe('co-compiled');
    await exportAndCompile('co.json', 'co');
    const script = fs.readFileSync(path.join(dir, 'co', 'compile.sh'), 'utf8');
    const order = rec.units[0]!.models;
    expect(script).toContain(`co_compile 0 'unit_1_co-compiled' ${order.map((m) => `'${m}/${m}_segment_0_of_1.tflite'`).join(' ')}`);
    const report = fs.readFileSync(path.join(dir, 'co', 'unit_1_co-compiled', 'compiler.txt'), 'utf8');
    const seen = order.map((m) => report.indexOf(`${m}_segment_0_of_1.tflite`));
    expect(seen.every((x) => x >= 0)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const r = run('co');
    expect([r.status, r.stderr.includes('Traceback')]).toEqual([0, false]);
    const result = JSON.parse(r.stdout) as Result;
    for (const m of result.models) {
      expect(m.shared).toBe(true);
      expect(m.devices).toEqual(rec.units[0]!.positions.map((p) => `:${p}`));
      expect(m.outputsMatchSequential).toBe(true);
    }
  });

  (hasNumpy ? it : it.skip)('time-shared models: each compiled on its own, fed its own inputs', async () => {
    const plan = await advised('ts.json', ['zoo:mobilenet_v2=30', 'zoo:mobilenet_v1=30'], 2);
    const rec = recommended(plan);
    rec.units[0]!.kind = 'time-shared';
    fs.writeFileSync(path.join(dir, 'ts.json'), JSON.stringify(plan));
    await exportAndCompile('ts.json', 'ts');
    expect(fs.existsSync(path.join(dir, 'ts', 'mobilenet_v1', 'mobilenet_v1_segment_0_of_1_edgetpu.tflite'))).toBe(true);
    const inputs = path.join(dir, 'ts-in');
    fs.mkdirSync(inputs);
    // Three generated inputs for mobilenet_v1, as .npy files.
    const gen = spawnSync('python3', ['-c', `import numpy as np\nfor i in range(3): np.save("${inputs}/x%d.npy" % i, np.random.default_rng(i).integers(0, 256, (1, 224, 224, 3), dtype=np.uint8))`], { encoding: 'utf8' });
    expect(gen.status).toBe(0);
    const r = run('ts', ['--inputs', `mobilenet_v1=${inputs}`]);
    expect([r.status, r.stderr.includes('Traceback')]).toEqual([0, false]);
    const result = JSON.parse(r.stdout) as Result;
    expect(result.models.find((m) => m.name === 'mobilenet_v1')!.batch).toBe(3);
    expect(result.models.find((m) => m.name === 'mobilenet_v2')!.batch).toBe(6);
    const bad = run('ts', ['--inputs', `nosuch=${inputs}`]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--inputs nosuch=.*: expected NAME=DIR with NAME one of mobilenet_v2, mobilenet_v1/);
  });

  it('should refuse a plan that places a model twice, in one line naming where', async () => {
    const plan = await advised('bad.json', ['zoo:mobilenet_v2=300', 'zoo:resnet50_v1=60'], 4);
    const rec = recommended(plan);
    rec.units[1]!.models = ['mobilenet_v2'];
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(plan));
    const c = captureIo(dir);
    expect(await main(['export', '--plan', 'bad.json', '--out', 'bad'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/bad\.json.*assignments\[\d+\]\.units\[1\]\.models: "mobilenet_v2" runs in two units/);
    expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);
  });
});
