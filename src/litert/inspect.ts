import * as E from 'fp-ts/Either';
import * as flatbuffers from 'flatbuffers';
import { modelUnreadable, type TpusegError } from '../errors';
import { dtypeFromEnum } from '../graph/dtype';
import type { DType } from '../graph/types';
import * as tfl from '../tflite';

/**
 * What LiteRT.js will make of a .tflite file, read straight from its bytes without running it:
 * the graph inputs and outputs, the custom ops, and the reasons (if any) it cannot run the file
 * here. Pure, so the limits are known before the runtime is even loaded.
 */

export interface IoTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface ModelDetails {
  readonly inputs: readonly IoTensor[];
  readonly outputs: readonly IoTensor[];
  /** Distinct custom codes, in op-code order. */
  readonly customOps: readonly string[];
  /** Why LiteRT.js cannot run this file here; empty when it can. */
  readonly limits: readonly string[];
}

/** The only custom op LiteRT resolves itself; any other is unresolved and LiteRT returns garbage for it instead of failing. */
export const BUILTIN_CUSTOM_OPS: readonly string[] = ['TFLite_Detection_PostProcess'];

/** The JS Tensor of LiteRT.js holds only these; a graph input or output of any other type fails to compile. */
export const FEEDABLE_DTYPES: readonly DType[] = ['float32', 'int32', 'uint8'];

/**
 * LiteRT.js sizes output buffers from the declared shape; an op that writes a larger result at
 * run time (TFLite_Detection_PostProcess behind outputs declared []) overruns the buffer and
 * corrupts the runtime's memory (seen: "memory access out of bounds" on the next delete).
 */
const SHAPELESS_OUTPUT = 'LiteRT.js would allocate one element and the op would write past it';

export function modelDetails(bytes: Uint8Array, label = '<model bytes>'): E.Either<TpusegError, ModelDetails> {
  try {
    const bb = new flatbuffers.ByteBuffer(bytes);
    if (bytes.length < 8 || !tfl.Model.bufferHasIdentifier(bb)) {
      return E.left(modelUnreadable(label, 'no TFL3 file identifier'));
    }
    const model = tfl.Model.getRootAsModel(bb);
    const graph = model.subgraphs(0);
    if (!graph) return E.left(modelUnreadable(label, 'the model has no subgraph'));

    const io = (index: number): IoTensor => {
      const t = graph.tensors(index);
      if (!t) throw new RangeError(`graph input/output tensor ${index} does not exist`);
      const dtype = dtypeFromEnum(t.type());
      if (!dtype) throw new RangeError(`tensor ${index} has unknown type ${t.type()}`);
      return { name: t.name() ?? `tensor${index}`, shape: [...(t.shapeArray() ?? [])], dtype };
    };
    const inputs = Array.from({ length: graph.inputsLength() }, (_, i) => io(graph.inputs(i)!));
    const outputs = Array.from({ length: graph.outputsLength() }, (_, i) => io(graph.outputs(i)!));

    const customOps: string[] = [];
    for (let i = 0; i < model.operatorCodesLength(); i++) {
      const c = model.operatorCodes(i)!;
      if (Math.max(c.builtinCode(), c.deprecatedBuiltinCode()) !== tfl.BuiltinOperator.CUSTOM) continue;
      const code = c.customCode() ?? '';
      if (!customOps.includes(code)) customOps.push(code);
    }

    const limits = [
      ...customOps
        .filter((c) => !BUILTIN_CUSTOM_OPS.includes(c))
        .map((c) => `custom op "${c}" is not built into TFLite (LiteRT would run it as garbage)`),
      ...inputs.filter((t) => !FEEDABLE_DTYPES.includes(t.dtype)).map((t) => `graph input "${t.name}" is ${t.dtype}`),
      ...outputs.filter((t) => !FEEDABLE_DTYPES.includes(t.dtype)).map((t) => `graph output "${t.name}" is ${t.dtype}`),
      ...outputs.filter((t) => t.shape.length === 0).map((t) => `graph output "${t.name}" declares no shape (${SHAPELESS_OUTPUT})`),
    ];
    if ([...inputs, ...outputs].some((t) => !FEEDABLE_DTYPES.includes(t.dtype))) limits.push(`LiteRT.js feeds and reads only ${FEEDABLE_DTYPES.join(', ')}`);
    return E.right({ inputs, outputs, customOps, limits });
  } catch (e) {
    return E.left(modelUnreadable(label, (e as Error).message));
  }
}
