import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { usage, type TpusegError } from '../errors';
import { writeFailed } from '../file-errors';

/**
 * Output paths, one rule for every command: `-o`/`--out` names what the command writes (a file,
 * or a folder for commands that write several files). An output folder is created when missing,
 * but the folder an output goes in must exist: a mistyped path is a one-line error naming that
 * folder (exit 2), before any work is done, never a tree of folders made silently.
 */

/** `fs.statSync` that says "nothing there" instead of throwing (also for a path through a file). */
const statOf = (p: string): fs.Stats | undefined => {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
};

/** The error when the folder `file` goes in does not exist, or is a file. */
function badParent(command: string, flag: string, raw: string, file: string): TpusegError | undefined {
  const parent = path.dirname(file);
  const stat = statOf(parent);
  if (stat === undefined) {
    // A path through a file is said as such, as writing would say it.
    const fileOnPath = path.resolve(parent).split(path.sep).map((_, i, parts) => parts.slice(0, i + 1).join(path.sep) || path.sep).find((p) => statOf(p)?.isFile());
    return fileOnPath !== undefined ? writeFailed(fileOnPath, { code: 'ENOTDIR' })
      : usage(`${command}: folder ${parent} does not exist (${flag} ${raw} goes in it; create it first)`);
  }
  return stat.isDirectory() ? undefined : writeFailed(parent, { code: 'ENOTDIR' });
}

const blank = (command: string, flag: string): TpusegError => usage(`${command}: ${flag} expects a file or folder name`);

/** An output file named by `flag`, resolved against `cwd`: not a folder, in a folder that exists. */
export function outFile(command: string, flag: string, raw: string, cwd: string, example = 'out.json'): E.Either<TpusegError, string> {
  if (raw.trim() === '') return E.left(blank(command, flag));
  const file = path.resolve(cwd, raw);
  if (statOf(file)?.isDirectory()) {
    return E.left(usage(`${command}: ${flag} ${raw} is a folder; give a file name such as ${path.join(raw, example)}`));
  }
  const bad = badParent(command, flag, raw, file);
  return bad ? E.left(bad) : E.right(file);
}

/** An output folder named by `flag`, resolved against `cwd`: created later if missing, in a folder that exists. */
export function outDir(command: string, flag: string, raw: string, cwd: string): E.Either<TpusegError, string> {
  if (raw.trim() === '') return E.left(blank(command, flag));
  const dir = path.resolve(cwd, raw);
  const stat = statOf(dir);
  if (stat !== undefined && !stat.isDirectory()) return E.left(writeFailed(dir, { code: 'ENOTDIR' }));
  const bad = stat ? undefined : badParent(command, flag, raw, dir);
  return bad ? E.left(bad) : E.right(dir);
}

/** `outFile` for an optional flag value. */
export const optionalOutFile = (command: string, flag: string, raw: unknown, cwd: string): E.Either<TpusegError, string | undefined> =>
  typeof raw === 'string' ? outFile(command, flag, raw, cwd) : E.right(undefined);

/** `outDir` for an optional flag value. */
export const optionalOutDir = (command: string, flag: string, raw: unknown, cwd: string): E.Either<TpusegError, string | undefined> =>
  typeof raw === 'string' ? outDir(command, flag, raw, cwd) : E.right(undefined);
