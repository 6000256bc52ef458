import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TpusegError } from './errors';
import { atPath, isFileSystemError, writeFailed } from './file-errors';
import { track, untrack } from './leftovers';
import { mayBeWriter } from './process-info';

/**
 * Writing output files without following links. A pre-placed symbolic link named like an output
 * (plan.json, compile.sh, a report) must not make tpuseg overwrite, or make executable, a file
 * somewhere else: whole files are written to a fresh temporary file in the same folder (created
 * exclusively, so never through a link) and renamed over the name, which replaces a link itself;
 * appends open the file with O_NOFOLLOW. A reader never sees a half-written file either.
 *
 * Temporary files are named `.tpuseg-PID-N.tmp`, short whatever the final name (so a long name
 * fails on that name only), and removed if the process is stopped (src/leftovers.ts); those of a
 * process killed outright are swept from a folder before this process first writes there.
 */

let counter = 0;
const TEMP = /^\.tpuseg-(\d+)-\d+\.tmp$/;
/** Temporary names of versions before 0.1.0's: `.NAME.PID.N.tmp`. */
const OLD_TEMP = /^\..+\.(\d+)\.\d+\.tmp$/;
/** Bytes per write call: a stopped thread stops between two calls. */
const CHUNK = 8 << 20;

/** A fresh temporary file name in `dir`, recognisable as this process's. */
export function tempPath(dir: string): string {
  return path.join(dir, `.tpuseg-${process.pid}-${counter++}.tmp`);
}

const swept = new Set<string>();

/** Removes the temporary files of processes that are gone from `dir` (once per folder and process); returns the names removed. */
export function sweepTemps(dir: string): string[] {
  const key = path.resolve(dir);
  if (swept.has(key)) return [];
  swept.add(key);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number((TEMP.exec(name) ?? OLD_TEMP.exec(name))?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    const file = path.join(dir, name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || mayBeWriter(pid, st.mtimeMs)) continue;
      fs.rmSync(file, { force: true });
      removed.push(name);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}

export interface WriteOptions {
  /** Permission bits (e.g. 0o755 for scripts), applied regardless of the umask. */
  readonly mode?: number;
  /** fsync the file before the rename (results that must survive a crash). */
  readonly durable?: boolean;
}

/** Replaces `file` with `content` (temporary file + rename). Throws the file-system error. */
export function writeFileSafe(file: string, content: string | Uint8Array, options: WriteOptions = {}): void {
  const dir = path.dirname(file);
  sweepTemps(dir);
  let tmp = '';
  let fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = tempPath(dir);
    track(tmp);
    try {
      fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, options.mode ?? 0o644);
    } catch (e) {
      untrack(tmp);
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw atPath(e, file);
    }
  }
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, Math.min(CHUNK, bytes.length - done));
    if (options.mode !== undefined) fs.fchmodSync(fd, options.mode);
    if (options.durable) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, file);
    untrack(tmp);
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    untrack(tmp);
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

const linkError = (p: string): Error => Object.assign(new Error(`a symbolic link: ${p}`), { code: 'ELOOP', syscall: 'mkdir', path: p });

/**
 * Makes `root` (`mkdir -p`, through links: it is the folder the user named) and the folders of
 * `rel` below it, one by one, none of which may be a symbolic link: a link planted below an output
 * folder (figures -> ../elsewhere) would make its files land elsewhere. Returns the folder's path.
 * Throws the file-system error.
 */
export function makeDirBelow(root: string, rel: string): string {
  makeDir(root);
  let dir = root;
  for (const part of rel.split(/[\\/]+/).filter((x) => x !== '' && x !== '.')) {
    if (part === '..') throw Object.assign(new Error(`outside the output folder: ${rel}`), { code: 'EINVAL', syscall: 'mkdir', path: path.join(root, rel) });
    dir = path.join(dir, part);
    for (let attempt = 0; ; attempt++) {
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw atPath(e, dir);
      }
      if (st?.isSymbolicLink()) throw linkError(dir);
      if (st !== undefined && !st.isDirectory()) throw Object.assign(new Error(`not a folder: ${dir}`), { code: 'ENOTDIR', syscall: 'mkdir', path: dir });
      if (st !== undefined) break;
      try {
        fs.mkdirSync(dir);
        break;
      } catch (e) {
        // Made (or planted) meanwhile: look again.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw atPath(e, dir);
      }
    }
  }
  return dir;
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
