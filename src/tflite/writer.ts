import * as E from 'fp-ts/Either';
import * as flatbuffers from 'flatbuffers';
import { exportFailed, TpusegFailure, usage, type TpusegError } from '../errors';
import { dtypeToEnum } from '../graph/dtype';
import type { LayerGraph, Op, Quantization, Tensor } from '../graph/types';
import { count, MAX_TFLITE_BYTES } from '../limits';
import * as tfl from './index';
import { packOptions } from './options';
import { constantRole, seededConstant } from './weights';

/**
 * LayerGraph -> .tflite bytes that real TFLite accepts (rules in shared/docs/litert-node.md):
 * buffer 0 is the empty buffer and every non-constant tensor points at it; empty vectors
 * (Buffer.data, custom_options) are left out; buffer data is aligned to 16 bytes (flatc's
 * TypeScript ignores the schema's force_align); op codes carry both builtin_code and
 * deprecated_builtin_code = min(code, 127). Constants without `data` get seeded values
 * (src/tflite/weights.ts), so the same graph and seed always give the same bytes.
 */

export interface WriteOptions {
  /** Seed for generated constants (default 0). */
  readonly seed?: string | number;
}

const CUSTOM = tfl.BuiltinOperator.CUSTOM;

/** Writes the graph; throws TpusegFailure(ExportFailed) when it cannot be written (see tryWriteTflite). */
export function writeTflite(graph: LayerGraph, opts: WriteOptions = {}): Uint8Array {
  const seed = opts.seed ?? 0;
  // Checked before any weights are generated: past 2 GiB the FlatBuffer cannot address them.
  const planned = graph.tensors.reduce((s, t) => s + (t.isConstant && (t.data || t.consumers.length > 0) ? t.data?.length ?? t.bytes : 0), 0);
  if (planned > MAX_TFLITE_BYTES) {
    throw new TpusegFailure(usage(`${graph.name}: its constants take ${count(planned)} bytes; a .tflite file holds at most ${count(MAX_TFLITE_BYTES)} bytes (2 GiB)`));
  }
  const constants = constantBytes(graph, seed);
  const dataBytes = constants.reduce((s, c) => s + (c ? c.length + 32 : 0), 0);
  // Sized for the whole file up front: FlatBuffers doubles its buffer when it runs out, and cannot
  // double one past 1 GiB, so an estimate short of per-channel quantization or long names failed
  // files between 1 and 2 GiB with its raw "cannot grow buffer beyond 2 gigabytes".
  const size = dataBytes + tableBytes(graph) + 4096;
  if (size > MAX_TFLITE_BYTES) {
    throw new TpusegFailure(usage(`${graph.name}: as a .tflite file it takes about ${count(size)} bytes (constants and tables); a .tflite file holds at most ${count(MAX_TFLITE_BYTES)} bytes (2 GiB)`));
  }
  const b = new flatbuffers.Builder(Math.ceil(size / 16) * 16);

  // Buffer data first (the bulk of the file, at its end), then the small tables before it.
  const buffers: flatbuffers.Offset[] = [emptyBuffer(b)];
  const bufferOf = new Int32Array(graph.tensors.length);
  const shared = new Map<Uint8Array, number>();
  constants.forEach((data, t) => {
    if (!data || data.length === 0) return;
    const known = shared.get(data);
    if (known !== undefined) {
      bufferOf[t] = known;
      return;
    }
    b.prep(16, data.length);
    const vec = b.createByteVector(data);
    tfl.Buffer.startBuffer(b);
    tfl.Buffer.addData(b, vec);
    bufferOf[t] = buffers.push(tfl.Buffer.endBuffer(b)) - 1;
    shared.set(data, bufferOf[t]);
  });

  const tensors = graph.tensors.map((t) => packTensor(b, t, bufferOf[t.index]!));
  const codes = new OpCodes();
  const ops = graph.ops.map((op) => packOperator(b, op, codes.index(op)));
  const codeOffsets = codes.entries.map((c) => packOpCode(b, c));

  const subgraph = tfl.SubGraph.createSubGraph(
    b,
    tfl.SubGraph.createTensorsVector(b, tensors),
    tfl.SubGraph.createInputsVector(b, [...graph.inputs]),
    tfl.SubGraph.createOutputsVector(b, [...graph.outputs]),
    tfl.SubGraph.createOperatorsVector(b, ops),
    b.createString('main'),
    -1,
  );
  const description = b.createString(graph.description ?? `tpuseg: ${graph.name}`);
  const model = tfl.Model.createModel(
    b,
    3,
    tfl.Model.createOperatorCodesVector(b, codeOffsets),
    tfl.Model.createSubgraphsVector(b, [subgraph]),
    description,
    tfl.Model.createBuffersVector(b, buffers),
    0, 0, 0, 0, 0,
  );
  tfl.Model.finishModelBuffer(b, model);
  // A copy starting at offset 0, so typed-array views of the file are aligned.
  return b.asUint8Array().slice();
}

