import { buildGraph } from '../graph/build';
import type { DType, LayerGraph, OpOptions, Quantization, TensorSpec } from '../graph/types';
import { elementCount } from '../graph/dtype';
import type { BnOpts, ConvOpts, DenseOpts, DepthwiseOpts, IoType, PoolOpts, Tn } from './layers';
import * as Q from './quant';
import { pad2d, pair, windowOut, type Pad2d } from './shapes';

export type { Act } from './quant';
export type { Pad2d, Pair, Padding } from './shapes';
export type { BnOpts, ConvOpts, DenseOpts, DepthwiseOpts, IoType, PoolOpts, Tn, ZooEntry } from './layers';
export { correctPad } from './shapes';

const ACT_CODE: Readonly<Record<Q.Act, number>> = { linear: 0, relu: 1, relu6: 3, tanh: 4, sigmoid: 0 };
const FUSABLE: ReadonlySet<Q.Act> = new Set(['linear', 'relu', 'relu6']);
/** Builtin operator codes (schema BuiltinOperator) and the versions the TF2 converter sets for int8. */
const OPS: Readonly<Record<string, readonly [number, number]>> = {
  ADD: [0, 2], AVERAGE_POOL_2D: [1, 2], CONCATENATION: [2, 2], CONV_2D: [3, 3], DEPTHWISE_CONV_2D: [4, 3],
  DEQUANTIZE: [6, 2], FULLY_CONNECTED: [9, 4], LOGISTIC: [14, 2], MAX_POOL_2D: [17, 2], MUL: [18, 2],
  RELU: [19, 2], RELU6: [21, 2], RESHAPE: [22, 1], SOFTMAX: [25, 2], TANH: [28, 2], PAD: [34, 2], MEAN: [40, 2],
  QUANTIZE: [114, 1],
};
/** Ops whose int8 kernels need the output quantized like the input. */
const SAME_SCALE: ReadonlySet<string> = new Set(['MAX_POOL_2D', 'AVERAGE_POOL_2D', 'PAD', 'RESHAPE', 'CONCATENATION']);

/**
 * Builds a LayerGraph the way the TF2 full-integer converter lays a Keras model out: batch norm
 * folded into the preceding conv (every conv gets an int32 bias), BN that cannot fold emitted
 * as per-channel MUL + ADD, RELU/RELU6 fused into CONV_2D / DEPTHWISE / FULLY_CONNECTED / ADD,
 * int8 weights quantized per output channel (per tensor for FULLY_CONNECTED, the converter's
 * default), int8 activations. Counts parameters as Keras does (`kerasParams`).
 */
export class GraphBuilder {
  private readonly tensors: Array<TensorSpec & { quantization?: Quantization }> = [];
  private readonly ops: Array<{ type: string; builtinCode: number; version: number; inputs: number[]; outputs: number[]; options?: OpOptions }> = [];
  private readonly names = new Set<string>();
  private readonly layerCounts = new Map<string, number>();
  private readonly uses: number[] = [];
  private readonly rescaled: boolean[] = [];
  private readonly inputs: number[] = [];
  private ioType: IoType = 'uint8';
  private params = 0;

  constructor(readonly name: string, readonly source: string) {}

  /** The model input [1, ...shape] followed by its QUANTIZE to int8. */
  input(shape: readonly number[], io: IoType = 'uint8'): Tn {
    this.ioType = io;
    const raw = this.tensor('serving_default_input_1:0', [1, ...shape], io, io === 'uint8' ? Q.UINT8_INPUT_QUANT : undefined);
    this.inputs.push(raw);
    return this.op('QUANTIZE', [raw], 'tfl.quantize', [1, ...shape], io === 'uint8' ? Q.INT8_INPUT_QUANT : Q.FLOAT_INPUT_QUANT);
  }

