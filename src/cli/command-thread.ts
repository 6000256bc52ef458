import { parentPort, workerData } from 'node:worker_threads';
import { forwardTo } from '../leftovers';
import { main } from './main';

/**
 * A command on a thread of its own (started by bin.ts), so that the main thread stays free to
 * take Ctrl-C: a command busy in a long synchronous computation or write is stopped there
 * (the thread is terminated), where a signal handler on its own thread would never run.
 * The files it must not leave behind are registered with the main thread as it makes them.
 */

export interface CommandThreadData {
  readonly argv: readonly string[];
  readonly isTty: boolean;
  readonly cwd: string;
}

/** What the thread tells the main thread at the end: the exit code, or a defect's text. */
export type CommandThreadResult = { readonly code: number } | { readonly bug: string };

const port = parentPort!;
const data = workerData as CommandThreadData;
forwardTo(port);
let onInterrupt: () => void = () => undefined;
const interrupted = new Promise<void>((resolve) => (onInterrupt = resolve));
port.on('message', (m: unknown) => {
  if (m === 'interrupt') onInterrupt();
});
// Kept waiting only by the command's own work: the port alone does not hold the thread open.
port.unref();

main(data.argv, {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTty: data.isTty,
  cwd: data.cwd,
  interrupted,
}).then(
  (code) => port.postMessage({ code } satisfies CommandThreadResult),
  (e: unknown) => port.postMessage({ bug: (e as Error)?.stack ?? String(e) } satisfies CommandThreadResult),
);
