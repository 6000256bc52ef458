import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import type { LayerGraph } from '../graph/types';
import { modelUnreadable, type TpusegError } from '../errors';
import { readTflite } from '../tflite/reader';
import { zooModel } from '../zoo';
import { synthModel } from '../zoo/synth';
import { fileErrorReason } from '../file-errors';

/**
 * Everywhere a model is accepted: a `.tflite` path, `zoo:NAME[@SIZE]` or `synth:FAMILY?k=v&...`.
 */
export function loadModel(spec: string): E.Either<TpusegError, LayerGraph> {
  if (spec.startsWith('zoo:')) return zooModel(spec);
  if (spec.startsWith('synth:')) return synthModel(spec);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(spec);
  } catch (e) {
    return E.left(modelUnreadable(spec, fileErrorReason(e)));
  }
  return readTflite(bytes, spec);
}
