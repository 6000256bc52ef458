import type { LayerGraph, Op, Tensor } from '../src/graph/types';

/**
 * Where the Edge TPU compiler puts each op: on the TPU or left to the host CPU.
 *
 * Which ops map (Coral, "TensorFlow models on the Edge TPU": model requirements and the table of
 * supported operations with their known limitations):
 * - the op type is in the supported table (HARD_SWISH is our addition: compiler v16 maps it in the
 *   EfficientNet-Lite / MobileNetV3 models Coral ships compiled);
 * - every activation it reads or writes is 8-bit quantized (int8 or uint8): a float QUANTIZE at a
 *   model's input, a DEQUANTIZE at its output, int32 index arithmetic and unquantized models stay
 *   on the CPU;
 * - shapes are static, and a tensor of more than 3 dimensions has size 1 outside its 3 innermost;
 * - per-op limits of the table: no fused activation on pooling and concatenation; conv and
 *   depthwise conv with the same dilation along x and y; a fully-connected output of one dimension
 *   (beyond the batch); softmax over a 1-D input of at most 16,000 elements; strided slices with
 *   all strides 1; no reduction, split or pack along the batch axis;
 * - resize ops "may not map, depending on input/output size, to avoid loss in precision". Our
 *   reading, checked against the compiled twins in ../shared/models: each spatial output size
 *   is an integer multiple of the input size (align_corners false), or out - 1 an integer multiple
 *   of in - 1 with in > 1 (align_corners true). DeepLab v3's 1x1 -> 33x33 align-corners resize
 *   fails it, and its compiled twin leaves exactly that op and what follows on the CPU.
 *
 * How much of a model maps: the compiler makes one TPU subgraph per compiled model ("Number of
 * Edge TPU subgraphs: 1"; "more than one subgraph is not supported"): once an unsupported op runs
 * after TPU work, it and everything that depends on it stay on the CPU, even ops the TPU supports.
 * In a DAG, branches that do not depend on such an op still map (MoveNet's compiled twin keeps
 * ops after its first ARG_MAX in file order on the TPU). Unsupported ops with no TPU work before
 * them (a float input's QUANTIZE) run on the CPU ahead of the TPU subgraph.
 *
 * For a segment [a, b) compiled on its own, ancestry only counts inside the segment, so cutting
 * after a blocking op maps the ops behind it again. With the precomputed `tail[i]` below, op i of
 * segment [a, b) runs on the TPU exactly when it is mappable and tail[i] < a: O(1) per op.
 */

export type PlacementKind = 'tpu' | 'cpu';

const SUPPORTED: ReadonlySet<string> = new Set([
  'ADD', 'AVERAGE_POOL_2D', 'CONCATENATION', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'EXPAND_DIMS',
  'FULLY_CONNECTED', 'L2_NORMALIZATION', 'LOGISTIC', 'LSTM', 'UNIDIRECTIONAL_SEQUENCE_LSTM',
  'MAXIMUM', 'MAX_POOL_2D', 'MEAN', 'MINIMUM', 'MUL', 'PACK', 'PAD', 'PRELU', 'QUANTIZE',
  'REDUCE_MAX', 'REDUCE_MIN', 'RELU', 'RELU6', 'RELU_N1_TO_1', 'RESHAPE', 'RESIZE_BILINEAR',
  'RESIZE_NEAREST_NEIGHBOR', 'RSQRT', 'SLICE', 'SOFTMAX', 'SPACE_TO_DEPTH', 'SPLIT', 'SQUEEZE',
  'STRIDED_SLICE', 'SUB', 'SUM', 'SQUARED_DIFFERENCE', 'TANH', 'TRANSPOSE', 'TRANSPOSE_CONV',
  'HARD_SWISH',
]);

const EIGHT_BIT: ReadonlySet<string> = new Set(['int8', 'uint8']);
const NO_FUSED_ACTIVATION: ReadonlySet<string> = new Set(['AVERAGE_POOL_2D', 'MAX_POOL_2D', 'CONCATENATION']);
const BATCH_AXIS_OPS: ReadonlySet<string> = new Set(['MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN']);

