import type { LayerGraph, Op } from '../src/graph/types';

/**
 * How the Edge TPU prices each op it runs: the kind of rate, and how many bytes its parameters
 * take once compiled.
 */

/** Ops that only relabel a buffer: free on the TPU. */
const FREE_OPS: ReadonlySet<string> = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS']);

/** The rate class that prices an op when it runs on the TPU (where it runs: cost-models/placement.ts). */
export type TpuKind = 'conv' | 'depthwise' | 'fc' | 'eltwise' | 'free';

export function tpuKind(op: Op): TpuKind {
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

/** Arithmetic whose second operand may be a constant tensor (a batch norm that no conv absorbs becomes MUL + ADD). */
const ELEMENTWISE_CONST: ReadonlySet<string> = new Set(['MUL', 'ADD', 'SUB']);

/** Compiled bytes per element of an elementwise op's constant. */
export const ELEMENTWISE_BYTES = 16;

/**
 * The share of ELEMENTWISE_BYTES an elementwise constant streams when the segment streams layer
 * weights too: 4 bytes per element. Our inference from ../shared/data/compiler-memory/keras-segments.csv:
 * the four DenseNet-201 segments whose layers overflow the cache (ops 173, 263, 323, 347 to 512) stream
 * their layers past the cached prefix plus 21-35% of their batch norms' 16-byte constants, while the ten
 * that fit stream all of them; with 4 bytes per element all fourteen come within 0.17 MiB. Our reading:
 * alone, each constant is a transfer of its own padded to 16 bytes per element; beside streamed weights
 * it travels in their stream as one int32 per element.
 */
export const ELEMENTWISE_MERGED_FRACTION = 4 / ELEMENTWISE_BYTES;

/**
 * Whether the compiler streams an op's parameters on every invoke whatever the room on chip: the
 * constants of elementwise arithmetic (MUL, ADD, SUB with a constant operand). Our inference from
 * ../shared/data/compiler-memory/keras-segments.csv: every DenseNet-201 segment streams exactly 32
 * bytes per channel of its pre-activation batch norms (MUL + ADD on each concatenation: 11,776
 * channels in ops 0-172, 0.359 MiB reported; 8,640 in ops 323-346, 0.264 MiB) with 3-5 MiB of room
 * left, and nothing else; the classifier segment (no batch norm) streams nothing.
 */
export function streamsAlways(op: Op): boolean {
  return op.paramBytes > 0 && ELEMENTWISE_CONST.has(op.type);
}

const constantElements = (g: LayerGraph, op: Op): number => op.inputs.reduce((n, t) => {
  const tensor = t >= 0 ? g.tensors[t] : undefined;
  return tensor?.isConstant ? n + tensor.shape.reduce((a, b) => a * b, 1) : n;
}, 0);

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
 * - elementwise arithmetic with a constant (streamsAlways): ELEMENTWISE_BYTES per constant element;
 * - other ops keep their .tflite constant bytes.
 */
export function compiledBytes(g: LayerGraph, op: Op, layout: Layout): number {
  if (op.paramBytes === 0) return 0;
  if (streamsAlways(op)) return ELEMENTWISE_BYTES * constantElements(g, op);
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
