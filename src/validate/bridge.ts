import { buildGraph } from '../graph/build';
import type { LayerGraph, OpSpec, Quantization, Tensor, TensorSpec } from '../graph/types';
import { opSpec, tensorSpec } from '../export/extract';

/**
 * Validation-only rewrites that let LiteRT.js (which feeds and reads only float32, int32 and
 * uint8 graph ports) run models whose ports are int8: an int8 input is fed through a float32
 * port and a QUANTIZE, an int8 output is read through a DEQUANTIZE to a float32 port, both with
 * the tensor's own scale and zero point. Exactness of that round trip is not assumed: the
 * `bridgeCheckModel` below lets the validator run every int8 value through the same kernels.
 */

export const QUANTIZE = { type: 'QUANTIZE', builtinCode: 114, version: 2 } as const;
export const DEQUANTIZE = { type: 'DEQUANTIZE', builtinCode: 6, version: 2 } as const;

/** Scale and zero point of a per-tensor quantized int8 tensor; undefined when it has no single pair. */
export function int8Params(t: Tensor | TensorSpec): { scale: number; zeroPoint: number } | undefined {
  const q = t.quantization;
  if (t.dtype !== 'int8' || !q || q.scale.length !== 1 || q.zeroPoint.length !== 1 || !(q.scale[0]! > 0)) return undefined;
  return { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0]! };
}

export interface BridgedGraph {
  readonly graph: LayerGraph;
  /** Per port (in the original order): true when it is bridged through float32. */
  readonly bridgedInputs: readonly boolean[];
  readonly bridgedOutputs: readonly boolean[];
  /** Distinct (scale, zero point) pairs used by the bridges. */
  readonly params: readonly { scale: number; zeroPoint: number }[];
}

const perTensor = (scale: number, zeroPoint: number): Quantization => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

/** Wraps every bridgeable int8 port of `graph`; ports keep their order (names of bridged ports get a suffix). */
export function bridgeInt8Ports(graph: LayerGraph): BridgedGraph {
  const tensors: TensorSpec[] = graph.tensors.map(tensorSpec);
  const pre: OpSpec[] = [];
  const post: OpSpec[] = [];
  const params = new Map<string, { scale: number; zeroPoint: number }>();
  const addFloat = (t: Tensor, suffix: string): number =>
    tensors.push({ name: `${t.name}${suffix}`, shape: t.shape, dtype: 'float32', isConstant: false }) - 1;

  const bridgedInputs = graph.inputs.map((i) => int8Params(graph.tensors[i]!) !== undefined);
  const inputs = graph.inputs.map((i, k) => {
    if (!bridgedInputs[k]) return i;
    const p = int8Params(graph.tensors[i]!)!;
    params.set(`${p.scale}/${p.zeroPoint}`, p);
    const f = addFloat(graph.tensors[i]!, '/tpuseg_float_in');
    pre.push({ ...QUANTIZE, inputs: [f], outputs: [i] });
    return f;
  });
  const bridgedOutputs = graph.outputs.map((o) => int8Params(graph.tensors[o]!) !== undefined);
  const outputs = graph.outputs.map((o, k) => {
    if (!bridgedOutputs[k]) return o;
    const p = int8Params(graph.tensors[o]!)!;
    params.set(`${p.scale}/${p.zeroPoint}`, p);
    const f = addFloat(graph.tensors[o]!, '/tpuseg_float_out');
    post.push({ ...DEQUANTIZE, inputs: [o], outputs: [f] });
    return f;
  });

  return {
    graph: buildGraph({
      name: graph.name,
      source: `${graph.source} (int8 ports bridged for validation)`,
      tensors,
      ops: [...pre, ...graph.ops.map((op) => opSpec(op)), ...post],
      inputs,
      outputs,
    }),
    bridgedInputs,
    bridgedOutputs,
    params: [...params.values()],
  };
}

/**
 * uint8[256] (zero point z+128) -> QUANTIZE -> int8 (z) -> DEQUANTIZE -> float32 `f` -> QUANTIZE
 * -> int8 -> QUANTIZE -> uint8 `out`, all at scale s. Fed 0..255, a bridge is exact when `out`
 * gives back 0..255 and `f` holds float32(s * (q - z)) for every int8 q: every int8 value then
 * survives the DEQUANTIZE/QUANTIZE pair the bridges use. (uint8 <-> int8 at equal scales is a shift by 128.)
 */
export function bridgeCheckModel(scale: number, zeroPoint: number): LayerGraph {
  const u8 = perTensor(scale, zeroPoint + 128);
  const i8 = perTensor(scale, zeroPoint);
  const shape = [256];
  return buildGraph({
    name: 'int8_bridge_check',
    source: `bridge check s=${scale} z=${zeroPoint}`,
    tensors: [
      { name: 'in', shape, dtype: 'uint8', isConstant: false, quantization: u8 },
      { name: 'q', shape, dtype: 'int8', isConstant: false, quantization: i8 },
      { name: 'f', shape, dtype: 'float32', isConstant: false },
      { name: 'q2', shape, dtype: 'int8', isConstant: false, quantization: i8 },
      { name: 'out', shape, dtype: 'uint8', isConstant: false, quantization: u8 },
    ],
    ops: [
      { ...QUANTIZE, inputs: [0], outputs: [1] },
      { ...DEQUANTIZE, inputs: [1], outputs: [2] },
      { ...QUANTIZE, inputs: [2], outputs: [3] },
      { ...QUANTIZE, inputs: [3], outputs: [4] },
    ],
    inputs: [0],
    outputs: [2, 4],
  });
}

/** What the bridge check must give back for input 0..255: float32(s * (q - z)) with q = u - 128, and 0..255. */
export function bridgeCheckExpected(scale: number, zeroPoint: number): { f: Float32Array; out: Uint8Array } {
  const s = Math.fround(scale);
  const f = Float32Array.from({ length: 256 }, (_, u) => s * (u - 128 - zeroPoint));
  return { f, out: Uint8Array.from({ length: 256 }, (_, u) => u) };
}

/** The float32 an int8 value travels as across a bridge. */
export const dequantized = (q: number, p: { scale: number; zeroPoint: number }): number => Math.fround(Math.fround(p.scale) * (q - p.zeroPoint));
