import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { fileErrorReason } from './file-errors';
import { count } from './limits';

/**
 * Every input file (model, plan, config, profile, measurements, results) is read here: only a
 * regular file, opened without blocking (a FIFO would wait for a writer forever), and read in
 * chunks up to a cap, since `stat` says nothing true of /proc files, devices or a file still
 * growing. The Left is the reason, for the caller to put in its own error.
 */

/** What kind of file `stat` describes, for the refusal of anything but a regular file. */
export function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a pipe (FIFO), not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

const CHUNK = 1 << 20;

/** The bytes of regular file `file`, refused past `maxBytes` (`what` names the limit, e.g. "a profile"). */
export function readRegularFile(file: string, maxBytes: number, what: string): E.Either<string, Buffer> {
  return withOpenFile(file, (fd) => readOpen(fd, maxBytes, what));
}

/** `f` on `file` opened for reading without blocking, closed after; a file-system failure is the Left. */
export function withOpenFile<A>(file: string, f: (fd: number) => E.Either<string, A>): E.Either<string, A> {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return E.left(fileErrorReason(e));
  }
  try {
    return f(fd);
  } catch (e) {
    return E.left(fileErrorReason(e));
  } finally {
    fs.closeSync(fd);
  }
}

/** The bytes behind an open descriptor, as `readRegularFile` reads them. */
export function readOpen(fd: number, maxBytes: number, what: string): E.Either<string, Buffer> {
  const st = fs.fstatSync(fd);
  if (!st.isFile()) return E.left(kindOf(st));
  const tooLarge = (): E.Either<string, Buffer> =>
    E.left(`${st.size > maxBytes ? `${count(st.size)} bytes` : 'larger than it says'}: ${what} is at most ${count(maxBytes)} bytes`);
  if (st.size > maxBytes) return tooLarge();
  // Sized by stat (one read, no copy, for a file that tells the truth), grown while more comes.
  let buf = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, CHUNK), maxBytes + 1));
  let used = 0;
  for (;;) {
    if (used === buf.length) {
      if (buf.length > maxBytes) return tooLarge();
      const grown = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
      buf.copy(grown, 0, 0, used);
      buf = grown;
    }
    const n = fs.readSync(fd, buf, used, Math.min(buf.length - used, 64 * CHUNK), null);
    if (n === 0) break;
    used += n;
  }
  return E.right(buf.subarray(0, used));
}

/** A text file (UTF-8), as `readRegularFile` reads it. */
export function readRegularText(file: string, maxBytes: number, what: string): E.Either<string, string> {
  const bytes = readRegularFile(file, maxBytes, what);
  return E.isLeft(bytes) ? bytes : E.right(bytes.right.toString('utf8'));
}
