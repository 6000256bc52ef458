import { main } from './main';
import { printable } from './text';

// Defects (bugs) keep their stack trace and exit 1; expected failures are handled inside main.
let onInterrupt: () => void = () => undefined;
const interrupted = new Promise<void>((resolve) => (onInterrupt = resolve));
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\ntpuseg: stopping (Ctrl-C again to abort)\n');
  process.exitCode = 130;
  onInterrupt();
});

// A closed pipe (`tpuseg inspect ... | head`) ends output quietly rather than crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTty: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  interrupted,
}).then(
  (code) => {
    if (interrupts === 0) process.exitCode = code;
    else if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(printable(`tpuseg: internal error (a bug): ${(e as Error)?.stack ?? String(e)}\n`));
    process.exitCode = 1;
  },
);
