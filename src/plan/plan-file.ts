import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { reportPaths } from '../../experiments/codecs';
import { configInvalid, fileError, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { MAX_TEXT_BYTES } from '../limits';
import { madeForMismatch } from './made-for';
import { checkCuts } from '../pipeline/evaluate';
import { parseJson } from '../json-text';
import { readRegularText } from '../read-file';

/** A JSON input (plan, config) read whole and parsed; `file` names it in errors. */
export function readJsonFile(file: string): E.Either<TpusegError, unknown> {
  const text = readTextFile(file);
  if (E.isLeft(text)) return text;
  const json = parseJson(text.right);
  return E.isLeft(json) ? E.left(configInvalid(file, [json.left])) : json;
}

/** A JSON input (config, workload) decoded by `codec`, each problem named by its path. */
export function readJsonAs<A>(file: string, codec: t.Decoder<unknown, A>): E.Either<TpusegError, A> {
  const json = readJsonFile(file);
  if (E.isLeft(json)) return json;
  const decoded = codec.decode(json.right);
  return E.isLeft(decoded) ? E.left(configInvalid(file, reportPaths(decoded.left))) : decoded;
}

/** A text input (plan, config): a regular file of at most MAX_TEXT_BYTES. */
export function readTextFile(file: string): E.Either<TpusegError, string> {
  const text = readRegularText(file, MAX_TEXT_BYTES, 'a plan or config');
  return E.isLeft(text) ? E.left(fileError(file, text.left)) : text;
}
