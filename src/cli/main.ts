import type * as E from 'fp-ts/Either';
import { exitCode, formatError, isTpusegError, TpusegFailure, usage, type TpusegError } from '../errors';
import { isFileSystemError, readFailed } from '../file-errors';
import type { Command, Io } from './command';
import { commands } from './commands';
import { printable, printableLine } from './text';
import { didYouMean } from './suggest';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'tpuseg: cut a CNN into pipeline segments across several Edge TPUs, and prove the choice.',
    '',
    'usage: tpuseg <command> [options]    (tpuseg <command> --help, or tpuseg help <command>, for details)',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    '  -h, --help      this help (on stdout, exit 0; without a command: on stderr, exit 2)',
    '  -v, --version   the version of tpuseg',
  ].join('\n');
}

/**
 * Runs one CLI invocation; returns the exit code. Expected failures print one line; defects rethrow.
 * Every line a command prints goes through `printable`: a model, file or profile name cannot send
 * the terminal an escape sequence.
 */
export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  const io: Io = { ...rawIo, out: (line) => rawIo.out(printable(line)), err: (line) => rawIo.err(printable(line)) };
  const [name, ...rest] = argv;
  // A missing command is a usage error: the usage goes to stderr (exit 2); asked for, to stdout (exit 0).
  if (name === undefined) {
    io.err(`tpuseg: usage error: no command given\n${topHelp()}`);
    return 2;
  }
  const asked = name === 'help' ? rest[0] : undefined;
  if (name === '--help' || name === '-h' || (name === 'help' && asked === undefined)) {
    io.out(topHelp());
    return 0;
  }
  if (name === '--version' || name === '-V' || name === '-v' || name === 'version') {
    io.out(require('../../package.json').version);
    return 0;
  }
  const wanted = asked ?? name;
  const entry = commands.find((c) => c.name === wanted);
  if (!entry) return fail(io, usage(`unknown command "${wanted}"${didYouMean(wanted, commands.map((c) => c.name))} (see tpuseg --help)`));
  const command: Command = entry.load();
  if (asked !== undefined || rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  let result: E.Either<TpusegError, void>;
  try {
    result = await command.run(rest, io);
  } catch (e) {
    if (e instanceof TpusegFailure) return fail(io, e.error);
    if (isTpusegError(e)) return fail(io, e);
    // A file-system failure (a full disk, a folder made read-only mid-run) is the environment, not a bug.
    if (isFileSystemError(e)) return fail(io, readFailed(e.path, e));
    throw e;
  }
  // A plain tag test: fp-ts is not loaded for `--help`.
  return result._tag === 'Left' ? fail(io, result.left) : 0;
}

function fail(io: Io, e: TpusegError): number {
  io.err(formatError(e).split('\n').map((line, i) => (i === 0 ? `tpuseg: ${printableLine(line)}` : printableLine(line))).join('\n'));
  return exitCode(e);
}
