import { buildGraph } from '../../src/graph/build';
import type { DType, LayerGraph, OpSpec, TensorSpec } from '../../src/graph/types';

/** Hand-built graphs for cost-model tests: chains of layers whose sizes are easy to check by hand. */

export type LayerSpec =
  | { readonly kind: 'fc'; readonly units: number }
  | { readonly kind: 'conv'; readonly filters: number; readonly k?: number }
  | { readonly kind: 'dw'; readonly k?: number }
  | { readonly kind: 'relu' }
  | { readonly kind: 'cpu'; readonly type: string };

export interface ChainOptions {
  /** Input shape without the batch axis: [features] for fc chains, [h, w, c] for conv chains. */
  readonly input: readonly number[];
  /** Float input and output: adds a QUANTIZE op first and a DEQUANTIZE op last (host-side ops). */
  readonly floatEdges?: boolean;
  readonly name?: string;
}

export function chain(layers: readonly LayerSpec[], opts: ChainOptions): LayerGraph {
  const tensors: TensorSpec[] = [];
  const ops: OpSpec[] = [];
  const q = { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 };
  const tensor = (name: string, shape: readonly number[], dtype: DType, isConstant: boolean): number => {
    tensors.push({ name, shape, dtype, isConstant, ...(dtype === 'float32' ? {} : { quantization: q }) });
    return tensors.length - 1;
  };
  const op = (type: string, inputs: number[], outputs: number[]): void => {
    ops.push({ type, builtinCode: 0, version: 1, inputs, outputs });
  };
  let shape = [1, ...opts.input];
  const input = tensor('input', shape, opts.floatEdges ? 'float32' : 'int8', false);
  let x = input;
  if (opts.floatEdges) {
    const y = tensor('quantized', shape, 'int8', false);
    op('QUANTIZE', [x], [y]);
    x = y;
  }
  layers.forEach((l, i) => {
    const last = shape[shape.length - 1]!;
    switch (l.kind) {
      case 'fc': {
        const w = tensor(`fc${i}/w`, [l.units, last], 'int8', true);
        const b = tensor(`fc${i}/b`, [l.units], 'int32', true);
        shape = [1, l.units];
        const y = tensor(`fc${i}`, shape, 'int8', false);
        op('FULLY_CONNECTED', [x, w, b], [y]);
        x = y;
        break;
      }
      case 'conv': {
        const k = l.k ?? 3;
        const w = tensor(`conv${i}/w`, [l.filters, k, k, last], 'int8', true);
        const b = tensor(`conv${i}/b`, [l.filters], 'int32', true);
        shape = [...shape.slice(0, -1), l.filters];
        const y = tensor(`conv${i}`, shape, 'int8', false);
        op('CONV_2D', [x, w, b], [y]);
        x = y;
        break;
      }
      case 'dw': {
        const k = l.k ?? 3;
        const w = tensor(`dw${i}/w`, [1, k, k, last], 'int8', true);
        const b = tensor(`dw${i}/b`, [last], 'int32', true);
        const y = tensor(`dw${i}`, shape, 'int8', false);
        op('DEPTHWISE_CONV_2D', [x, w, b], [y]);
        x = y;
        break;
      }
      case 'relu':
      case 'cpu': {
        const y = tensor(`act${i}`, shape, 'int8', false);
        op(l.kind === 'relu' ? 'RELU' : l.type, [x], [y]);
        x = y;
        break;
      }
    }
  });
  if (opts.floatEdges) {
    const y = tensor('output', shape, 'float32', false);
    op('DEQUANTIZE', [x], [y]);
    x = y;
  }
  const name = opts.name ?? 'chain';
  return buildGraph({ name, source: `test:${name}`, tensors, ops, inputs: [input], outputs: [x] });
}
