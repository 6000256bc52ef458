import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';

// Every input a command reads: a FIFO or a device in its place is refused in one line, at once
// (a FIFO used to block forever, /dev/zero to grow memory until abort); JSON nested 200,000 deep
// is refused in one line (it overflowed the stack); flags that size memory or time are bounded;
// an advice's board positions are checked when the file is read.
const ROOT = path.resolve(__dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-input-bounds-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const fifo = path.join(dir, 'fifo.json');
execFileSync('mkfifo', [fifo]);
const zero = path.join(dir, 'zero.json');
fs.symlinkSync('/dev/zero', zero);
const DEEP = '['.repeat(200_000) + ']'.repeat(200_000);

const run = async (...argv: string[]): Promise<{ code: number; err: string[]; out: string[] }> => {
  const { io, out, err } = captureIo(dir);
  return { code: await main(argv, io), out, err };
};

/** The command in a process of its own, stopped after 30 s (it used to wait on the FIFO forever). */
const spawn = (...argv: string[]): { status: number | null; stderr: string } => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tpuseg.js'), ...argv], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr };
};

describe('input bounds', () => {
  describe('a FIFO in place of an input file', () => {
    beforeAll(() => {
      fs.mkdirSync(path.join(dir, 'export'));
      fs.symlinkSync(fifo, path.join(dir, 'export', 'plan.json'));
      fs.mkdirSync(path.join(dir, 'results'));
      fs.symlinkSync(fifo, path.join(dir, 'results', 'results.jsonl'));
    });

    it.each([
      ['a model', ['inspect', fifo]],
      ['a profile', ['segment', 'zoo:resnet50_v1', '--tpus', '2', '--profile', fifo]],
      ['a plan', ['predict', 'zoo:resnet50_v1', '--strategy', fifo]],
      ['an export plan', ['export', 'zoo:resnet50_v1', '--plan', fifo, '--out', 'out']],
      ['an experiment config', ['run', fifo]],
      ['calibration measurements', ['calibrate', fifo, '--base', 'edgetpu-usb3', '--out', 'p.json']],
      ['an export folder\'s plan.json', ['validate', 'export', '--backend', 'sim']],
      ['a results file', ['report', 'results']],
    ])('should refuse %s at once with one line, exit 2', (_what, argv) => {
      const r = spawn(...argv);
      expect([r.status, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
      expect(r.stderr).toMatch(/^tpuseg: .*is a pipe \(FIFO\), not a regular file/);
    });
  });

  it.each([
    ['a model', ['inspect', '/dev/zero']],
    ['a profile', ['segment', 'zoo:resnet50_v1', '--tpus', '2', '--profile', '/dev/zero']],
    ['a plan', ['predict', 'zoo:resnet50_v1', '--strategy', zero]],
    ['an experiment config', ['run', zero]],
  ])('should refuse /dev/zero as %s without reading it', async (_what, argv) => {
    const r = await run(...argv);
    expect([r.code, r.err.length]).toEqual([2, 1]);
    expect(r.err[0]).toMatch(/is a device, not a regular file/);
  });

  it.each([
    ['a profile', 'deep-profile.json', (f: string) => ['segment', 'zoo:resnet50_v1', '--tpus', '2', '--profile', f]],
    ['a plan', 'deep-plan.json', (f: string) => ['predict', 'zoo:resnet50_v1', '--strategy', f]],
    ['an export plan', 'deep-export.json', (f: string) => ['export', 'zoo:resnet50_v1', '--plan', f, '--out', 'out']],
    ['an experiment config', 'deep-config.json', (f: string) => ['run', f]],
  ])('should refuse 200,000 nested [ in %s in one line', async (_what, name, argv) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, DEEP);
    const r = await run(...argv(f));
    expect([r.code, r.err.length]).toEqual([2, 1]);
    expect(r.err[0]).toMatch(/not valid JSON: nested more than 100 levels deep/);
  });

  it('should bound --batch, --samples and --repeats with a message naming the bound', async () => {
    const batch = await run('predict', 'zoo:resnet50_v1', '--tpus', '2', '--batch', '1000000000');
    expect([batch.code, batch.err]).toEqual([2, ['tpuseg: usage error: predict: --batch is at most 100,000, got 1000000000']]);
    expect((await run('segment', 'zoo:resnet50_v1', '--tpus', '2', '--batch', '100000000')).err).toEqual(['tpuseg: usage error: segment: --batch is at most 100,000, got 100000000']);
    expect((await run('validate', 'export', '--samples', '1000000000')).err).toEqual(['tpuseg: usage error: validate: --samples is at most 10,000, got 1000000000']);
    expect((await run('validate', 'export', '--repeats', '1000000000')).err).toEqual(['tpuseg: usage error: validate: --repeats is at most 1,000, got 1000000000']);
  });

  it('should refuse, when reading a workload plan, a board position beyond its board', async () => {
    expect((await run('advise', '--model', 'zoo:mobilenet_v2=300', '--model', 'zoo:resnet50_v1=60', '--tpus', '4', '-o', 'workload.json')).code).toBe(0);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'workload.json'), 'utf8'));
    const a = plan.assignments.find((x: { id: string }) => x.id === plan.recommended);
    a.units[0].positions = [100000000];
    fs.writeFileSync(path.join(dir, 'bad-workload.json'), JSON.stringify(plan));
    const r = await run('export', '--plan', 'bad-workload.json', '--out', 'bad-workload-out');
    expect([r.code, r.err.length]).toEqual([2, 1]);
    expect(r.err[0]).toMatch(/units\[0\]\.positions: board position 100000000 is not on the plan's board of 4 TPUs \(positions 0 to 3\)$/);
    expect(fs.existsSync(path.join(dir, 'bad-workload-out'))).toBe(false);
  });

  it('should bound an experiment config\'s batch', async () => {
    fs.writeFileSync(path.join(dir, 'big-batch-config.json'), JSON.stringify({ name: 'c', models: ['zoo:resnet50_v1'], tpus: 2, strategies: ['dp'], batch: 1e9 }));
    const r = await run('run', 'big-batch-config.json', '--out', 'o', '--workers', '0');
    expect([r.code, r.err]).toEqual([2, [`tpuseg: ${path.join(dir, 'big-batch-config.json')}: invalid configuration: batch: at most 100,000, got 1,000,000,000`]]);
  });

  it('should refuse, when reading an advice, a board position beyond its board', async () => {
    const advice = await run('advise', 'zoo:resnet50_v1', '--tpus', '4', '--json');
    expect(advice.code).toBe(0);
    const a = JSON.parse(advice.out.join('\n'));
    const two = a.configurations.findIndex((c: { stages: number }) => c.stages === 2);
    a.configurations[two].assignment = [[0], [100000000]];
    a.recommended = a.configurations[two].id;
    fs.writeFileSync(path.join(dir, 'bad-advice.json'), JSON.stringify(a));
    const r = await run('export', 'zoo:resnet50_v1', '--plan', 'bad-advice.json', '--out', 'bad-out');
    expect([r.code, r.err]).toEqual([2, [`tpuseg: bad-advice.json: invalid configuration: configurations.${two}.assignment: board position 100000000 is not on the advice's board of 4 TPUs (positions 0 to 3)`]]);
    expect(fs.existsSync(path.join(dir, 'bad-out'))).toBe(false);
    a.configurations[two].assignment = [[0], [1]];
    a.batch = 1e9;
    fs.writeFileSync(path.join(dir, 'big-batch.json'), JSON.stringify(a));
    expect((await run('export', 'zoo:resnet50_v1', '--plan', 'big-batch.json', '--out', 'bad-out')).err)
      .toEqual(['tpuseg: big-batch.json: invalid configuration: batch: expected an integer from 1 to 100,000, got 1000000000']);
  });
});
