import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { receive, removeLeftovers, removeLeftoversAtExit, type LeftoverMessage } from '../leftovers';
import { workerExecArgv } from '../worker-flags';
import type { CommandThreadData, CommandThreadResult } from './command-thread';
import { printable } from './text';

/**
 * Commands that stop on Ctrl-C by themselves, between units of work, and must finish what they
 * write (a results store, its report) run on this thread; every other command runs on a thread
 * of its own (command-thread.ts), which Ctrl-C stops wherever it is: the first Ctrl-C asks it to
 * stop, and if it has not within GRACE_MS (or at a second Ctrl-C), it is terminated; then its
 * temporary files and locks are removed and tpuseg exits with 130.
 */
const IN_PLACE = new Set(['run', 'report', 'reproduce']);
const GRACE_MS = 300;

removeLeftoversAtExit();
let interrupts = 0;
let onInterrupt: () => void = () => undefined;
const interrupted = new Promise<void>((resolve) => (onInterrupt = resolve));
const stopping = (): void => {
  process.stderr.write('\ntpuseg: stopping (Ctrl-C again to abort)\n');
  process.exitCode = 130;
};

// A closed pipe (`tpuseg inspect ... | head`) ends output quietly rather than crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const argv = process.argv.slice(2);
const isTty = Boolean(process.stdout.isTTY);
const bug = (text: string): void => {
  process.stderr.write(printable(`tpuseg: internal error (a bug): ${text}\n`));
  process.exitCode = 1;
};
const finish = (code: number): void => {
  if (interrupts === 0) process.exitCode = code;
  else if (code !== 0) process.exitCode = code;
};

if (argv[0] === undefined || argv[0].startsWith('-') || IN_PLACE.has(argv[0])) {
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    stopping();
    onInterrupt();
  });
  // Defects (bugs) keep their stack trace and exit 1; expected failures are handled inside main.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require('./main') as typeof import('./main');
  main(argv, { out: (line) => process.stdout.write(line + '\n'), err: (line) => process.stderr.write(line + '\n'), isTty, cwd: process.cwd(), interrupted })
    .then(finish, (e: unknown) => bug((e as Error)?.stack ?? String(e)));
} else {
  const filename = path.join(__dirname, `command-thread${path.extname(__filename)}`);
  const thread = new Worker(filename, { workerData: { argv, isTty, cwd: process.cwd() } satisfies CommandThreadData, execArgv: workerExecArgv(filename) });
  let result: CommandThreadResult | undefined;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    void thread.terminate();
  };
  thread.on('message', (m: LeftoverMessage | CommandThreadResult) => {
    if ('leftover' in m) receive(m);
    else result = m;
  });
  thread.on('error', (e) => bug(e.stack ?? String(e)));
  thread.on('exit', (exitCode) => {
    removeLeftovers();
    if (stopped) process.exitCode = 130;
    else if (result === undefined) finish(exitCode);
    else if ('bug' in result) bug(result.bug);
    else finish(result.code);
  });
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts > 1) return stop();
    stopping();
    thread.postMessage('interrupt');
    setTimeout(stop, GRACE_MS).unref();
  });
}