  conv(x: Tn, o: ConvOpts): Tn {
    const name = o.name ?? this.layerName('conv2d');
    const [kh, kw] = pair(o.kernel);
    const cin = x.shape[3]!;
    this.countConvParams(kh * kw * cin * o.filters, o.filters, o);
    const w = Q.weightQuant(o.filters, kh * kw * cin, 0);
    return this.windowed('CONV_2D', x, name, o, [kh, kw], o.filters, [o.filters, kh, kw, cin], w, 'Conv2D');
  }

  depthwise(x: Tn, o: DepthwiseOpts): Tn {
    const name = o.name ?? this.layerName('depthwise_conv2d');
    const [kh, kw] = pair(o.kernel);
    const m = o.depthMultiplier ?? 1;
    const cout = x.shape[3]! * m;
    this.countConvParams(kh * kw * cout, cout, o);
    const w = Q.weightQuant(cout, kh * kw, 3);
    return this.windowed('DEPTHWISE_CONV_2D', x, name, o, [kh, kw], cout, [1, kh, kw, cout], w, 'depthwise', m);
  }

  dense(x: Tn, o: DenseOpts): Tn {
    const name = o.name ?? this.layerName('dense');
    const features = x.shape[x.shape.length - 1]!;
    const bias = o.bias ?? true;
    this.params += features * o.units + (bias ? o.units : 0);
    const act = o.act ?? 'linear';
    const wq = Q.perTensor(Q.weightQuant(1, features, 0).scale[0]!, 0);
    const w = this.tensor(`${this.name}/${name}/MatMul`, [o.units, features], 'int8', wq, true);
    const b = this.tensor(`${this.name}/${name}/BiasAdd/ReadVariableOp`, [o.units], 'int32', Q.biasQuant(this.quantOf(x), wq), true);
    const fused = FUSABLE.has(act) ? act : 'linear';
    const y = this.op('FULLY_CONNECTED', [x.index, w, b], `${this.name}/${name}/${suffix(fused, 'BiasAdd')}`, [...x.shape.slice(0, -1), o.units], Q.actQuant(fused),
      { type: 'FullyConnectedOptions', fields: { fusedActivationFunction: ACT_CODE[fused], weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false, quantizedBiasType: 0 } });
    return fused === act ? y : this.act(y, act, name);
  }

  /** A BatchNormalization that no conv can absorb (pre-activation orders): MUL and ADD by per-channel constants, activation fused into the ADD when TFLite can. */
  bn(x: Tn, o: BnOpts & { readonly act?: Q.Act; readonly name?: string } = {}): Tn {
    const name = o.name ?? this.layerName('batch_normalization');
    const c = x.shape[3] ?? x.shape[x.shape.length - 1]!;
    this.params += c * (2 + (o.scale === false ? 0 : 1) + (o.center === false ? 0 : 1));
    const act = o.act ?? 'linear';
    const s = this.tensor(`${this.name}/${name}/FusedBatchNormV3/mul`, [c], 'int8', Q.perTensor(2 / 127, 0), true);
    const m = this.op('MUL', [x.index, s], `${this.name}/${name}/FusedBatchNormV3/mul_1`, x.shape, Q.actQuant('linear'),
      { type: 'MulOptions', fields: { fusedActivationFunction: 0 } });
    const t = this.tensor(`${this.name}/${name}/FusedBatchNormV3/sub`, [c], 'int8', Q.perTensor(1 / 32, 0), true);
    return this.addOp(m, t, act, `${this.name}/${name}/FusedBatchNormV3`);
  }

  add(a: Tn, b: Tn, act: Q.Act = 'linear', name?: string): Tn {
    return this.addOp(a, b.index, act, `${this.name}/${name ?? this.layerName('add')}`);
  }

  /** Element-wise product with another activation, or with a constant scalar (Keras Lambda scaling). */
  mul(a: Tn, b: Tn | number, name?: string): Tn {
    const layer = name ?? this.layerName('multiply');
    const rhs = typeof b === 'number'
      ? this.tensor(`${this.name}/${layer}/mul/y`, [], 'int8', Q.perTensor(Math.max(Math.abs(b), 1e-6) / 127, 0), true)
      : b.index;
    return this.op('MUL', [a.index, rhs], `${this.name}/${layer}/mul`, a.shape, Q.actQuant('linear'), { type: 'MulOptions', fields: { fusedActivationFunction: 0 } });
  }

