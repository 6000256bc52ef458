import { buildGraph } from '../../src/graph/build';
import type { DType, LayerGraph, OpOptions, OpSpec, Quantization, Tensor, TensorSpec } from '../../src/graph/types';
import * as tfl from '../../src/tflite';

const { BuiltinOperator } = tfl;

/** Small hand-made graphs for writer and LiteRT tests (constants carry no data unless given), and graph comparison. */

export const q = (scale: number | number[], zeroPoint = 0, quantizedDimension = 0): Quantization => {
  const s = Array.isArray(scale) ? scale : [scale];
  return { scale: s, zeroPoint: s.map(() => zeroPoint), quantizedDimension };
};

export class Spec {
  readonly tensors: TensorSpec[] = [];
  readonly ops: OpSpec[] = [];
  tensor(name: string, dtype: DType, shape: number[], extra: Partial<TensorSpec> = {}): number {
    return this.tensors.push({ name, dtype, shape, isConstant: false, ...extra }) - 1;
  }
  constant(name: string, dtype: DType, shape: number[], extra: Partial<TensorSpec> = {}): number {
    return this.tensor(name, dtype, shape, { ...extra, isConstant: true });
  }
  op(type: keyof typeof tfl.BuiltinOperator, inputs: number[], outputs: number[], version = 1, options?: { type: string; fields: Record<string, unknown> }): void {
    this.ops.push({ type, builtinCode: BuiltinOperator[type], version, inputs, outputs, ...(options ? { options } : {}) });
  }
}

/**
 * float [1,8,8,3] -> QUANTIZE -> CONV_2D(relu) -> DEPTHWISE_CONV_2D -> ADD(residual) ->
 * CONCATENATION -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX -> DEQUANTIZE -> float [1,10];
 * int8 inside with per-channel conv weights, the way the TFLite converter writes such a net.
 */
export function handGraph(opts: { withShapeData?: boolean } = {}): LayerGraph {
  const s = new Spec();
  const act = q(0.05);
  const x = s.tensor('input', 'float32', [1, 8, 8, 3]);
  const xq = s.tensor('input_int8', 'int8', [1, 8, 8, 3], { quantization: act });
  s.op('QUANTIZE', [x], [xq], 2);

  const wScale = [0.01, 0.011, 0.009, 0.012];
  const w1 = s.constant('conv/weights', 'int8', [4, 3, 3, 3], { quantization: q(wScale, 0, 0) });
  const b1 = s.constant('conv/bias', 'int32', [4], { quantization: q(wScale.map((w) => w * 0.05)) });
  const c1 = s.tensor('conv/relu', 'int8', [1, 8, 8, 4], { quantization: act });
  s.op('CONV_2D', [xq, w1, b1], [c1], 3, {
    type: 'Conv2DOptions', fields: { padding: 0, strideW: 1, strideH: 1, fusedActivationFunction: 1 },
  });

  const w2 = s.constant('dw/weights', 'int8', [1, 3, 3, 4], { quantization: q(wScale, 0, 3) });
  const b2 = s.constant('dw/bias', 'int32', [4], { quantization: q(wScale.map((w) => w * 0.05)) });
  const c2 = s.tensor('dw/out', 'int8', [1, 8, 8, 4], { quantization: act });
  s.op('DEPTHWISE_CONV_2D', [c1, w2, b2], [c2], 3, {
    type: 'DepthwiseConv2DOptions', fields: { padding: 0, strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 0 },
  });

  const sum = s.tensor('add', 'int8', [1, 8, 8, 4], { quantization: act });
  s.op('ADD', [c1, c2], [sum], 2, { type: 'AddOptions', fields: { fusedActivationFunction: 0 } });
  const cat = s.tensor('concat', 'int8', [1, 8, 8, 8], { quantization: act });
  s.op('CONCATENATION', [sum, c1], [cat], 2, { type: 'ConcatenationOptions', fields: { axis: 3, fusedActivationFunction: 0 } });

  const shapeData = new Uint8Array(new Int32Array([1, 512]).buffer);
  const shape = s.constant('reshape/shape', 'int32', [2], opts.withShapeData === false ? {} : { data: shapeData });
  const flat = s.tensor('flat', 'int8', [1, 512], { quantization: act });
  s.op('RESHAPE', [cat, shape], [flat], 1, { type: 'ReshapeOptions', fields: { newShape: [1, 512] } });

  const w3 = s.constant('fc/weights', 'int8', [10, 512], { quantization: q(0.01) });
  const b3 = s.constant('fc/bias', 'int32', [10], { quantization: q(0.05 * 0.01) });
  const logits = s.tensor('logits', 'int8', [1, 10], { quantization: q(0.2) });
  s.op('FULLY_CONNECTED', [flat, w3, b3], [logits], 4, { type: 'FullyConnectedOptions', fields: { fusedActivationFunction: 0 } });

  const probs = s.tensor('probs_int8', 'int8', [1, 10], { quantization: q(1 / 256, -128) });
  s.op('SOFTMAX', [logits], [probs], 2, { type: 'SoftmaxOptions', fields: { beta: 1 } });
  const out = s.tensor('probs', 'float32', [1, 10]);
  s.op('DEQUANTIZE', [probs], [out], 2);

  return buildGraph({ name: 'hand', source: 'test:hand', tensors: s.tensors, ops: s.ops, inputs: [x], outputs: [out] });
}

