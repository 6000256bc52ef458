import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { LOCK_FILE } from '../../src/experiments/lock';
import { captureIo } from '../helpers/io';

// Output folders prepared by someone else: links planted under output names, files where
// folders should be, another run holding the folder. Nothing outside may change; errors are one line, exit 2.
const SYNTH = 'synth:conv?filters=8&layers=3&size=16';
const CONFIG = { name: 'files', models: ['synth:fc?neurons=64&layers=3'], tpus: [1, 2], strategies: ['compiler'], outputs: { tables: ['cells'] } };

function setup(): { dir: string; outside: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-files-'));
  const outside = path.join(dir, 'outside.txt');
  fs.writeFileSync(outside, 'precious\n');
  fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(CONFIG));
  return { dir, outside };
}

const plant = (dir: string, names: readonly string[], target: string): void => {
  fs.mkdirSync(dir, { recursive: true });
  for (const n of names) fs.symlinkSync(target, path.join(dir, n));
};

const untouched = (outside: string): void => {
  expect(fs.readFileSync(outside, 'utf8')).toBe('precious\n');
  expect(fs.statSync(outside).mode & 0o111).toBe(0);
};

describe('cli: writing into prepared output folders', () => {
  it('export and validate should replace links named like their outputs, never write through them', async () => {
    const { dir, outside } = setup();
    const out = path.join(dir, 'x');
    plant(out, ['plan.json', 'compile.sh', 'run_pipeline.py', 'synth_conv_f8_l3_s16_segment_0_of_2.tflite', 'validation-sim.md', 'validation-sim.json'], outside);
    const c = captureIo(dir);
    expect(await main(['export', SYNTH, '--strategy', 'dp', '--tpus', '2', '--out', 'x'], c.io)).toBe(0);
    expect(await main(['validate', 'x', '--backend', 'sim'], c.io)).toBe(0);
    untouched(outside);
    for (const f of fs.readdirSync(out)) expect([f, fs.lstatSync(path.join(out, f)).isSymbolicLink()]).toEqual([f, false]);
    expect(fs.statSync(path.join(out, 'compile.sh')).mode & 0o111).not.toBe(0);
  });

  it('run and report should not write through planted links', async () => {
    const { dir, outside } = setup();
    plant(path.join(dir, 'r'), ['index.md', 'config.json'], outside);
    const c = captureIo(dir);
    expect(await main(['run', 'cfg.json', '--out', 'r', '--workers', '0'], c.io)).toBe(0);
    fs.rmSync(path.join(dir, 'r', 'index.md'));
    fs.symlinkSync(outside, path.join(dir, 'r', 'index.md'));
    expect(await main(['report', 'r'], c.io)).toBe(0);
    untouched(outside);
    expect(fs.lstatSync(path.join(dir, 'r', 'index.md')).isSymbolicLink()).toBe(false);

    plant(path.join(dir, 'l'), ['results.jsonl'], outside);
    const d = captureIo(dir);
    expect(await main(['run', 'cfg.json', '--out', 'l', '--workers', '0'], d.io)).toBe(2);
    expect(d.err.at(-1)).toBe(`tpuseg: ${path.join(dir, 'l', 'results.jsonl')}: cannot write: is a symbolic link (tpuseg does not write through links)`);
    untouched(outside);
  });

  it.each([
    ['--out naming a file', (dir: string) => fs.writeFileSync(path.join(dir, 'o'), ''), 'o', 'o: cannot write: is not a folder, or a part of its path is a file'],
    ['--out under a file', (dir: string) => fs.writeFileSync(path.join(dir, 'o'), ''), 'o/sub', 'o/sub: cannot write: is not a folder, or a part of its path is a file'],
    ['results.jsonl a folder', (dir: string) => fs.mkdirSync(path.join(dir, 'o', 'results.jsonl'), { recursive: true }), 'o', 'o/results.jsonl: is a directory'],
  ])('run with %s should fail with one line, exit 2', async (_what, prepare, out, message) => {
    const { dir } = setup();
    prepare(dir);
    const c = captureIo(dir);
    expect(await main(['run', 'cfg.json', '--out', out, '--workers', '0'], c.io)).toBe(2);
    expect(c.err.at(-1)).toBe(`tpuseg: ${path.join(dir, message)}`);
  });

  it('a second run on a results folder should stop at once, naming the run that holds it', async () => {
    const { dir } = setup();
    const holder = spawn('sleep', ['30']);
    try {
      fs.mkdirSync(path.join(dir, 'o'));
      fs.writeFileSync(path.join(dir, 'o', LOCK_FILE), `${holder.pid}\n`);
      const c = captureIo(dir);
      expect(await main(['run', 'cfg.json', '--out', 'o', '--workers', '0'], c.io)).toBe(2);
      expect(c.err.at(-1)).toBe(`tpuseg: ${path.join(dir, 'o')}: another run (pid ${holder.pid}) is writing here; wait for it, or stop it`);
      expect(fs.readdirSync(path.join(dir, 'o'))).toEqual([LOCK_FILE]);
    } finally {
      holder.kill();
    }
  });

  it('an export into a folder another process is writing should stop at once, writing nothing', async () => {
    const { dir } = setup();
    const holder = spawn('sleep', ['30']);
    try {
      fs.mkdirSync(path.join(dir, 'x'));
      fs.writeFileSync(path.join(dir, 'x', LOCK_FILE), `${holder.pid}\n`);
      const c = captureIo(dir);
      expect(await main(['export', SYNTH, '--strategy', 'dp', '--tpus', '2', '--out', 'x'], c.io)).toBe(2);
      expect(c.err.at(-1)).toBe(`tpuseg: ${path.join(dir, 'x')}: another run (pid ${holder.pid}) is writing here; wait for it, or stop it`);
      expect(fs.readdirSync(path.join(dir, 'x'))).toEqual([LOCK_FILE]);
    } finally {
      holder.kill();
    }
  });

  it('an export of a model with a 228-character name should write every file, and none of the temporary ones', async () => {
    const { dir } = setup();
    const name = `${'m'.repeat(228 - '.tflite'.length)}.tflite`;
    const c = captureIo(dir);
    expect(await main(['export-model', SYNTH, '-o', name], c.io)).toBe(0);
    expect(await main(['export', name, '--strategy', 'dp', '--tpus', '2', '--out', 'x'], c.io)).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'x'));
    expect(files.filter((f) => f.endsWith('.tflite'))).toHaveLength(2);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('run, report and reproduce should refuse a folder link planted below their output folder, writing nothing through it', async () => {
    const { dir } = setup();
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'speedup.svg'), 'precious\n');
    const linkMessage = (p: string): string => `tpuseg: ${path.join(dir, p)}: cannot write: is a symbolic link (tpuseg does not write through links)`;
    plant(path.join(dir, 'r'), ['figures'], '../elsewhere');
    const c = captureIo(dir);
    expect(await main(['run', 'cfg.json', '--out', 'r', '--workers', '0'], c.io)).toBe(2);
    expect(c.err.at(-1)).toBe(linkMessage('r/figures'));

    expect(await main(['run', 'cfg.json', '--out', 'ok', '--workers', '0'], c.io)).toBe(0);
    fs.rmSync(path.join(dir, 'ok', 'figures'), { recursive: true });
    fs.symlinkSync('../elsewhere', path.join(dir, 'ok', 'figures'));
    expect(await main(['report', 'ok'], c.io)).toBe(2);
    expect(c.err.at(-1)).toBe(linkMessage('ok/figures'));

    plant(path.join(dir, 'res'), ['single-tpu'], 'elsewhere');
    expect(await main(['reproduce', 'single-tpu', '--out', 'res'], c.io)).toBe(2);
    expect(c.err.at(-1)).toBe(linkMessage('res/single-tpu'));
    expect(fs.readdirSync(elsewhere)).toEqual(['speedup.svg']);
    expect(fs.readFileSync(path.join(elsewhere, 'speedup.svg'), 'utf8')).toBe('precious\n');
  });
});