  /** A separate activation op (what TFLite cannot fuse, or a Keras Activation after an op without fusion). */
  act(x: Tn, act: Q.Act, name?: string): Tn {
    if (act === 'linear') return x;
    const layer = name ?? this.layerName('activation');
    const type = { relu: 'RELU', relu6: 'RELU6', tanh: 'TANH', sigmoid: 'LOGISTIC' }[act];
    return this.op(type, [x.index], `${this.name}/${layer}/${suffix(act, 'Identity')}`, x.shape, Q.actQuant(act));
  }

  concat(xs: readonly Tn[], name?: string): Tn {
    const layer = name ?? this.layerName('concatenate');
    const fixed = xs.find((x) => !this.isFree(x.index)) ?? xs[0]!;
    const q = this.quantOf(fixed);
    const ins = xs.map((x) => {
      if (Q.sameQuant(this.quantOf(x), q)) return x.index;
      if (this.isFree(x.index)) {
        this.tensors[x.index]!.quantization = q;
        return x.index;
      }
      return this.op('QUANTIZE', [x.index], `${this.name}/${layer}/requantize_${x.index}`, x.shape, q).index;
    });
    const channels = xs.reduce((s, x) => s + x.shape[x.shape.length - 1]!, 0);
    return this.op('CONCATENATION', ins, `${this.name}/${layer}/concat`, [...xs[0]!.shape.slice(0, -1), channels], q,
      { type: 'ConcatenationOptions', fields: { axis: xs[0]!.shape.length - 1, fusedActivationFunction: 0 } });
  }

  maxPool(x: Tn, o: PoolOpts): Tn { return this.pool('MAX_POOL_2D', 'max_pooling2d', 'MaxPool', x, o); }
  avgPool(x: Tn, o: PoolOpts): Tn { return this.pool('AVERAGE_POOL_2D', 'average_pooling2d', 'AvgPool', x, o); }

  /** GlobalAveragePooling2D: MEAN over H and W, as TF2 converters emit it. */
  globalAvgPool(x: Tn, o: { readonly keepDims?: boolean; readonly name?: string } = {}): Tn {
    const layer = o.name ?? this.layerName('global_average_pooling2d');
    const axes = this.int32Const(`${this.name}/${layer}/Mean/reduction_indices`, [2], [1, 2]);
    const c = x.shape[3]!;
    return this.op('MEAN', [x.index, axes], `${this.name}/${layer}/Mean`, o.keepDims ? [1, 1, 1, c] : [1, c], this.quantOf(x),
      { type: 'ReducerOptions', fields: { keepDims: o.keepDims ?? false } }, false);
  }

  /** Keras ZeroPadding2D: an explicit PAD. */
  pad(x: Tn, p: Pad2d, name?: string): Tn {
    const layer = name ?? this.layerName('zero_padding2d');
    const [[t, b], [l, r]] = pad2d(p);
    const paddings = this.int32Const(`${this.name}/${layer}/Pad/paddings`, [4, 2], [0, 0, t, b, l, r, 0, 0]);
    return this.op('PAD', [x.index, paddings], `${this.name}/${layer}/Pad`, [1, x.shape[1]! + t + b, x.shape[2]! + l + r, x.shape[3]!], this.quantOf(x),
      { type: 'PadOptions', fields: {} });
  }

  reshape(x: Tn, shape: readonly number[], name?: string): Tn {
    const layer = name ?? this.layerName('reshape');
    if (elementCount(shape) !== elementCount(x.shape)) throw new Error(`reshape ${layer}: [${x.shape}] -> [${shape}] changes the element count`);
    const s = this.int32Const(`${this.name}/${layer}/Reshape/shape`, [shape.length], shape);
    return this.op('RESHAPE', [x.index, s], `${this.name}/${layer}/Reshape`, shape, this.quantOf(x));
  }

