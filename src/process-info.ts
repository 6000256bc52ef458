import * as fs from 'node:fs';

/** Facts about other processes of this machine, to tell a live owner of a file from a dead one. */

/** Whether a process of that id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time of a process, in clock ticks after boot (undefined without /proc, or when it is gone). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** When a process started, in ms since the epoch (Linux: boot time + start ticks / USER_HZ, which is 100). */
export function processStartedAt(pid: number): number | undefined {
  const ticks = processStart(pid);
  if (ticks === undefined) return undefined;
  try {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1];
    return btime === undefined ? undefined : Number(btime) * 1000 + Number(ticks) * 10;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote a file at `mtimeMs` (pid only known) may still be running: alive, and started before it. */
export function mayBeWriter(pid: number, mtimeMs: number): boolean {
  if (pid === process.pid) return true;
  if (!processAlive(pid)) return false;
  const startedAt = processStartedAt(pid);
  return startedAt === undefined || startedAt <= mtimeMs + 1000;
}
