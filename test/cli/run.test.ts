import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// These tests drive the real CLI in a child process: the run is killed half-way and resumed.
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpuseg.js');

const CONFIG = {
  name: 'resume-test',
  models: [{ model: 'synth:fc?layers=5', sweep: { neurons: { from: 100, to: 1060, step: 20 } } }],
  tpus: { from: 1, to: 3 },
  strategies: ['compiler', 'dp'],
  profile: 'edgetpu-ucm-bench',
  outputs: { tables: ['cells'], figures: ['speedup'] },
};
const CELLS = 49 * 3 * 2; // neurons 100, 120, ..., 1060

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-run-'));
  fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(CONFIG));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'run', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });

/** The uninterrupted reference run on a pool of one worker, made once. */
let wholeRun: ReturnType<typeof run> | undefined;
const whole = (): { dir: string; r: ReturnType<typeof run> } => {
  const out = path.join(dir, 'whole');
  wholeRun ??= run(['cfg.json', '--out', out, '--workers', '1']);
  return { dir: out, r: wholeRun };
};

const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);

/** Records without their timing, which is the only thing allowed to differ between runs. */
const comparable = (file: string): unknown[] => lines(file).map((l) => {
  const r = JSON.parse(l) as { result?: { searchMs?: number } };
  if (r.result) delete r.result.searchMs;
  return r;
});

/** Starts a run and kills it with `signal` once the results file holds at least `after` lines. */
function killMidway(out: string, signal: NodeJS.Signals, after: number): Promise<{ code: number | null; stdout: string; linesAtKill: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', 'cfg.json', '--out', out, '--workers', '1'], { cwd: dir });
    let stdout = '';
    let linesAtKill = -1;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const poll = setInterval(() => {
      const n = lines(path.join(out, 'results.jsonl')).length;
      if (n >= after && linesAtKill < 0) {
        linesAtKill = n;
        child.kill(signal);
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, linesAtKill });
    });
  });
}