  flatten(x: Tn, name?: string): Tn {
    return this.reshape(x, [1, elementCount(x.shape)], name ?? this.layerName('flatten'));
  }

  softmax(x: Tn, name = 'predictions'): Tn {
    return this.op('SOFTMAX', [x.index], `${this.name}/${name}/Softmax`, x.shape, Q.SOFTMAX_QUANT, { type: 'SoftmaxOptions', fields: { beta: 1 } });
  }

  /** Adds parameters Keras counts for a layer the converted graph does not show. */
  countParams(n: number): void { this.params += n; }

  get kerasParams(): number { return this.params; }

  /**
   * Converts the outputs back to the model's I/O type (or leaves them int8 when `output` is
   * 'int8', as a converter told `inference_output_type = int8` does) and derives the LayerGraph.
   */
  finish(outputs: readonly Tn[], description: string, output: 'io' | 'int8' = 'io'): LayerGraph {
    const outs = outputs.map((x, i) => {
      if (output === 'int8') return x;
      const q = this.quantOf(x);
      return this.ioType === 'uint8'
        ? this.op('QUANTIZE', [x.index], `StatefulPartitionedCall:${i}`, x.shape, Q.perTensor(q.scale[0]!, q.zeroPoint[0]! + 128), undefined, false, 'uint8')
        : this.op('DEQUANTIZE', [x.index], `StatefulPartitionedCall:${i}`, x.shape, undefined, undefined, false, 'float32');
    });
    return buildGraph({
      name: this.name, source: this.source, tensors: this.tensors,
      ops: this.ops,
      inputs: this.inputs, outputs: outs.map((o) => o.index), kerasParams: this.params, description,
    });
  }

  private countConvParams(kernelParams: number, channels: number, o: { bias?: boolean; bn?: boolean | BnOpts }): void {
    const bn = o.bn === true ? {} : o.bn || undefined;
    const bias = o.bias ?? !bn;
    this.params += kernelParams + (bias ? channels : 0);
    if (bn) this.params += channels * (2 + (bn.scale === false ? 0 : 1) + (bn.center === false ? 0 : 1));
  }

  private windowed(type: 'CONV_2D' | 'DEPTHWISE_CONV_2D', x: Tn, name: string, o: Omit<ConvOpts, 'filters'>, k: readonly [number, number],
    cout: number, wShape: readonly number[], wq: Quantization, wOp: string, depthMultiplier?: number): Tn {
    const [sh, sw] = pair(o.stride ?? 1);
    const [dh, dw] = pair(o.dilation ?? 1);
    const padding = o.padding ?? 'valid';
    const oh = windowOut(name, x.shape[1]!, k[0], sh, dh, padding);
    const ow = windowOut(name, x.shape[2]!, k[1], sw, dw, padding);
    const w = this.tensor(`${this.name}/${name}/${wOp}`, wShape, 'int8', wq, true);
    const biasName = o.bn ? `${this.name}/${o.bnName ?? `${name}_bn`}/FusedBatchNormV3` : `${this.name}/${name}/BiasAdd/ReadVariableOp`;
    const b = this.tensor(biasName, [cout], 'int32', Q.biasQuant(this.quantOf(x), wq), true);
    const act = o.act ?? 'linear';
    const fused = FUSABLE.has(act) ? act : 'linear';
    const fields: Record<string, unknown> = { padding: padding === 'same' ? 0 : 1, strideW: sw, strideH: sh };
    if (depthMultiplier !== undefined) fields['depthMultiplier'] = depthMultiplier;
    Object.assign(fields, { fusedActivationFunction: ACT_CODE[fused], dilationWFactor: dw, dilationHFactor: dh });
    if (depthMultiplier === undefined) fields['quantizedBiasType'] = 0;
    const y = this.op(type, [x.index, w, b], `${this.name}/${name}/${suffix(fused, 'BiasAdd')}`, [1, oh, ow, cout], Q.actQuant(fused),
      { type: depthMultiplier === undefined ? 'Conv2DOptions' : 'DepthwiseConv2DOptions', fields });
    return fused === act ? y : this.act(y, act, `${name}_act`);
  }

