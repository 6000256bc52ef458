import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerGraph } from '../graph/types';
import { modelUnreadable, usage, type TpusegError } from '../errors';
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

/**
 * A model to price or cut: a file already compiled for the Edge TPU hides its ops in an
 * edgetpu-custom-op, so no number about it would mean anything; the error names the source model
 * (`X_edgetpu.tflite` is compiled from `X.tflite`).
 */
export function loadModelToPlan(spec: string): E.Either<TpusegError, LayerGraph> {
  const graph = loadModel(spec);
  if (E.isLeft(graph) || !graph.right.compiledForEdgeTpu) return graph;
  const base = path.basename(spec);
  const source = /_edgetpu\.tflite$/i.test(base) ? base.replace(/_edgetpu(\.tflite)$/i, '$1') : 'the .tflite it was compiled from';
  return E.left(usage(`${spec}: already compiled for the Edge TPU (its ops are hidden in an edgetpu-custom-op): give the source model, ${source}, instead`));
}
