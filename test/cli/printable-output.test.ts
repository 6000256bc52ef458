import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { alignedLines } from '../../src/cli/text';
import { captureIo } from '../helpers/io';

// A model file whose name carries terminal escape sequences (set the window title, clear the
// screen, recolour, a bidirectional override): every command that prints the name shows escapes.
const ROOT = path.resolve(__dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-printable-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const NAME = 'x\u001b]0;pwned\u0007\u001b[2J\u001b[31m\u009b1m\u202ey';
const model = path.join(dir, `${NAME}.tflite`);
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const run = async (...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> => {
  const { io, out, err } = captureIo(dir);
  const code = await main(argv, io);
  return { code, out, err };
};

describe('printable output', () => {
  beforeAll(async () => {
    expect((await run('export-model', 'synth:conv?filters=8&layers=3&size=16', '-o', model)).code).toBe(0);
  });

  it.each([
    ['export-model', ['export-model', 'synth:conv?filters=8&layers=3&size=16', '-o', path.join(dir, `${NAME}-2.tflite`)]],
    ['inspect', ['inspect', model, '--ops']],
    ['segment', ['segment', model, '--tpus', '2', '--strategy', 'compiler,dp', '--workers', '0']],
    ['predict', ['predict', model, '--tpus', '2']],
    ['advise', ['advise', model, '--tpus', '2']],
    ['a missing model', ['inspect', `${NAME}-missing.tflite`]],
    ['an unknown zoo model', ['segment', `zoo:${NAME}`, '--tpus', '2']],
    ['an unknown profile', ['segment', model, '--tpus', '2', '--profile', NAME]],
  ])('should print %s with the name\'s control characters escaped', async (_what, argv) => {
    const r = await run(...argv);
    const lines = [...r.out, ...r.err];
    expect(lines.filter((l) => RAW.test(l))).toEqual([]);
    expect(lines.join('\n')).toContain('x\\x1b]0;pwned\\x07\\x1b[2J');
  });

  it('should keep table columns aligned when a cell shows escapes', () => {
    const lines = alignedLines(['name', 'ms'], [[NAME, '1.0'], ['plain', '22.5']], new Set([0]));
    expect(lines.every((l) => !RAW.test(l))).toBe(true);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^x\\x1b\]0;pwned\\x07.* {2}1\.0$/);
  });

  it('should keep newlines and tabs of multi-line output', async () => {
    const r = await run('segment', model, '--tpus', '2', '--strategy', 'compiler', '--workers', '0');
    expect(r.code).toBe(0);
    expect(r.out.join('\n').split('\n').length).toBeGreaterThan(2);
  });

  it('should write escapes, not the raw bytes, to the real stdout and stderr', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tpuseg.js'), 'predict', model, '--tpus', '2'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(RAW.test(r.stdout + r.stderr)).toBe(false);
    expect(r.stdout).toContain('\\x1b[2J');
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'bin/tpuseg.js'), 'inspect', `zoo:${NAME}`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(bad.status).toBe(2);
    expect(RAW.test(bad.stdout + bad.stderr)).toBe(false);
  });
});
