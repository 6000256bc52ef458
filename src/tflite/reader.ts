import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { modelUnreadable, schemaMismatch, TpusegFailure, type TpusegError } from '../errors';
import { buildGraph } from '../graph/build';
import { dtypeFromEnum } from '../graph/dtype';
import type { GraphSpec, LayerGraph, OpSpec, Quantization, TensorSpec } from '../graph/types';
import { CheckedByteBuffer, FlatbufferDefect } from './checked-buffer';
import { BuiltinOperator, Model, Operator, QuantizationParameters, Tensor, type SubGraph } from './index';
import { readOptions } from './read-options';

/** TFLite's schema version; older versions lay out operator codes differently. */
const SCHEMA_VERSION = 3;
/** Higher ranks only come from corrupt files; refusing them keeps shape reads small. */
const MAX_RANK = 16;

/** Where in the file the reader is, for error messages. */
interface Cursor {
  where: string;
}

/**
 * Reads a single-subgraph TFLite flatbuffer into a LayerGraph. Pure: `bytes` is the file's
 * content, `file` only names it in errors and in the graph. Constant tensors keep `data` as a
 * view into `bytes`. A file that is not TFLite, is truncated, or holds offsets, lengths or
 * indices out of range is ModelUnreadable (one line: what and where); a well-formed file this
 * reader cannot represent (several subgraphs, unknown enum values) is SchemaMismatch.
 */
export function readTflite(bytes: Uint8Array, file: string): E.Either<TpusegError, LayerGraph> {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== 'TFL3') {
    return E.left(modelUnreadable(file, `not a TFLite file (no TFL3 identifier; ${bytes.length} bytes)`));
  }
  const cursor: Cursor = { where: 'the model header' };
  try {
    return E.right(buildGraph(decode(bytes, file, cursor)));
  } catch (e) {
    if (e instanceof TpusegFailure) return E.left(e.error);
    if (e instanceof FlatbufferDefect) return E.left(modelUnreadable(file, `${e.message} (reading ${cursor.where})`));
    const err = e instanceof Error ? e : new Error(String(e));
    const line = err.message.split('\n')[0];
    return E.left(modelUnreadable(file, `unexpected ${err.name} reading ${cursor.where}: ${line}`));
  }
}