/** An options table with every field of its flatc class, defaults filled in, for comparison. */
function fullOptions(o: OpOptions | undefined): unknown {
  if (!o) return undefined;
  const ctor = (tfl as unknown as Record<string, new () => object>)[`${o.type}T`];
  return { type: o.type, fields: { ...(ctor ? new ctor() : {}), ...o.fields } };
}

const f32 = (xs: readonly number[] | undefined): number[] | undefined => xs?.map(Math.fround);
const hex = (d: Uint8Array | undefined): string | undefined => (d ? Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex') : undefined);

/**
 * Differences between a graph and its written-and-read-back twin, one line each (empty when they
 * are the same graph). Scales and min/max are compared as float32, as the file stores them.
 * Constant bytes are compared with `written(t)` (the bytes the writer was to give tensor t),
 * by default the original's data; 'skip' leaves them out.
 */
export function graphDifferences(a: LayerGraph, b: LayerGraph, written?: ((t: Tensor) => Uint8Array | undefined) | 'skip'): string[] {
  const out: string[] = [];
  const same = (what: string, x: unknown, y: unknown): void => {
    const sx = JSON.stringify(x);
    const sy = JSON.stringify(y);
    if (sx !== sy) out.push(`${what}: ${sx?.slice(0, 200)} vs ${sy?.slice(0, 200)}`);
  };
  same('inputs', a.inputs, b.inputs);
  same('outputs', a.outputs, b.outputs);
  same('tensor count', a.tensors.length, b.tensors.length);
  same('op count', a.ops.length, b.ops.length);
  a.tensors.forEach((t, i) => {
    const u = b.tensors[i];
    if (!u) return;
    const qa = t.quantization;
    const qb = u.quantization;
    same(`tensor ${i}`, [t.name, t.shape, t.shapeSignature, t.dtype, t.isConstant, !!t.isVariable, t.bytes, t.producer, t.consumers],
      [u.name, u.shape, u.shapeSignature, u.dtype, u.isConstant, !!u.isVariable, u.bytes, u.producer, u.consumers]);
    same(`tensor ${i} quantization`,
      qa && [f32(qa.scale), qa.zeroPoint, qa.quantizedDimension, f32(qa.min), f32(qa.max)],
      qb && [f32(qb.scale), qb.zeroPoint, qb.quantizedDimension, f32(qb.min), f32(qb.max)]);
    if (t.isConstant && written !== 'skip') {
      const want = written ? written(t) : t.data;
      if (hex(want) !== hex(u.data)) out.push(`tensor ${i} "${t.name}": constant bytes differ`);
    }
  });
  a.ops.forEach((o, i) => {
    const p = b.ops[i];
    if (!p) return;
    same(`op ${i}`, [o.type, o.builtinCode, o.customCode, o.version, o.inputs, o.outputs, o.intermediates ?? []],
      [p.type, p.builtinCode, p.customCode, p.version, p.inputs, p.outputs, p.intermediates ?? []]);
    same(`op ${i} options`, fullOptions(o.options), fullOptions(p.options));
    same(`op ${i} custom options`, hex(o.customOptions), hex(p.customOptions));
    same(`op ${i} paramBytes/macs/act`, [o.paramBytes, o.macs, o.actInBytes, o.actOutBytes], [p.paramBytes, p.macs, p.actInBytes, p.actOutBytes]);
  });
  return out;
}

/** The graph of a Spec. */
export const specGraph = (s: Spec, inputs: number[], outputs: number[], name = 'spec'): LayerGraph =>
  buildGraph({ name, source: `test:${name}`, tensors: s.tensors, ops: s.ops, inputs, outputs });
