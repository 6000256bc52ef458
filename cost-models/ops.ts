import type { LayerGraph, Op } from '../src/graph/types';

/**
 * How the Edge TPU treats each op: where it runs, what kind of rate prices it, and how many bytes
 * its parameters take once compiled.
 */

/**
 * Op types the Edge TPU compiler maps to the TPU (Coral, "TensorFlow models on the Edge TPU",
 * supported operations table). HARD_SWISH is our addition: compiler v16 maps it in the
 * EfficientNet-Lite / MobileNetV3 models Coral ships compiled.
 */
export const EDGETPU_OPS: ReadonlySet<string> = new Set([
  'ADD', 'AVERAGE_POOL_2D', 'CONCATENATION', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'EXPAND_DIMS',
  'FULLY_CONNECTED', 'L2_NORMALIZATION', 'LOGISTIC', 'LSTM', 'UNIDIRECTIONAL_SEQUENCE_LSTM',
  'MAXIMUM', 'MAX_POOL_2D', 'MEAN', 'MINIMUM', 'MUL', 'PACK', 'PAD', 'PRELU', 'QUANTIZE',
  'REDUCE_MAX', 'REDUCE_MIN', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'RESHAPE', 'RESIZE_BILINEAR',
  'RESIZE_NEAREST_NEIGHBOR', 'RSQRT', 'SLICE', 'SOFTMAX', 'SPACE_TO_DEPTH', 'SPLIT', 'SQUEEZE',
  'STRIDED_SLICE', 'SUB', 'SUM', 'SQUARED_DIFFERENCE', 'TANH', 'TRANSPOSE', 'TRANSPOSE_CONV',
  'HARD_SWISH',
]);

/** Ops that only relabel a buffer: free on the TPU. */
const FREE_OPS: ReadonlySet<string> = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS']);

const FLOAT: ReadonlySet<string> = new Set(['float32', 'float16', 'float64', 'bfloat16']);

export type OpKind = 'conv' | 'depthwise' | 'fc' | 'eltwise' | 'free' | 'cpu';

const isFloatActivation = (g: LayerGraph, t: number): boolean => {
  const tensor = t >= 0 ? g.tensors[t] : undefined;
  return tensor !== undefined && !tensor.isConstant && FLOAT.has(tensor.dtype);
};

/**
 * Where an op runs. Unsupported types run on the host; so does any op with a float activation
 * (a float QUANTIZE at the input, the DEQUANTIZE at the output, or an unquantized model), because
 * the Edge TPU computes in 8-bit only.
 */
export function opKind(g: LayerGraph, op: Op): OpKind {
  if (!EDGETPU_OPS.has(op.type)) return 'cpu';
  if ([...op.inputs, ...op.outputs].some((t) => isFloatActivation(g, t))) return 'cpu';
  switch (op.type) {
    case 'CONV_2D':
    case 'TRANSPOSE_CONV':
      return 'conv';
    case 'DEPTHWISE_CONV_2D':
      return 'depthwise';
    case 'FULLY_CONNECTED':
      return 'fc';
    default:
      return FREE_OPS.has(op.type) ? 'free' : 'eltwise';
  }
}

const filterShape = (g: LayerGraph, op: Op): readonly number[] | undefined => {
  const t = op.inputs[1];
  return t !== undefined && t >= 0 ? g.tensors[t]?.shape : undefined;
};

/** Input channels a conv reads per output (its filter's last axis); the depth of a depthwise layer. */
export function opChannels(g: LayerGraph, op: Op): number {
  const w = filterShape(g, op);
  if (!w || w.length < 4) return 0;
  return w[3]!;
}

const pad = (v: number, m: number): number => Math.ceil(v / m) * m;

export interface Layout {
  /** Output channels of conv, depthwise and fully-connected weights are padded to this multiple. */
  readonly padOut: number;
  /** Input channels of conv weights are padded to this multiple. */
  readonly padIn: number;
  /** Bytes per padded output channel of a conv or depthwise layer (bias and requantization data). */
  readonly channelOverhead: number;
}

/**
 * Parameter bytes of an op as the compiler lays them out. Our inference from the compiler's
 * on-chip + off-chip MiB in ../shared/data/edgetpu-measurements, which these rules reproduce to
 * the report's rounding on every row of the single-TPU files:
 * - fully-connected: features x pad(units, padOut), and nothing else (fc 6912 -> 2 reports
 *   0.42 MiB = 6912 x 64 bytes; the 64 -> N -> ... -> 10 models match to the byte below 1 MiB);
 * - conv: kh x kw x pad(cin, padIn) x pad(cout, padOut) + channelOverhead x pad(cout, padOut)
 *   (3x3 convs with F = 42 mod 4 = 2 carry 2 more input channels than F = 32; 8 bytes remain per
 *   padded output channel);
 * - depthwise: kh x kw x pad(c, padOut) + channelOverhead x pad(c, padOut), by analogy with conv
 *   (no depthwise layer in the measurements);
 * - other ops keep their .tflite constant bytes.
 */
export function compiledBytes(g: LayerGraph, op: Op, layout: Layout): number {
  if (op.paramBytes === 0) return 0;
  const w = filterShape(g, op);
  const { padOut, padIn, channelOverhead } = layout;
  switch (op.type) {
    case 'CONV_2D':
    case 'TRANSPOSE_CONV':
      if (w && w.length === 4) return (w[1]! * w[2]! * pad(w[3]!, padIn) + channelOverhead) * pad(w[0]!, padOut);
      break;
    case 'DEPTHWISE_CONV_2D':
      if (w && w.length === 4) return (w[1]! * w[2]! + channelOverhead) * pad(w[3]!, padOut);
      break;
    case 'FULLY_CONNECTED':
      if (w && w.length >= 2) return w[w.length - 1]! * pad(w[0]!, padOut);
      break;
  }
  return op.paramBytes;
}