function decode(bytes: Uint8Array, file: string, cursor: Cursor): GraphSpec {
  const unreadable = (what: string): TpusegFailure => new TpusegFailure(modelUnreadable(file, what));
  const mismatch = (what: string): TpusegFailure => new TpusegFailure(schemaMismatch(file, what));
  // Real models need under one read per metadata byte and none per weight byte.
  const bb = new CheckedByteBuffer(bytes, 65_536 + 8 * bytes.length);
  const model = Model.getRootAsModel(bb);

  const version = model.version();
  if (version !== SCHEMA_VERSION) throw mismatch(`schema version ${version} (tpuseg reads version ${SCHEMA_VERSION})`);
  const subgraphs = model.subgraphsLength();
  if (subgraphs !== 1) throw mismatch(`the model has ${subgraphs} subgraphs; tpuseg reads single-subgraph models only`);

  cursor.where = 'the operator codes';
  const codes = readOperatorCodes(model);

  cursor.where = 'subgraph 0';
  const sub = model.subgraphs(0) as SubGraph;
  const nTensors = sub.tensorsLength();
  const nBuffers = model.buffersLength();
  const bufferData = new Map<number, Uint8Array | undefined>();
  const constantData = (b: number, t: number): Uint8Array | undefined => {
    if (b >= nBuffers) throw unreadable(`tensor ${t} refers to buffer ${b} of ${nBuffers}`);
    if (!bufferData.has(b)) bufferData.set(b, readBuffer(model, b, bytes, unreadable));
    return bufferData.get(b);
  };

  const tensors: TensorSpec[] = [];
  const ft = new Tensor();
  for (let t = 0; t < nTensors; t++) {
    cursor.where = `tensor ${t} of ${nTensors}`;
    sub.tensors(t, ft);
    tensors.push(readTensor(ft, t, constantData(ft.buffer(), t), unreadable, mismatch));
  }

  const checkTensor = (x: number, what: string, optional: boolean): number => {
    if (!(x < nTensors && (x >= 0 || (optional && x === -1)))) throw unreadable(`${what} refers to tensor ${x} of ${nTensors}`);
    return x;
  };
  const producedBy = new Int32Array(nTensors).fill(-1);
  const nOps = sub.operatorsLength();
  const ops: OpSpec[] = [];
  const fo = new Operator();
  for (let i = 0; i < nOps; i++) {
    const where = `operator ${i} of ${nOps}`;
    cursor.where = where;
    sub.operators(i, fo);
    const codeIndex = fo.opcodeIndex();
    const code = codes[codeIndex];
    if (code === undefined) throw unreadable(`operator ${i} refers to operator code ${codeIndex} of ${codes.length}`);
    if (code.type === undefined) throw mismatch(`operator ${i} has unknown builtin operator code ${code.builtinCode}`);
    const inputs = readInts(fo.inputsLength(), (k) => checkTensor(fo.inputs(k)!, `operator ${i} input ${k}`, true));
    const outputs = readInts(fo.outputsLength(), (k) => checkTensor(fo.outputs(k)!, `operator ${i} output ${k}`, false));
    for (const o of outputs) {
      if (tensors[o]!.isConstant) throw unreadable(`operator ${i} writes tensor ${o}, which holds constant data`);
      if (producedBy[o]! >= 0 && producedBy[o] !== i) {
        throw unreadable(`tensor ${o} is written by both operator ${producedBy[o]} and operator ${i}`);
      }
      producedBy[o] = i;
    }
    const intermediates = readInts(fo.intermediatesLength(), (k) => checkTensor(fo.intermediates(k)!, `operator ${i} intermediate ${k}`, false));
    const options = readOptions(fo, file, where);
    const customOptions = readCustomOptions(fo, bytes, where, unreadable);
    ops.push({
      type: code.type,
      builtinCode: code.builtinCode,
      ...(code.customCode !== undefined ? { customCode: code.customCode } : {}),
      version: code.version,
      inputs,
      outputs,
      ...(intermediates.length > 0 ? { intermediates } : {}),
      ...(options ? { options } : {}),
      ...(customOptions ? { customOptions } : {}),
    });
  }

  cursor.where = 'the subgraph inputs and outputs';
  const inputs = readInts(sub.inputsLength(), (k) => checkTensor(sub.inputs(k)!, `model input ${k}`, false));
  const outputs = readInts(sub.outputsLength(), (k) => checkTensor(sub.outputs(k)!, `model output ${k}`, false));
  const description = model.description();
  return {
    name: path.basename(file).replace(/\.tflite$/i, ''),
    source: file,
    tensors,
    ops,
    inputs,
    outputs,
    ...(description ? { description } : {}),
  };
}

interface Code {
  /** Builtin operator name or custom code; undefined for a builtin code this schema does not know. */
  readonly type: string | undefined;
  readonly builtinCode: number;
  readonly customCode?: string;
  readonly version: number;
}

function readOperatorCodes(model: Model): Code[] {
  const n = model.operatorCodesLength();
  const codes: Code[] = [];
  for (let i = 0; i < n; i++) {
    const oc = model.operatorCodes(i)!;
    const builtinCode = Math.max(oc.builtinCode(), oc.deprecatedBuiltinCode());
    const version = oc.version();
    if (builtinCode === BuiltinOperator.CUSTOM) {
      const customCode = oc.customCode() ?? '';
      codes.push({ type: customCode === '' ? 'CUSTOM' : customCode, builtinCode, customCode, version });
    } else {
      codes.push({ type: BuiltinOperator[builtinCode], builtinCode, version });
    }
  }
  return codes;
}

/** Constant bytes of a buffer: inline `data`, or the external `offset`/`size` range of the file (offset > 1). */
function readBuffer(model: Model, b: number, bytes: Uint8Array, unreadable: (what: string) => TpusegFailure): Uint8Array | undefined {
  const buffer = model.buffers(b)!;
  if (buffer.dataLength() > 0) return buffer.dataArray()!;
  const offset = buffer.offset();
  const size = buffer.size();
  if (offset <= 1n || size === 0n) return undefined;
  if (offset + size > BigInt(bytes.length)) {
    throw unreadable(`buffer ${b} points at bytes ${offset}..${offset + size} beyond the end of the ${bytes.length}-byte file`);
  }
  return bytes.subarray(Number(offset), Number(offset + size));
}