  private pool(type: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D', kind: string, tfName: string, x: Tn, o: PoolOpts): Tn {
    const layer = o.name ?? this.layerName(kind);
    const [ph, pw] = pair(o.pool);
    const [sh, sw] = pair(o.stride ?? o.pool);
    const padding = o.padding ?? 'valid';
    const shape = [1, windowOut(layer, x.shape[1]!, ph, sh, 1, padding), windowOut(layer, x.shape[2]!, pw, sw, 1, padding), x.shape[3]!];
    return this.op(type, [x.index], `${this.name}/${layer}/${tfName}`, shape, this.quantOf(x), {
      type: 'Pool2DOptions',
      fields: { padding: padding === 'same' ? 0 : 1, strideW: sw, strideH: sh, filterWidth: pw, filterHeight: ph, fusedActivationFunction: 0 },
    });
  }

  private addOp(a: Tn, b: number, act: Q.Act, base: string): Tn {
    const fused = FUSABLE.has(act) ? act : 'linear';
    const y = this.op('ADD', [a.index, b], `${base}/${suffix(fused, 'add')}`, a.shape, Q.actQuant(fused),
      { type: 'AddOptions', fields: { fusedActivationFunction: ACT_CODE[fused], potScaleInt16: true } });
    return fused === act ? y : this.act(y, act);
  }

  private layerName(kind: string): string {
    const n = this.layerCounts.get(kind) ?? 0;
    this.layerCounts.set(kind, n + 1);
    return n === 0 ? kind : `${kind}_${n}`;
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}${i}`;
    this.names.add(name);
    return name;
  }

  /** Structural int32 constants (axes, paddings, shapes) carry their values; the writer only invents weights. */
  private int32Const(name: string, shape: readonly number[], values: readonly number[]): number {
    const data = new Uint8Array(4 * values.length);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => view.setInt32(4 * i, v, true));
    const t = this.tensor(name, shape, 'int32', undefined, true);
    this.tensors[t] = { ...this.tensors[t]!, data };
    return t;
  }

  private tensor(name: string, shape: readonly number[], dtype: DType, quantization: Quantization | undefined, isConstant = false): number {
    this.tensors.push({ name: this.uniqueName(name), shape, dtype, isConstant, ...(quantization ? { quantization } : {}) });
    this.uses.push(0);
    this.rescaled.push(false);
    return this.tensors.length - 1;
  }

  private op(type: string, inputs: readonly number[], outName: string, shape: readonly number[], q: Quantization | undefined,
    options?: OpOptions, rescales = !SAME_SCALE.has(type), dtype: DType = 'int8'): Tn {
    const out = this.tensor(outName, shape, dtype, q);
    this.rescaled[out] = rescales;
    for (const i of inputs) this.uses[i]!++;
    const [builtinCode, version] = OPS[type]!;
    this.ops.push({ type, builtinCode, version, inputs: [...inputs], outputs: [out], ...(options ? { options } : {}) });
    return { index: out, shape };
  }

  private quantOf(x: Tn): Quantization {
    const q = this.tensors[x.index]!.quantization;
    if (!q) throw new Error(`tensor ${this.tensors[x.index]!.name} has no quantization`);
    return q;
  }

  /** An activation whose scale nothing depends on yet (produced by a rescaling op, not yet read): a concat may pick its quantization. */
  private isFree(t: number): boolean {
    return this.rescaled[t]! && this.uses[t] === 0;
  }
}

const suffix = (act: Q.Act, none: string): string =>
  ({ linear: none, relu: 'Relu', relu6: 'Relu6', tanh: 'Tanh', sigmoid: 'Sigmoid' }[act]);