const field = (op: Op, name: string): unknown => op.options?.fields[name];
const tensorAt = (g: LayerGraph, t: number | undefined): Tensor | undefined => (t === undefined || t < 0 ? undefined : g.tensors[t]);

/** Integer contents of a small constant tensor (int32 or int64 little-endian), when the file gave them. */
function constInts(g: LayerGraph, t: number | undefined): number[] | undefined {
  const tensor = tensorAt(g, t);
  if (!tensor?.isConstant || !tensor.data) return undefined;
  const width = tensor.dtype === 'int32' ? 4 : tensor.dtype === 'int64' ? 8 : 0;
  if (width === 0 || tensor.data.byteLength % width !== 0) return undefined;
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out: number[] = [];
  for (let o = 0; o < tensor.data.byteLength; o += width) out.push(width === 4 ? view.getInt32(o, true) : Number(view.getBigInt64(o, true)));
  return out;
}

const activations = (g: LayerGraph, op: Op): Tensor[] =>
  [...op.inputs, ...op.outputs].map((t) => tensorAt(g, t)).filter((t): t is Tensor => t !== undefined && !t.isConstant);

/** Axis index normalised for a tensor of `rank` dimensions. */
const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function resizeMaps(g: LayerGraph, op: Op): boolean {
  const inp = tensorAt(g, op.inputs[0])?.shape;
  const out = tensorAt(g, op.outputs[0])?.shape;
  if (!inp || !out || inp.length !== 4 || out.length !== 4) return false;
  const alignCorners = field(op, 'alignCorners') === true;
  for (const d of [1, 2]) {
    const i = inp[d]!;
    const o = out[d]!;
    if (alignCorners ? !(i > 1 && (o - 1) % (i - 1) === 0) : o % i !== 0) return false;
  }
  return true;
}

/**
 * Why the compiler leaves `op` on the CPU, or undefined when it can map it (before the rule of
 * one subgraph per model, which `placementFacts` applies).
 */
export function unmappableReason(g: LayerGraph, op: Op): string | undefined {
  if (!SUPPORTED.has(op.type)) return `${op.type} is not an Edge TPU op`;
  const acts = activations(g, op);
  const wide = acts.find((t) => !EIGHT_BIT.has(t.dtype));
  if (wide) return `${op.type} has a ${wide.dtype} activation (the Edge TPU computes 8-bit quantized tensors only)`;
  if (acts.some((t) => (t.shapeSignature ?? t.shape).some((d) => d < 0))) return `${op.type} has a dynamic shape`;
  if (acts.some((t) => t.shape.length > 4 || t.shape.slice(0, Math.max(0, t.shape.length - 3)).some((d) => d !== 1))) {
    return `${op.type} has a tensor with more than 3 dimensions of size > 1`;
  }
  const fused = field(op, 'fusedActivationFunction');
  if (NO_FUSED_ACTIVATION.has(op.type) && typeof fused === 'number' && fused !== 0) return `${op.type} with a fused activation`;
  switch (op.type) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const dw = field(op, 'dilationWFactor');
      const dh = field(op, 'dilationHFactor');
      if (typeof dw === 'number' && typeof dh === 'number' && dw !== dh) return `${op.type} with different dilations along x and y`;
      break;
    }
    case 'FULLY_CONNECTED': {
      const out = tensorAt(g, op.outputs[0])?.shape ?? [];
      if (out.slice(0, -1).some((d) => d !== 1)) return 'FULLY_CONNECTED with an output of more than one dimension';
      break;
    }
    case 'SOFTMAX': {
      const inp = tensorAt(g, op.inputs[0])?.shape ?? [];
      const elements = inp.reduce((s, d) => s * d, 1);
      if (inp.slice(0, -1).some((d) => d !== 1) || elements > 16_000) return 'SOFTMAX over more than a 1-D input of 16,000 elements';
      break;
    }
    case 'STRIDED_SLICE': {
      const strides = constInts(g, op.inputs[3]);
      if (strides && strides.some((s) => s !== 1)) return 'STRIDED_SLICE with a stride other than 1';
      if ((field(op, 'ellipsisMask') ?? 0) !== 0 || (field(op, 'newAxisMask') ?? 0) !== 0) return 'STRIDED_SLICE with an ellipsis or new-axis mask';
      break;
    }
    case 'RESIZE_BILINEAR':
    case 'RESIZE_NEAREST_NEIGHBOR':
      if (!resizeMaps(g, op)) return `${op.type} whose output size is not an exact multiple of its input size (precision)`;
      break;
    case 'SPLIT':
    case 'PACK': {
      const rank = (tensorAt(g, op.type === 'SPLIT' ? op.inputs[1] : op.outputs[0])?.shape ?? []).length;
      const axis = op.type === 'SPLIT' ? constInts(g, op.inputs[0])?.[0] : field(op, 'axis');
      if (typeof axis === 'number' && rank > 1 && axisOf(axis, rank) === 0) return `${op.type} along the batch axis`;
      break;
    }
    default:
      if (BATCH_AXIS_OPS.has(op.type)) {
        const rank = (tensorAt(g, op.inputs[0])?.shape ?? []).length;
        const axes = constInts(g, op.inputs[1]);
        if (axes && rank > 1 && axes.some((x) => axisOf(x, rank) === 0)) return `${op.type} over the batch axis`;
      }
  }
  return undefined;
}