function readTensor(
  ft: Tensor,
  t: number,
  data: Uint8Array | undefined,
  unreadable: (what: string) => TpusegFailure,
  mismatch: (what: string) => TpusegFailure,
): TensorSpec {
  const dtype = dtypeFromEnum(ft.type());
  if (dtype === undefined) throw mismatch(`tensor ${t} has unknown element type ${ft.type()}`);
  const rank = ft.shapeLength();
  if (rank > MAX_RANK) throw unreadable(`tensor ${t} claims rank ${rank} (at most ${MAX_RANK} accepted)`);
  const shape = readInts(rank, (k) => ft.shape(k)!);
  let elements = 1;
  for (const d of shape) {
    if (d < 0) throw unreadable(`tensor ${t} has negative dimension in shape [${shape.join(', ')}]`);
    elements *= d;
  }
  if (!Number.isSafeInteger(elements * 16)) throw unreadable(`tensor ${t} has shape [${shape.join(', ')}], too many elements`);
  const sigRank = ft.shapeSignatureLength();
  if (sigRank > MAX_RANK) throw unreadable(`tensor ${t} claims a shape signature of rank ${sigRank}`);
  const shapeSignature = readInts(sigRank, (k) => ft.shapeSignature(k)!);
  const quantization = readQuantization(ft.quantization(new QuantizationParameters()), Math.max(1, elements), t, unreadable);
  return {
    name: ft.name() ?? '',
    shape,
    ...(sigRank > 0 ? { shapeSignature } : {}),
    dtype,
    ...(quantization ? { quantization } : {}),
    isConstant: data !== undefined,
    ...(ft.isVariable() ? { isVariable: true } : {}),
    ...(data !== undefined ? { data } : {}),
  };
}

/** Quantization parameters; at most one scale (zero point, min, max) per element of the tensor. */
function readQuantization(
  q: QuantizationParameters | null,
  limit: number,
  t: number,
  unreadable: (what: string) => TpusegFailure,
): Quantization | undefined {
  if (q === null) return undefined;
  const counts = [q.scaleLength(), q.zeroPointLength(), q.minLength(), q.maxLength()];
  if (counts.some((c) => c > limit)) {
    throw unreadable(`tensor ${t} has ${Math.max(...counts)} quantization parameters for ${limit} elements`);
  }
  const scale = readInts(q.scaleLength(), (k) => q.scale(k)!);
  const zeroPoint = readInts(q.zeroPointLength(), (k) => Number(q.zeroPoint(k)!));
  const min = readInts(q.minLength(), (k) => q.min(k)!);
  const max = readInts(q.maxLength(), (k) => q.max(k)!);
  if (scale.length + zeroPoint.length + min.length + max.length === 0) return undefined;
  return {
    scale,
    zeroPoint,
    quantizedDimension: q.quantizedDimension(),
    ...(min.length > 0 ? { min } : {}),
    ...(max.length > 0 ? { max } : {}),
  };
}

function readCustomOptions(
  fo: Operator,
  bytes: Uint8Array,
  where: string,
  unreadable: (what: string) => TpusegFailure,
): Uint8Array | undefined {
  if (fo.customOptionsLength() > 0) return fo.customOptionsArray()!;
  const offset = fo.largeCustomOptionsOffset();
  const size = fo.largeCustomOptionsSize();
  if (offset <= 1n || size === 0n) return undefined;
  if (offset + size > BigInt(bytes.length)) {
    throw unreadable(`${where} has custom options at bytes ${offset}..${offset + size} beyond the end of the ${bytes.length}-byte file`);
  }
  return bytes.subarray(Number(offset), Number(offset + size));
}

/** Reads `n` values (n already bounded by the checked buffer); each read is bounds-checked. */
function readInts(n: number, at: (k: number) => number): number[] {
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = at(k);
  return out;
}