/** writeTflite with its failures as values. */
export function tryWriteTflite(graph: LayerGraph, opts: WriteOptions = {}): E.Either<TpusegError, Uint8Array> {
  try {
    return E.right(writeTflite(graph, opts));
  } catch (e) {
    if (e instanceof TpusegFailure) return E.left(e.error);
    throw e;
  }
}

/**
 * The bytes each constant tensor is written with (its own data, or seeded values); undefined for
 * the others. A constant without data that no op reads gets no buffer (nothing can tell what it
 * should hold), so it reads back as a non-constant tensor.
 */
function constantBytes(graph: LayerGraph, seed: string | number): (Uint8Array | undefined)[] {
  return graph.tensors.map((t) => {
    if (!t.isConstant) return t.data;
    if (t.data) return t.data;
    if (t.consumers.length === 0) return undefined;
    const made = seededConstant(t, constantRole(graph, t.index), seed);
    if (E.isLeft(made)) throw new TpusegFailure(made.left);
    return made.right;
  });
}

/** An upper bound of the bytes the tables take (tensors, quantization, operators, names), alignment included. */
function tableBytes(graph: LayerGraph): number {
  const vec = (n: number, width: number): number => 8 + n * width + 8;
  const str = (x: string): number => vec(Buffer.byteLength(x, 'utf8') + 1, 1);
  let total = 0;
  for (const t of graph.tensors) {
    total += 96 + vec(t.shape.length, 4) + str(t.name) + (t.shapeSignature ? vec(t.shapeSignature.length, 4) : 0);
    const q = t.quantization;
    if (q) total += 64 + vec(q.min?.length ?? 0, 4) + vec(q.max?.length ?? 0, 4) + vec(q.scale.length, 4) + vec(q.zeroPoint.length, 8);
  }
  for (const op of graph.ops) {
    total += 96 + vec(op.inputs.length, 4) + vec(op.outputs.length, 4) + 256 + vec(op.customOptions?.length ?? 0, 1) + vec(op.intermediates?.length ?? 0, 4) + str(op.customCode ?? op.type);
  }
  return total + str(graph.description ?? `tpuseg: ${graph.name}`) + 16 * graph.tensors.length;
}

function emptyBuffer(b: flatbuffers.Builder): flatbuffers.Offset {
  tfl.Buffer.startBuffer(b);
  return tfl.Buffer.endBuffer(b);
}