/** Per-op placement facts of a graph, independent of where it is cut. */
export interface PlacementFacts {
  /** 1 when the op itself can map to the TPU. */
  readonly mappable: Uint8Array;
  readonly reasons: readonly (string | undefined)[];
  /**
   * tail[i]: the latest start a for which op i stays on the CPU although mappable, -1 if none.
   * It is the largest index of a mappable op from which some unmappable op u is reached with u
   * an ancestor of i (or i itself): within a segment starting at a <= tail[i], TPU work runs
   * before u and u before i, so i falls after the TPU subgraph.
   */
  readonly tail: Int32Array;
}

const cache = new WeakMap<LayerGraph, PlacementFacts>();

export function placementFacts(g: LayerGraph): PlacementFacts {
  const hit = cache.get(g);
  if (hit) return hit;
  const n = g.ops.length;
  const reasons = g.ops.map((op) => unmappableReason(g, op));
  const mappable = Uint8Array.from(reasons, (r) => (r === undefined ? 1 : 0));
  // lastMappable[i]: the largest mappable ancestor-or-self of op i (-1 if none).
  const lastMappable = new Int32Array(n).fill(-1);
  const tail = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let anc = -1;
    let t = -1;
    for (const input of g.ops[i]!.inputs) {
      const p = tensorAt(g, input)?.producer ?? -1;
      if (p < 0 || p >= i) continue;
      if (lastMappable[p]! > anc) anc = lastMappable[p]!;
      if (tail[p]! > t) t = tail[p]!;
    }
    // An unmappable op with a mappable ancestor at index m ends the TPU subgraph of every start <= m.
    if (!mappable[i] && anc > t) t = anc;
    tail[i] = t;
    lastMappable[i] = mappable[i] ? i : anc;
  }
  const facts = { mappable, reasons, tail };
  cache.set(g, facts);
  return facts;
}

/** Placement of every op of segment [a, b) compiled on its own (a = 0, b = n: the whole model). */
export function segmentPlacement(g: LayerGraph, a = 0, b = g.ops.length): PlacementKind[] {
  const f = placementFacts(g);
  const out: PlacementKind[] = [];
  for (let i = a; i < b; i++) out.push(f.mappable[i] && f.tail[i]! < a ? 'tpu' : 'cpu');
  return out;
}

/** Why op i of a segment starting at a runs on the CPU (undefined when it maps). */
export function cpuReason(g: LayerGraph, a: number, i: number): string | undefined {
  const f = placementFacts(g);
  if (!f.mappable[i]) return f.reasons[i];
  if (f.tail[i]! >= a) return 'after an op the TPU cannot run, in the same compiled segment (one TPU subgraph per model)';
  return undefined;
}
