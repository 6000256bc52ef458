import * as E from 'fp-ts/Either';
import type { LayerGraph } from '../graph/types';
import { usage, type TpusegError } from '../errors';
import { loadModelToPlan } from '../model/load';
import { GraphBuilder } from '../zoo/builder';

/**
 * Models of the calibration rows and experiment cells. Anything `loadModel` accepts but a model already compiled for the Edge TPU, plus `calib:fc?neurons=N&layers=L&inputs=I`:
 * the fc family with an input of I features. ../shared/data/edgetpu-measurements/fc-L5-1tpu.csv was
 * measured on such a model with I = 6912: the compiler's on-chip figure at N = 2 is 0.42 MiB =
 * 6912 x 64 bytes (one 64-wide tile of a 6912-feature first layer), while `synth:fc` has 64 inputs.
 */
export function calibrationModel(spec: string): E.Either<TpusegError, LayerGraph> {
  if (!spec.startsWith('calib:')) return loadModelToPlan(spec);
  const m = /^calib:fc\?neurons=(\d+)&layers=(\d+)&inputs=(\d+)$/.exec(spec);
  if (!m) return E.left(usage(`${spec}: expected calib:fc?neurons=N&layers=L&inputs=I`));
  const [neurons, layers, inputs] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!(neurons > 0 && layers > 0 && inputs > 0)) return E.left(usage(`${spec}: neurons, layers and inputs must be positive`));
  const b = new GraphBuilder(`calib_fc_n${neurons}_l${layers}_i${inputs}`, spec);
  let x = b.input([inputs], 'float32');
  for (let i = 0; i < layers; i++) x = b.dense(x, { units: neurons, act: 'tanh' });
  x = b.dense(x, { units: 10 });
  return E.right(b.finish([x], `fc family with ${inputs} inputs: ${layers} x Dense(${neurons}, tanh) + Dense(10), float32 I/O`));
}