describe('cli/run', () => {
  it('should reject a wrong config before any work, listing every problem by path', () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...CONFIG, tpus: [1, '8'], strategies: ['dp', 'nonsense'], batch: 0 }));
    const r = run(['bad.json', '--out', 'bad-out']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.json: invalid configuration:');
    expect(r.stderr).toContain('tpus[1]: expected a positive integer, got "8"');
    expect(r.stderr).toContain('batch: expected a positive integer, got 0');
    expect(r.stderr).not.toContain('    at ');
    expect(fs.existsSync(path.join(dir, 'bad-out'))).toBe(false);
  });

  it('should reject bad flags with a usage error', () => {
    const r = run(['cfg.json', '--workers', 'many']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('tpuseg: usage error: run: --workers expects an integer from 0 to 64, got "many"');
  });

  it('should finish a killed run on restart with the same results as an uninterrupted run, no cell lost or repeated', async () => {
    const { dir: wholeDir, r: once } = whole();
    expect(once.status).toBe(0);
    expect(once.stdout).toContain(`${CELLS}/${CELLS} cells: ${CELLS} computed, 0 reused`);

    const killed = path.join(dir, 'killed');
    const k = await killMidway(killed, 'SIGKILL', 30);
    expect(k.code).not.toBe(0);
    // SIGKILL can land inside a write that spans a page boundary (the kernel stops between pages):
    // every complete line parses, and at most the last one, without its newline, is torn.
    const text = fs.readFileSync(path.join(killed, 'results.jsonl'), 'utf8');
    const partial = text.split('\n').slice(0, -1);
    const torn = text.slice(text.lastIndexOf('\n') + 1);
    if (torn !== '') expect(() => JSON.parse(torn)).toThrow();
    expect(partial.length).toBeGreaterThanOrEqual(30 - 1);
    expect(partial.length).toBeLessThan(CELLS);
    partial.forEach((l) => expect(() => JSON.parse(l)).not.toThrow());

    const resumed = run(['cfg.json', '--out', killed, '--workers', '1']);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`${CELLS}/${CELLS} cells: ${CELLS - partial.length} computed, ${partial.length} reused`);
    expect(comparable(path.join(killed, 'results.jsonl'))).toEqual(comparable(path.join(wholeDir, 'results.jsonl')));
    expect(fs.readFileSync(path.join(killed, 'cells.csv'), 'utf8')).toBe(fs.readFileSync(path.join(wholeDir, 'cells.csv'), 'utf8'));
    expect(fs.readFileSync(path.join(killed, 'figures/speedup-edgetpu-ucm-bench.svg'), 'utf8'))
      .toBe(fs.readFileSync(path.join(wholeDir, 'figures/speedup-edgetpu-ucm-bench.svg'), 'utf8'));

  });

  it('should give the same results in this thread as on the pool, and tpuseg report should redraw the same tables', () => {
    const { dir: wholeDir } = whole();
    const inThread = path.join(dir, 'in-thread');
    expect(run(['cfg.json', '--out', inThread, '--workers', '0']).status).toBe(0);
    expect(comparable(path.join(inThread, 'results.jsonl'))).toEqual(comparable(path.join(wholeDir, 'results.jsonl')));

    const redrawn = path.join(dir, 'redrawn');
    const r = spawnSync(process.execPath, [BIN, 'report', wholeDir, '--out', redrawn], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('report: redrawn/index.md');
    expect(fs.readFileSync(path.join(redrawn, 'cells.csv'), 'utf8')).toBe(fs.readFileSync(path.join(wholeDir, 'cells.csv'), 'utf8'));
  });

  it('should stop a strategy that ignores its time budget and report its cells as failed', () => {
    fs.writeFileSync(path.join(dir, 'hang.js'), [
      'exports.strategy = {',
      "  name: 'hang', description: 'never returns',",
      "  options: { decode: () => ({ _tag: 'Right', right: {} }) },",
      '  search() { for (;;) {} },',
      '};',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'hang.json'), JSON.stringify({
      name: 'hang', models: ['synth:fc?neurons=100'], tpus: 2, strategies: ['./hang.js'], budget: { timeMs: 50 }, profile: 'edgetpu-ucm-bench',
    }));
    const r = run(['hang.json', '--out', 'hang-out', '--workers', '1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1/1 cells: 1 computed, 0 reused, 1 failed');
    expect(r.stderr).toContain('failed: stopped after 1 s (time budget exceeded)');
  });

  it('should stop cleanly on Ctrl-C, keep what finished, and say how to resume', async () => {
    const out = path.join(dir, 'interrupted');
    const k = await killMidway(out, 'SIGINT', 10);
    expect(k.code).toBe(130);
    expect(k.stdout).toContain('resume-test: interrupted;');
    const partial = lines(path.join(out, 'results.jsonl'));
    expect(partial.length).toBeLessThan(CELLS);
    expect(new Set(partial.map((l) => (JSON.parse(l) as { cell: string }).cell)).size).toBe(partial.length);
  });

  it('should stop on a full disk with one line naming the store, exit 2, keeping whole lines that a resumed run completes', () => {
    const out = path.join(dir, 'full');
    const preload = path.join(ROOT, 'test/helpers/full-disk.js');
    const r = spawnSync(process.execPath, ['-r', preload, BIN, 'run', 'cfg.json', '--out', out, '--workers', '0'],
      { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FULL_DISK_AFTER: '5' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`tpuseg: ${path.join(out, 'results.jsonl')}: cannot write: no space left on the device`);
    expect(r.stderr).not.toContain('    at ');
    const text = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const kept = text.split('\n').filter((l) => l !== '');
    expect(kept.length).toBeGreaterThan(0);
    for (const l of kept) expect(() => JSON.parse(l)).not.toThrow();
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    const again = run(['cfg.json', '--out', out, '--workers', '0']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${CELLS}/${CELLS} cells: ${CELLS - kept.length} computed, ${kept.length} reused`);
  }, 120_000);
});
