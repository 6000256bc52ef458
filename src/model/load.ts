import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import type { LayerGraph } from '../graph/types';
import { modelUnreadable, type TpusegError } from '../errors';
import { fileErrorReason } from '../file-errors';

/**
 * Everywhere a model is accepted: a `.tflite` path, `zoo:NAME[@SIZE]` or `synth:FAMILY?k=v&...`.
 * Each reader is required on first use: a zoo or synthetic model never loads the TFLite reader and
 * its generated schema (hundreds of modules, most of a command's or a worker thread's start-up).
 */
export function loadModel(spec: string): E.Either<TpusegError, LayerGraph> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (spec.startsWith('zoo:')) return (require('../zoo') as typeof import('../zoo')).zooModel(spec);
  if (spec.startsWith('synth:')) return (require('../zoo/synth') as typeof import('../zoo/synth')).synthModel(spec);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(spec);
  } catch (e) {
    return E.left(modelUnreadable(spec, fileErrorReason(e)));
  }
  return (require('../tflite/reader') as typeof import('../tflite/reader')).readTflite(bytes, spec);
}
