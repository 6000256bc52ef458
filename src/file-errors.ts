/** A short reason for a failed file read, for one-line user errors ("no such file", not an errno dump). */
export function fileErrorReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (e as Error)?.message ?? String(e);
  }
}
