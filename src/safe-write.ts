import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TpusegError } from './errors';
import { atPath, isFileSystemError, writeFailed } from './file-errors';

/**
 * Writing output files without following links. A pre-placed symbolic link named like an output
 * (plan.json, compile.sh, a report) must not make tpuseg overwrite, or make executable, a file
 * somewhere else: whole files are written to a fresh temporary file in the same folder (created
 * exclusively, so never through a link) and renamed over the name, which replaces a link itself;
 * appends open the file with O_NOFOLLOW. A reader never sees a half-written file either.
 */

let counter = 0;

export interface WriteOptions {
  /** Permission bits (e.g. 0o755 for scripts), applied regardless of the umask. */
  readonly mode?: number;
  /** fsync the file before the rename (results that must survive a crash). */
  readonly durable?: boolean;
}

/** Replaces `file` with `content` (temporary file + rename). Throws the file-system error. */
export function writeFileSafe(file: string, content: string | Uint8Array, options: WriteOptions = {}): void {
  const dir = path.dirname(file);
  let tmp = '';
  let fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
    try {
      fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, options.mode ?? 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw atPath(e, file);
    }
  }
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    if (options.mode !== undefined) fs.fchmodSync(fd, options.mode);
    if (options.durable) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw atPath(e, file);
  }
}

/** Opens `file` for appending (created if missing), refusing a symbolic link. Throws the file-system error. */
export function openAppendSafe(file: string): number {
  try {
    return fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    throw atPath(e, file);
  }
}

/** Appends text to `file` (created if missing), never through a link. Throws the file-system error. */
export function appendFileSafe(file: string, text: string): void {
  const fd = openAppendSafe(file);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/** `mkdir -p`; a path part that is a file is reported as such. Throws the file-system error. */
export function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw Object.assign(new Error(`not a folder: ${dir}`), { code: 'ENOTDIR', syscall: 'mkdir', path: dir });
    throw atPath(e, dir);
  }
}

/** Runs a write and turns a file-system error into a one-line user error naming the file. */
export function tryWrite<A>(f: () => A): E.Either<TpusegError, A> {
  try {
    return E.right(f());
  } catch (e) {
    if (isFileSystemError(e)) return E.left(writeFailed(e.path, e));
    throw e;
  }
}

/** `tryWrite` for asynchronous work (a run, a report). */
export async function tryWriteAsync<A>(f: () => Promise<E.Either<TpusegError, A>>): Promise<E.Either<TpusegError, A>> {
  try {
    return await f();
  } catch (e) {
    if (isFileSystemError(e)) return E.left(writeFailed(e.path, e));
    throw e;
  }
}
