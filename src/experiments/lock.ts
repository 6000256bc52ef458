import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileError, type TpusegError } from '../errors';
import { writeFailed } from '../file-errors';

/**
 * One writer per results folder. `run`, `reproduce` and `report` take `DIR/.tpuseg.lock` (created
 * exclusively, holding the owner's pid) before they write there, and remove it when done. A lock
 * whose process is gone (killed -9, crashed) is stale: it is taken over, with a note.
 */

export const LOCK_FILE = '.tpuseg.lock';

export interface Lock {
  readonly file: string;
  release(): void;
}

/** Whether a process of that id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function owner(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock of `dir` (which must exist), or says which live process holds it. */
export function acquireLock(dir: string, log: (line: string) => void = () => undefined): E.Either<TpusegError, Lock> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let held = true;
      return E.right({
        file,
        release() {
          if (held && owner(file) === process.pid) fs.rmSync(file, { force: true });
          held = false;
        },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return E.left(writeFailed(file, e));
    }
    const pid = owner(file);
    // A lock file still empty may be one another process is writing this instant: look again.
    if (pid === undefined && attempt === 0) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      continue;
    }
    if (pid !== undefined && processAlive(pid)) return E.left(fileError(dir, `another run (pid ${pid}) is writing here; wait for it, or stop it`));
    log(`${file}: removing a stale lock${pid !== undefined ? ` of pid ${pid}, which is no longer running` : ''}`);
    fs.rmSync(file, { force: true });
  }
  return E.left(fileError(dir, `cannot take the lock ${LOCK_FILE}`));
}
