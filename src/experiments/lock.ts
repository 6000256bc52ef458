import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileError, type TpusegError } from '../errors';
import { writeFailed } from '../file-errors';
import { processAlive, processStart, processStartedAt } from '../process-info';
import { tempPath } from '../safe-write';
import { track, untrack } from '../leftovers';

/**
 * One writer per output folder. `run`, `reproduce`, `report` and `export` take `DIR/.tpuseg.lock`
 * before they write there, and remove it when done.
 *
 * The lock file appears whole or not at all: its text (pid, host, and the process's start time
 * from /proc/PID/stat) is written to a private file that is then hard-linked to the lock's name,
 * which fails when the name exists. A lock is stale when its process is gone, or when the pid now
 * belongs to a process that started at another time (the pid was reused); a lock of another host
 * is never judged. Taking over a stale lock is itself exclusive: under a second lock
 * (`.tpuseg.lock.takeover`, taken the same way) the taker checks that the lock file is still the
 * stale one it saw (same inode) before removing it, so of two processes that found the same stale
 * lock, one removes it and the other then finds the winner's fresh lock.
 */

export const LOCK_FILE = '.tpuseg.lock';
const TAKEOVER = `${LOCK_FILE}.takeover`;

export interface Lock {
  readonly file: string;
  release(): void;
}

/** Who holds a lock: written into it, read back to judge it. */
export interface Owner {
  readonly pid: number;
  readonly host?: string;
  /** Field 22 of /proc/PID/stat (clock ticks after boot), where there is a /proc. */
  readonly start?: string;
}

const me = (): Owner => {
  const start = processStart(process.pid);
  return { pid: process.pid, host: os.hostname(), ...(start !== undefined ? { start } : {}) };
};

/** A lock's text: its owner as JSON; a bare pid (older versions) is read too. */
export function parseOwner(text: string): Owner | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number.isSafeInteger(Number(t)) && Number(t) > 0 ? { pid: Number(t) } : undefined;
  try {
    const u = JSON.parse(t) as Record<string, unknown>;
    if (typeof u !== 'object' || u === null || !Number.isSafeInteger(u['pid']) || (u['pid'] as number) <= 0) return undefined;
    return {
      pid: u['pid'] as number,
      ...(typeof u['host'] === 'string' ? { host: u['host'] } : {}),
      ...(typeof u['start'] === 'string' ? { start: u['start'] } : {}),
    };
  } catch {
    return undefined;
  }
}

interface Seen {
  readonly owner: Owner | undefined;
  readonly text: string;
  readonly ino: number;
  readonly mtimeMs: number;
}

/** The lock file's owner and identity, undefined when there is none. */
function look(file: string): Seen | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    const buf = Buffer.alloc(Math.min(st.size, 4096));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    return { owner: parseOwner(text), text, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

/** Why a lock is stale, or undefined when its owner may still be writing. */
export function staleReason(seen: { owner: Owner | undefined; mtimeMs: number }, now = Date.now()): string | undefined {
  const o = seen.owner;
  // Nothing can write a lock half-way (it is linked whole), so an unreadable one is debris; give a moment's grace all the same.
  if (o === undefined) return now - seen.mtimeMs > 2000 ? 'it names no process' : undefined;
  if (o.host !== undefined && o.host !== os.hostname()) return undefined;
  if (!processAlive(o.pid)) return `of pid ${o.pid}, which is no longer running`;
  if (o.start !== undefined) {
    const start = processStart(o.pid);
    return start !== undefined && start !== o.start ? `of pid ${o.pid}, which is now another process` : undefined;
  }
  // A bare pid: the process that has it now started after the lock was written, so it is not the writer.
  const startedAt = processStartedAt(o.pid);
  return startedAt !== undefined && startedAt > seen.mtimeMs + 1000 ? `of pid ${o.pid}, which is now another process` : undefined;
}

let counter = 0;

/** Creates `file` holding `text`, whole, unless it exists: returns its inode, or undefined when it exists. */
function createWhole(file: string, text: string): number | undefined {
  const tmp = tempPath(path.dirname(file));
  track(tmp);
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  try {
    fs.writeSync(fd, text);
    const ino = fs.fstatSync(fd).ino;
    fs.closeSync(fd);
    try {
      fs.linkSync(tmp, file);
      return ino;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
    untrack(tmp);
  }
}

/** Removes `file` if it is still the inode `ino`. */
function removeIfSame(file: string, ino: number): boolean {
  try {
    if (fs.lstatSync(file).ino !== ino) return false;
  } catch {
    return false;
  }
  fs.rmSync(file, { force: true });
  return true;
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Test seams: run between judging a lock stale and taking it over. */
export interface LockHooks {
  readonly beforeTakeover?: () => void;
}

/** Takes the lock of `dir` (which must exist), or says which live process holds it. */
export function acquireLock(dir: string, log: (line: string) => void = () => undefined, hooks: LockHooks = {}): E.Either<TpusegError, Lock> {
  const file = path.join(dir, LOCK_FILE);
  const guard = path.join(dir, TAKEOVER);
  const text = `${JSON.stringify(me())}\n`;
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const ino = createWhole(file, text);
      if (ino !== undefined) {
        let held = true;
        track(file);
        return E.right({
          file,
          release() {
            if (held) removeIfSame(file, ino);
            untrack(file);
            held = false;
          },
        });
      }
      const seen = look(file);
      if (seen === undefined) continue;
      const why = staleReason(seen);
      if (why === undefined) {
        if (seen.owner === undefined) {
          sleep(50);
          continue;
        }
        const o = seen.owner;
        const where = o.host !== undefined && o.host !== os.hostname() ? ` on host ${o.host}` : '';
        return E.left(fileError(dir, `another run (pid ${o.pid}${where}) is writing here; wait for it, or stop it${where ? ` (if it is gone, remove ${file})` : ''}`));
      }
      hooks.beforeTakeover?.();
      const g = takeGuard(guard);
      if (g === undefined) {
        sleep(20);
        continue;
      }
      try {
        // Still the lock judged stale? (An inode number alone may be reused by a lock made since.)
        const now = look(file);
        if (now !== undefined && now.ino === seen.ino && now.text === seen.text && now.mtimeMs === seen.mtimeMs && removeIfSame(file, seen.ino)) {
          log(`${file}: removed a stale lock ${why}`);
        }
      } finally {
        removeIfSame(guard, g);
      }
    }
  } catch (e) {
    return E.left(writeFailed(file, e));
  }
  return E.left(fileError(dir, `cannot take the lock ${LOCK_FILE}`));
}

/** The takeover lock: its inode, or undefined when a live process holds it (a stale one is cleared for the next try). */
function takeGuard(guard: string): number | undefined {
  const ino = createWhole(guard, `${JSON.stringify(me())}\n`);
  if (ino !== undefined) return ino;
  const seen = look(guard);
  // Its holder died inside a takeover: move it aside, and keep it gone only if it was the one judged stale.
  if (seen !== undefined && staleReason(seen) !== undefined) {
    const aside = `${guard}.${process.pid}.${counter++}`;
    try {
      fs.renameSync(guard, aside);
    } catch {
      return undefined;
    }
    if (fs.lstatSync(aside).ino !== seen.ino) {
      try {
        fs.linkSync(aside, guard);
      } catch {
        // Another taker's guard appeared meanwhile: it goes on; ours is dropped.
      }
    }
    fs.rmSync(aside, { force: true });
  }
  return undefined;
}