function packTensor(b: flatbuffers.Builder, t: Tensor, buffer: number): flatbuffers.Offset {
  const type = dtypeToEnum(t.dtype);
  if (type < 0) throw new TpusegFailure(exportFailed(`tensor ${t.index} "${t.name}": unknown dtype ${t.dtype}`));
  const shape = tfl.Tensor.createShapeVector(b, [...t.shape]);
  const name = b.createString(t.name);
  const quantization = t.quantization ? packQuantization(b, t.quantization) : 0;
  const signature = t.shapeSignature ? tfl.Tensor.createShapeSignatureVector(b, [...t.shapeSignature]) : 0;
  tfl.Tensor.startTensor(b);
  tfl.Tensor.addShape(b, shape);
  tfl.Tensor.addType(b, type);
  tfl.Tensor.addBuffer(b, buffer);
  tfl.Tensor.addName(b, name);
  if (quantization) tfl.Tensor.addQuantization(b, quantization);
  if (t.isVariable) tfl.Tensor.addIsVariable(b, true);
  if (signature) tfl.Tensor.addShapeSignature(b, signature);
  return tfl.Tensor.endTensor(b);
}

function packQuantization(b: flatbuffers.Builder, q: Quantization): flatbuffers.Offset {
  const Q = tfl.QuantizationParameters;
  const min = q.min && q.min.length ? Q.createMinVector(b, [...q.min]) : 0;
  const max = q.max && q.max.length ? Q.createMaxVector(b, [...q.max]) : 0;
  const scale = q.scale.length ? Q.createScaleVector(b, [...q.scale]) : 0;
  const zeroPoint = q.zeroPoint.length ? Q.createZeroPointVector(b, q.zeroPoint.map((z) => BigInt(z))) : 0;
  Q.startQuantizationParameters(b);
  if (min) Q.addMin(b, min);
  if (max) Q.addMax(b, max);
  if (scale) Q.addScale(b, scale);
  if (zeroPoint) Q.addZeroPoint(b, zeroPoint);
  Q.addQuantizedDimension(b, q.quantizedDimension);
  return Q.endQuantizationParameters(b);
}

function packOperator(b: flatbuffers.Builder, op: Op, opcodeIndex: number): flatbuffers.Offset {
  const O = tfl.Operator;
  const where = `op ${op.index} (${op.type})`;
  const inputs = O.createInputsVector(b, [...op.inputs]);
  const outputs = O.createOutputsVector(b, [...op.outputs]);
  const options = op.options ? packOptions(b, op.options, where) : undefined;
  const custom = op.customOptions && op.customOptions.length ? O.createCustomOptionsVector(b, op.customOptions) : 0;
  const intermediates = op.intermediates && op.intermediates.length ? O.createIntermediatesVector(b, [...op.intermediates]) : 0;
  O.startOperator(b);
  O.addOpcodeIndex(b, opcodeIndex);
  O.addInputs(b, inputs);
  O.addOutputs(b, outputs);
  if (options?.slot === 1) {
    O.addBuiltinOptionsType(b, options.type);
    O.addBuiltinOptions(b, options.offset);
  } else if (options?.slot === 2) {
    O.addBuiltinOptions2Type(b, options.type);
    O.addBuiltinOptions2(b, options.offset);
  }
  if (custom) O.addCustomOptions(b, custom);
  if (intermediates) O.addIntermediates(b, intermediates);
  return O.endOperator(b);
}

interface OpCode {
  readonly code: number;
  readonly custom?: string;
  readonly version: number;
}

/** Distinct (code, custom code, version) triples in first-use order. */
class OpCodes {
  readonly entries: OpCode[] = [];
  private readonly byKey = new Map<string, number>();

  index(op: Op): number {
    const code = op.customCode !== undefined ? CUSTOM : op.builtinCode;
    const custom = code === CUSTOM ? (op.customCode ?? op.type) : undefined;
    const key = `${code}/${custom ?? ''}/${op.version}`;
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.entries.push({ code, version: op.version, ...(custom !== undefined ? { custom } : {}) }) - 1;
      this.byKey.set(key, i);
    }
    return i;
  }
}

function packOpCode(b: flatbuffers.Builder, c: OpCode): flatbuffers.Offset {
  const custom = c.custom !== undefined ? b.createString(c.custom) : 0;
  return tfl.OperatorCode.createOperatorCode(b, Math.min(c.code, 127), custom, c.version, c.code);
}
