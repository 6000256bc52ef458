import type * as E from 'fp-ts/Either';
import type { TpusegError } from '../errors';

/** The side effects a command may use; injected so commands can be run in tests. */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly isTty: boolean;
  readonly cwd: string;
  /** Resolves when the user asks to stop (Ctrl-C); commands that run long work poll or race it. */
  readonly interrupted: Promise<void>;
}

/** A command's module exports one of these; its one-line summary lives in the registry (commands/index.ts). */
export interface Command {
  readonly name: string;
  /** Full help text printed by `tpuseg <name> --help`. */
  readonly help: string;
  run(argv: readonly string[], io: Io): Promise<E.Either<TpusegError, void>>;
}
