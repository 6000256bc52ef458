import * as fs from 'node:fs';
import type { MessagePort } from 'node:worker_threads';

/**
 * Files this process must not leave behind if it is stopped (temporary files being written, a
 * folder's lock): registered before they are created, forgotten once renamed or removed, and
 * removed at exit. A command running on a thread of its own (src/cli/command-thread.ts) forwards
 * them to the main thread, which removes them when it stops that thread.
 */

const files = new Set<string>();
let forward: MessagePort | undefined;

export type LeftoverMessage = { readonly leftover: string; readonly live: boolean };

export function track(file: string): void {
  if (forward) forward.postMessage({ leftover: file, live: true } satisfies LeftoverMessage);
  else files.add(file);
}

export function untrack(file: string): void {
  if (forward) forward.postMessage({ leftover: file, live: false } satisfies LeftoverMessage);
  else files.delete(file);
}

/** In a command thread: send registrations to the main thread instead of keeping them. */
export function forwardTo(port: MessagePort): void {
  forward = port;
}

/** The main thread's side of `forwardTo`. */
export function receive(m: LeftoverMessage): void {
  if (m.live) files.add(m.leftover);
  else files.delete(m.leftover);
}

/** Removes every registered file (ignoring ones already gone). */
export function removeLeftovers(): void {
  for (const f of files) {
    try {
      fs.rmSync(f, { force: true });
    } catch {
      // Best effort at exit: a folder gone or made read-only since.
    }
  }
  files.clear();
}

let hooked = false;
/** Removes the leftovers whenever this process exits (a second Ctrl-C, process.exit, the end). */
export function removeLeftoversAtExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeLeftovers);
}
