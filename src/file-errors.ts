import { fileError, type TpusegError } from './errors';

/** A short reason for a failed file operation, for one-line user errors ("no such file", not an errno dump). */
export function fileErrorReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'is not a folder, or a part of its path is a file';
    case 'EEXIST':
      return 'a file of that name is in the way';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ELOOP':
      return 'is a symbolic link (tpuseg does not write through links)';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return (e as Error)?.message ?? String(e);
  }
}

/** The user error for a file that could not be read. */
export const readFailed = (file: string, e: unknown): TpusegError => fileError(file, fileErrorReason(e));

/** The user error for a file or folder that could not be written. */
export const writeFailed = (file: string, e: unknown): TpusegError => {
  const name = Buffer.byteLength(file.slice(file.lastIndexOf('/') + 1));
  const more = (e as NodeJS.ErrnoException)?.code === 'ENAMETOOLONG' && name > 255 ? ` (${name} bytes; file systems allow 255)` : '';
  return fileError(file, `cannot write: ${fileErrorReason(e)}${more}`);
};

/** The file-system error with `path` set to the file the caller meant (some calls, e.g. read on a descriptor, name none). */
export function atPath(e: unknown, file: string): unknown {
  if (typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string') {
    const err = e as NodeJS.ErrnoException;
    err.path = file;
    err.syscall ??= 'open';
  }
  return e;
}

/** An error thrown by a file-system call (it carries an errno code and the path it was about). */
export const isFileSystemError = (e: unknown): e is NodeJS.ErrnoException & { path: string } =>
  typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string' &&
  typeof (e as NodeJS.ErrnoException).path === 'string';
