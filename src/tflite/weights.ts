import * as E from 'fp-ts/Either';
import { exportFailed, type TpusegError } from '../errors';
import { elementCount } from '../graph/dtype';
import type { LayerGraph, Tensor } from '../graph/types';
import { deriveSeed, rng } from '../rng';

/**
 * Seeded values for constants that carry no `data` (builder-made graphs). Each tensor's values
 * depend only on (seed, tensor name, dtype, shape, quantization, role), never on its position, so
 * a sub-graph that keeps the tensor names gets byte-identical weights.
 *
 * Values are drawn in real units and then quantized with the tensor's own parameters, so the
 * network is numerically sane whatever scales its builder chose: weights follow He
 * initialisation (standard deviation sqrt(2 / fanIn)), biases have standard deviation 0.1. The
 * draw is bell-shaped and bounded: z = ((b0 - b1) + (b2 - b3)) / (4 * 36.95) from four random
 * bytes, unit variance, |z| < 3.5, one generator call per value.
 */

/** What a constant is to the op that reads it; `fanIn` scales float weights. */
export type ConstantRole =
  | { readonly kind: 'weight'; readonly fanIn: number }
  | { readonly kind: 'bias' }
  | { readonly kind: 'other'; readonly op: string; readonly input: number };

/** Input positions of weights and biases per op type. */
const WEIGHT_SLOTS: Readonly<Record<string, { weight: number; bias: number; outAxis: number }>> = {
  CONV_2D: { weight: 1, bias: 2, outAxis: 0 },
  DEPTHWISE_CONV_2D: { weight: 1, bias: 2, outAxis: 3 },
  FULLY_CONNECTED: { weight: 1, bias: 2, outAxis: 0 },
  TRANSPOSE_CONV: { weight: 1, bias: 3, outAxis: 0 },
  CONV_3D: { weight: 1, bias: 2, outAxis: 4 },
};

/** The role of constant tensor `t`, from its first consumer. */
export function constantRole(graph: LayerGraph, t: number): ConstantRole {
  const tensor = graph.tensors[t]!;
  const first = tensor.consumers[0];
  if (first === undefined) return { kind: 'other', op: '(no consumer)', input: -1 };
  const op = graph.ops[first]!;
  const input = op.inputs.indexOf(t);
  const slots = WEIGHT_SLOTS[op.type];
  if (slots && input === slots.weight) {
    const out = tensor.shape[slots.outAxis] ?? 1;
    return { kind: 'weight', fanIn: Math.max(1, elementCount(tensor.shape) / Math.max(1, out)) };
  }
  if (slots && input === slots.bias) return { kind: 'bias' };
  return { kind: 'other', op: op.type, input };
}

const INT_RANGE: Readonly<Partial<Record<Tensor['dtype'], readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
};

/** Hot loops use a module-level binding: global lookups are slow inside vm contexts such as jest's. */
const round = Math.round;

/** Standard deviation of initial weights (He) and biases, in real units. */
const weightSd = (fanIn: number): number => Math.sqrt(2 / fanIn);
const BIAS_SD = 0.1;
/** Spread, in quanta, of quantized constants that are neither weights nor biases (e.g. a constant addend). */
const OPERAND_SD = 32;

/** Generates the bytes of a constant without data, or says why it cannot be invented. */
export function seededConstant(tensor: Tensor, role: ConstantRole, seed: string | number): E.Either<TpusegError, Uint8Array> {
  const n = elementCount(tensor.shape);
  const z = bellSource(deriveSeed(seed, 'constant', tensor.name));
  const q = tensor.quantization;
  const quantized = q !== undefined && q.scale.length > 0;
  const range = INT_RANGE[tensor.dtype];
  const layout = channelLayout(tensor);
  const perChannel = (f: (c: number) => number): Float64Array => Float64Array.from({ length: layout.dim }, (_, c) => f(c));

  if (range && (quantized || role.kind === 'weight')) {
    // Spread in quanta per channel: He in real units over the channel's scale for weights.
    const sd = perChannel((c) => (role.kind === 'weight' && quantized ? weightSd(role.fanIn) / channelValue(q.scale, c) : OPERAND_SD));
    const zp = perChannel((c) => (q ? channelValue(q.zeroPoint, c) : 0));
    const out = tensor.dtype === 'int16' ? new Int16Array(n) : tensor.dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
    const [lo, hi] = range;
    fill(out, layout, (c) => {
      const v = zp[c]! + round(z() * sd[c]!);
      return v < lo ? lo : v > hi ? hi : v;
    });
    return E.right(new Uint8Array(out.buffer));
  }
  if (tensor.dtype === 'int32' && role.kind === 'bias') {
    const sd = perChannel((c) => (quantized && channelValue(q.scale, c) > 0 ? BIAS_SD / channelValue(q.scale, c) : 8 * OPERAND_SD));
    const out = new Int32Array(n);
    fill(out, layout, (c) => round(z() * sd[c]!));
    return E.right(new Uint8Array(out.buffer));
  }
  if (tensor.dtype === 'float32' && (role.kind === 'weight' || role.kind === 'bias')) {
    const sd = role.kind === 'weight' ? weightSd(role.fanIn) : BIAS_SD;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = z() * sd;
    return E.right(new Uint8Array(out.buffer));
  }
  const what = role.kind === 'other' ? `input ${role.input} of ${role.op}` : `a ${role.kind}`;
  return E.left(exportFailed(
    `constant tensor "${tensor.name}" (${tensor.dtype} [${tensor.shape.join(',')}], ${what}) has no data; ` +
      'only weights, biases and quantized operands get generated values, so its builder must provide the bytes',
  ));
}

/** The tensor as [outer, dim, inner] around its quantized dimension (dim 1 when quantized per tensor). */
interface ChannelLayout {
  readonly outer: number;
  readonly dim: number;
  readonly inner: number;
}

function channelLayout(tensor: Tensor): ChannelLayout {
  const q = tensor.quantization;
  const n = elementCount(tensor.shape);
  if (!q || q.scale.length <= 1) return { outer: 1, dim: 1, inner: n };
  const axis = q.quantizedDimension;
  const dim = tensor.shape[axis] ?? 1;
  const inner = elementCount(tensor.shape.slice(axis + 1));
  return { outer: n / (dim * inner), dim, inner };
}

const channelValue = (values: readonly number[], c: number): number => values[c] ?? values[0] ?? 0;

/** Fills `out` in element order with value(channel of the element). */
function fill(out: Int8Array | Uint8Array | Int16Array | Int32Array, l: ChannelLayout, value: (c: number) => number): void {
  let i = 0;
  for (let o = 0; o < l.outer; o++) {
    for (let c = 0; c < l.dim; c++) {
      for (let k = 0; k < l.inner; k++) out[i++] = value(c);
    }
  }
}

/**
 * A stream of bell-shaped values of unit variance, bounded by 3.46, from four random bytes each.
 * The bytes come from sfc32 (Chris Doty-Humphrey's small fast counting generator, public
 * domain) keyed by four words of `rng(seed)`: the stream is fully determined by the seed, and
 * filling 140 MB of VGG weights takes a second instead of ten with seedrandom's ARC4.
 */
function bellSource(seed: string): () => number {
  const g = rng(seed);
  const word = (): number => Math.floor(g.next() * 4294967296) | 0;
  let a = word();
  let b = word();
  let c = word();
  let d = word();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return () => {
    const u = next();
    return ((u & 0xff) - ((u >>> 8) & 0xff) + ((u >>> 16) & 0xff) - (u >>> 24)) / (4 * 36.95);
  };
}
