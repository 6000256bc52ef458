import { spawn, spawnSync } from 'node:child_process';
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatError } from '../../src/errors';
import { acquireLock, LOCK_FILE, parseOwner } from '../../src/experiments/lock';
import { processStart } from '../../src/process-info';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-lock-'));
const ROOT = path.resolve(__dirname, '../..');
const deadPid = (): string => spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();

describe('experiments/lock', () => {
  it('should take a free folder, refuse a second taker, and free the folder on release', () => {
    const dir = tmp();
    const a = acquireLock(dir);
    expect(E.isRight(a)).toBe(true);
    const owner = parseOwner(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toEqual({ pid: process.pid, host: os.hostname(), start: processStart(process.pid) });
    const b = acquireLock(dir);
    expect(E.isLeft(b) && formatError(b.left)).toBe(`${dir}: another run (pid ${process.pid}) is writing here; wait for it, or stop it`);
    if (E.isRight(a)) a.right.release();
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(E.isRight(acquireLock(dir))).toBe(true);
  });

  it('should name the live process that holds the lock', () => {
    const dir = tmp();
    const child = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${child.pid}\n`);
      const r = acquireLock(dir);
      expect(E.isLeft(r) && formatError(r.left)).toContain(`another run (pid ${child.pid}) is writing here`);
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: os.hostname(), start: processStart(child.pid!) }));
      const s = acquireLock(dir);
      expect(E.isLeft(s) && formatError(s.left)).toContain(`another run (pid ${child.pid}) is writing here`);
    } finally {
      child.kill();
    }
  });

  it('should take over a stale lock whose process is gone, and say so', () => {
    const dir = tmp();
    const gone = deadPid();
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${gone}\n`);
    const log: string[] = [];
    const r = acquireLock(dir, (l) => log.push(l));
    expect(E.isRight(r)).toBe(true);
    expect(log).toEqual([`${path.join(dir, LOCK_FILE)}: removed a stale lock of pid ${gone}, which is no longer running`]);
    expect(parseOwner(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'))?.pid).toBe(process.pid);
  });

  it('should take over a lock whose pid now belongs to an unrelated live process', () => {
    const dir = tmp();
    const child = spawn('sleep', ['30']);
    try {
      // The lock's process started at another time than the one that has its pid now.
      const start = String(Number(processStart(child.pid!)) - 1);
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: os.hostname(), start }));
      const log: string[] = [];
      expect(E.isRight(acquireLock(dir, (l) => log.push(l)))).toBe(true);
      expect(log).toEqual([`${path.join(dir, LOCK_FILE)}: removed a stale lock of pid ${child.pid}, which is now another process`]);
      // A bare pid (older tpuseg) written before its process started.
      const old = tmp();
      fs.writeFileSync(path.join(old, LOCK_FILE), `${child.pid}\n`);
      const past = new Date(Date.now() - 3600_000);
      fs.utimesSync(path.join(old, LOCK_FILE), past, past);
      expect(E.isRight(acquireLock(old))).toBe(true);
    } finally {
      child.kill();
    }
  });

  it('should leave a lock of another host alone, saying where its owner runs', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: Number(deadPid()), host: 'elsewhere.example', start: '1' }));
    const r = acquireLock(dir);
    expect(E.isLeft(r) && formatError(r.left)).toMatch(/another run \(pid \d+ on host elsewhere\.example\) is writing here; .*remove .*\.tpuseg\.lock/);
  });

  it('should let only one of two takers of the same stale lock have it', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${deadPid()}\n`);
    let second: E.Either<unknown, unknown> | undefined;
    // The second taker judges the lock stale, then the first takes over before it acts.
    const first = acquireLock(dir, () => undefined, { beforeTakeover: () => (second ??= acquireLock(dir)) });
    expect(second !== undefined && E.isRight(second)).toBe(true);
    expect(E.isLeft(first) && formatError(first.left)).toBe(`${dir}: another run (pid ${process.pid}) is writing here; wait for it, or stop it`);
  });

  it('should give a stale lock to exactly one of several processes started together', async () => {
    const script = `
      const { acquireLock } = require(${JSON.stringify(path.join(ROOT, 'src/experiments/lock.ts'))});
      const at = Number(process.argv[2]);
      while (Date.now() < at) {}
      const r = acquireLock(process.argv[1]);
      process.stdout.write(r._tag === 'Right' ? 'got' : 'refused');
      const t = Date.now(); while (Date.now() - t < 300) {}
    `;
    for (let round = 0; round < 3; round++) {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${deadPid()}\n`);
      const at = Date.now() + 1500;
      const runs = [0, 1, 2].map(() => new Promise<string>((resolve) => {
        const p = spawn(process.execPath, ['-r', path.join(ROOT, 'bin/register-ts.js'), '-e', script, dir, String(at)]);
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('close', () => resolve(out));
      }));
      const outs = await Promise.all(runs);
      expect(outs.sort()).toEqual(['got', 'refused', 'refused']);
    }
  }, 30_000);
});
