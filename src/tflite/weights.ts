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
 * Integer values come from a bell-shaped distribution made of four random bytes,
 * t = ((b0 - b1) + (b2 - b3)) / 4: centred on 0, within [-127, 127], standard deviation about
 * 37, the spread of real per-channel int8 weights (whose largest magnitude is 127 by construction).
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

/** Generates the bytes of a constant without data, or says why it cannot be invented. */
export function seededConstant(tensor: Tensor, role: ConstantRole, seed: string | number): E.Either<TpusegError, Uint8Array> {
  const n = elementCount(tensor.shape);
  const draw = bellSource(deriveSeed(seed, 'constant', tensor.name));
  const quantized = tensor.quantization !== undefined && tensor.quantization.scale.length > 0;
  const range = INT_RANGE[tensor.dtype];

  // Quantized 8/16-bit values (weights, or any quantized operand such as a constant addend).
  if (range && (quantized || role.kind === 'weight')) {
    const zp = tensor.quantization?.zeroPoint[0] ?? 0;
    const out = new Uint8Array(denseLength(tensor.dtype, n));
    const view = new DataView(out.buffer);
    for (let i = 0; i < n; i++) {
      const q = Math.min(range[1], Math.max(range[0], zp + Math.trunc(draw())));
      if (tensor.dtype === 'int16') view.setInt16(2 * i, q, true);
      else out[i] = q & 0xff;
    }
    return E.right(out);
  }
  if (tensor.dtype === 'int32' && role.kind === 'bias') {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.trunc(draw() * 16);
    return E.right(new Uint8Array(out.buffer));
  }
  if (tensor.dtype === 'float32' && (role.kind === 'weight' || role.kind === 'bias')) {
    // He-style spread for weights keeps activations in range through deep float stacks.
    const sd = role.kind === 'weight' ? Math.sqrt(2 / role.fanIn) : 0.01;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (draw() / 37) * sd;
    return E.right(new Uint8Array(out.buffer));
  }
  const what = role.kind === 'other' ? `input ${role.input} of ${role.op}` : `a ${role.kind}`;
  return E.left(exportFailed(
    `constant tensor "${tensor.name}" (${tensor.dtype} [${tensor.shape.join(',')}], ${what}) has no data; ` +
      'only weights, biases and quantized operands get generated values, so its builder must provide the bytes',
  ));
}

const denseLength = (dtype: Tensor['dtype'], n: number): number => (dtype === 'int16' ? 2 * n : n);

/** A seeded stream of bell-shaped values in [-127.5, 127.5], one generator call per value. */
function bellSource(seed: string): () => number {
  const g = rng(seed);
  return () => {
    const u = Math.floor(g.next() * 4294967296);
    return ((u & 0xff) - ((u >>> 8) & 0xff) + ((u >>> 16) & 0xff) - (u >>> 24)) / 4;
  };
}
