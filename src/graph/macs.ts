import type { OpSpec, TensorSpec } from './types';
import { elementCount } from './dtype';

/**
 * Multiply-accumulates of one op, from its tensor shapes:
 * - CONV_2D: output elements x kh x kw x input channels per group (filter is [out, kh, kw, in/groups]).
 * - DEPTHWISE_CONV_2D: output elements x kh x kw (filter is [1, kh, kw, out]).
 * - FULLY_CONNECTED: output elements x input features (weights are [units, features]).
 * - TRANSPOSE_CONV: input elements x kh x kw x output channels (filter is [out, kh, kw, in]); each input
 *   value is scattered through the kernel into every output channel.
 * - BATCH_MATMUL: output elements x contracted dimension.
 * - CONV_3D: output elements x kd x kh x kw x input channels (filter is [kd, kh, kw, in, out]).
 * Every other op counts 0.
 */
export function opMacs(op: OpSpec, tensors: readonly TensorSpec[]): number {
  const shape = (i: number | undefined): readonly number[] | undefined =>
    i === undefined || i < 0 || i >= tensors.length ? undefined : tensors[i]!.shape;
  const out = shape(op.outputs[0]);
  if (!out) return 0;
  const outElems = elementCount(out);
  switch (op.type) {
    case 'CONV_2D': {
      const w = shape(op.inputs[1]);
      return w && w.length === 4 ? outElems * w[1]! * w[2]! * w[3]! : 0;
    }
    case 'DEPTHWISE_CONV_2D': {
      const w = shape(op.inputs[1]);
      return w && w.length === 4 ? outElems * w[1]! * w[2]! : 0;
    }
    case 'FULLY_CONNECTED': {
      const w = shape(op.inputs[1]);
      return w && w.length >= 2 ? outElems * w[w.length - 1]! : 0;
    }
    case 'TRANSPOSE_CONV': {
      const w = shape(op.inputs[1]);
      const x = shape(op.inputs[2]);
      return w && x && w.length === 4 ? elementCount(x) * w[1]! * w[2]! * w[0]! : 0;
    }
    case 'CONV_3D': {
      const w = shape(op.inputs[1]);
      return w && w.length === 5 ? outElems * w[0]! * w[1]! * w[2]! * w[3]! : 0;
    }
    case 'BATCH_MATMUL': {
      const a = shape(op.inputs[0]);
      if (!a || a.length < 2) return 0;
      const adjX = op.options?.fields['adjX'] === true;
      return outElems * (adjX ? a[a.length - 2]! : a[a.length - 1]!);
    }
    default:
      return 0;
  }
}
