import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { configInvalid, fileError, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { count, MAX_TEXT_BYTES } from '../limits';
import { madeForMismatch } from './made-for';
import { checkCuts } from '../pipeline/evaluate';
import { readFailed } from '../file-errors';

/** A JSON input (plan, config) read whole and parsed; `file` names it in errors. */
export function readJsonFile(file: string): E.Either<TpusegError, unknown> {
  const text = readTextFile(file);
  if (E.isLeft(text)) return text;
  try {
    return E.right(JSON.parse(text.right) as unknown);
  } catch (e) {
    return E.left(configInvalid(file, [`not valid JSON: ${(e as Error).message}`]));
  }
}

/** A text input (plan, config) read whole, after its size is checked against MAX_TEXT_BYTES. */
export function readTextFile(file: string): E.Either<TpusegError, string> {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_TEXT_BYTES) return E.left(fileError(file, `${count(size)} bytes; a plan or config is at most ${count(MAX_TEXT_BYTES)} bytes`));
    return E.right(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return E.left(readFailed(file, e));
  }
}
