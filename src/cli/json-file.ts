import type * as E from 'fp-ts/Either';
import type { TpusegError } from '../errors';
import { tryWrite, writeFileSafe } from '../safe-write';
import { toJson } from './text';

/** `--out FILE`: the JSON object a command prints with --json, written to FILE. */
export const writeJsonFile = (file: string, value: unknown): E.Either<TpusegError, void> => tryWrite(() => writeFileSafe(file, `${toJson(value)}\n`));
