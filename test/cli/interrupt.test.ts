import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Ctrl-C on commands whose work is one long synchronous computation or write: the CLI stops
// within a second, exits 130 and leaves no temporary file or lock behind.
const BIN = path.resolve(__dirname, '../../bin/tpuseg.js');

interface Stopped {
  readonly code: number | null;
  readonly afterSignalMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the CLI and sends SIGINT once `ready` says so (polled every 10 ms). */
function interrupt(args: readonly string[], cwd: string, ready: (elapsedMs: number) => boolean): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t0 = Date.now();
    let sent = 0;
    const poll = setInterval(() => {
      if (sent === 0 && ready(Date.now() - t0)) {
        sent = Date.now();
        child.kill('SIGINT');
      }
    }, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, afterSignalMs: sent === 0 ? -1 : Date.now() - sent, stdout, stderr });
    });
  });
}

const listing = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

describe('cli: Ctrl-C on synchronous commands', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-int-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('export should stop within a second while it writes, exit 130, and leave no temporary file or lock', async () => {
    const out = path.join(dir, 'o');
    const s = await interrupt(['export', 'synth:fc?neurons=8000&layers=3', '--strategy', 'compiler', '--tpus', '2', '--out', 'o'], dir,
      () => listing(out).some((f) => f.endsWith('.tmp')));
    expect(s.afterSignalMs).toBeGreaterThan(0);
    expect(s.code).toBe(130);
    expect(s.afterSignalMs).toBeLessThan(1000);
    expect(s.stderr.trim()).toBe('tpuseg: stopping (Ctrl-C again to abort)');
    expect(listing(out).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('export should stop within a second while it builds the model, writing nothing', async () => {
    const s = await interrupt(['export', 'synth:fc?neurons=8000&layers=3', '--strategy', 'compiler', '--tpus', '2', '--out', 'o'], dir, (ms) => ms > 1000);
    expect(s.code).toBe(130);
    expect(s.afterSignalMs).toBeLessThan(1000);
    expect(s.stdout).toBe('');
    expect(listing(path.join(dir, 'o'))).toEqual([]);
  }, 60_000);

  it('advise should stop within a second in the middle of its search', async () => {
    // A 1,000-op model: its advice takes about 2.4 s on a quiet machine, well past the signal at 0.7 s.
    const s = await interrupt(['advise', 'synth:conv?filters=64&layers=998', '--tpus', '16'], dir, (ms) => ms > 700);
    expect(s.code).toBe(130);
    expect(s.afterSignalMs).toBeLessThan(1000);
    expect(s.stdout).toBe('');
  }, 60_000);
});
