import { spawn, spawnSync } from 'node:child_process';
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatError } from '../../src/errors';
import { acquireLock, LOCK_FILE } from '../../src/experiments/lock';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-lock-'));

describe('experiments/lock', () => {
  it('should take a free folder, refuse a second taker, and free the folder on release', () => {
    const dir = tmp();
    const a = acquireLock(dir);
    expect(E.isRight(a)).toBe(true);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    const b = acquireLock(dir);
    expect(E.isLeft(b) && formatError(b.left)).toBe(`${dir}: another run (pid ${process.pid}) is writing here; wait for it, or stop it`);
    if (E.isRight(a)) a.right.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(E.isRight(acquireLock(dir))).toBe(true);
  });

  it('should name the live process that holds the lock', () => {
    const dir = tmp();
    const child = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${child.pid}\n`);
      const r = acquireLock(dir);
      expect(E.isLeft(r) && formatError(r.left)).toContain(`another run (pid ${child.pid}) is writing here`);
    } finally {
      child.kill();
    }
  });

  it('should take over a stale lock whose process is gone, and say so', () => {
    const dir = tmp();
    const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${gone}\n`);
    const log: string[] = [];
    const r = acquireLock(dir, (l) => log.push(l));
    expect(E.isRight(r)).toBe(true);
    expect(log).toEqual([`${path.join(dir, LOCK_FILE)}: removing a stale lock of pid ${gone}, which is no longer running`]);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
  });
});
