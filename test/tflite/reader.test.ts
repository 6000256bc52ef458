import * as flatbuffers from 'flatbuffers';
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { formatError, type TpusegError } from '../../src/errors';
import type { LayerGraph } from '../../src/graph/types';
import { readTflite } from '../../src/tflite/reader';
import {
  Buffer as FbBuffer, BufferT, BuiltinOperator, BuiltinOptions, BuiltinOptions2, Model, OperatorT, QuantizationParameters,
  StablehloConcatenateOptionsT, SubGraph, SubGraphT, Tensor, TensorType, type ModelT,
} from '../../src/tflite';
import { describeShared, sharedPath } from '../helpers/shared';
import { opCode, packModel, tinyModelT } from './reader.fixture';

const ok = (bytes: Uint8Array, file = 'tiny.tflite'): LayerGraph => {
  const r = readTflite(bytes, file);
  if (E.isLeft(r)) throw new Error(`expected a graph, got ${formatError(r.left)}`);
  return r.right;
};
const fail = (bytes: Uint8Array, file = 'bad.tflite'): TpusegError => {
  const r = readTflite(bytes, file);
  if (E.isRight(r)) throw new Error('expected an error, got a graph');
  return r.left;
};
const mutated = (edit: (m: ModelT) => void): Uint8Array => {
  const m = tinyModelT();
  edit(m);
  return packModel(m);
};
const sub = (m: ModelT): SubGraphT => m.subgraphs[0]!;

describe('tflite/reader', () => {
  describe('readTflite', () => {
    const g = ok(packModel(tinyModelT()));

    it('should read ops in file order with builtin names and custom codes', () => {
      expect(g.ops.map((o) => o.type)).toEqual(['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'my-op']);
      expect(g.ops.map((o) => o.builtinCode)).toEqual([3, 4, 0, 32]);
      expect(g.ops[3]!.customCode).toBe('my-op');
      expect(g.ops[1]!.inputs).toEqual([3, 4, -1]);
    });

    it('should mark tensors with buffer data as constants and keep the data as a view', () => {
      expect(g.tensors.filter((t) => t.isConstant).map((t) => t.index)).toEqual([1, 2, 4]);
      const w = g.tensors[1]!;
      expect(Array.from(w.data!)).toEqual([1, 8, 15, 22, 29, 36]);
      expect(w.bytes).toBe(6);
      expect(g.tensors[2]!.dtype).toBe('int32');
      expect(g.tensors[3]!.bytes).toBe(48);
    });

    it('should derive producers, consumers, parameter bytes (shared constant once) and MACs', () => {
      expect(g.tensors[3]!.producer).toBe(0);
      expect(g.tensors[3]!.consumers).toEqual([1, 2]);
      expect(g.tensors[1]!.consumers).toEqual([0, 3]);
      expect(g.ops.map((o) => o.paramBytes)).toEqual([18, 27, 0, 0]);
      expect(g.ops.map((o) => o.macs)).toEqual([96, 432, 0, 0]);
      expect(g.ops[2]!.actInBytes).toBe(96);
      expect(g.ops[2]!.actOutBytes).toBe(48);
    });

    it('should read quantization, names, model inputs/outputs and description', () => {
      expect(g.tensors[0]!.quantization).toEqual({ scale: [0.5], zeroPoint: [128], quantizedDimension: 0 });
      expect(g.tensors[0]!.name).toBe('input');
      expect(g.inputs).toEqual([0]);
      expect(g.outputs).toEqual([7]);
      expect(g.description).toBe('tiny test model');
      expect(g.name).toBe('tiny');
      expect(g.source).toBe('tiny.tflite');
      expect(g.compiledForEdgeTpu).toBe(false);
    });

    it('should copy builtin options to plain fields named as in the object API', () => {
      expect(g.ops[0]!.options?.type).toBe('Conv2DOptions');
      expect(g.ops[0]!.options?.fields).toMatchObject({ strideW: 1, strideH: 1, fusedActivationFunction: 3, padding: 0 });
      expect(g.ops[2]!.options?.type).toBe('AddOptions');
      expect(g.ops[3]!.options).toBeUndefined();
      expect(Array.from(g.ops[3]!.customOptions!)).toEqual([1, 2, 3]);
    });

    it('should take the op code as max(builtin_code, deprecated_builtin_code)', () => {
      const bytes = mutated((m) => {
        m.operatorCodes[2] = opCode(BuiltinOperator.ADD);
        m.operatorCodes[2]!.deprecatedBuiltinCode = 127;
        m.operatorCodes[2]!.builtinCode = BuiltinOperator.BROADCAST_TO;
        m.operatorCodes[0]!.builtinCode = 0;
      });
      const types = ok(bytes).ops.map((o) => o.type);
      expect(types[0]).toBe('CONV_2D');
      expect(types[2]).toBe('BROADCAST_TO');
    });

    it('should read external buffers given by offset and size', () => {
      const m = tinyModelT();
      m.buffers[3] = new BufferT([], 2n, 27n);
      const size = packModel(m).length;
      const at = Math.ceil(size / 16) * 16;
      m.buffers[3] = new BufferT([], BigInt(at), 27n);
      const head = packModel(m);
      expect(head.length).toBe(size);
      const file = new Uint8Array(at + 27);
      file.set(head);
      for (let i = 0; i < 27; i++) file[at + i] = 100 + i;
      const t = ok(file).tensors[4]!;
      expect(t.isConstant).toBe(true);
      expect(t.data![0]).toBe(100);
      expect(t.bytes).toBe(27);
      expect(fail(file.subarray(0, at + 26))).toEqual({
        _tag: 'ModelUnreadable',
        file: 'bad.tflite',
        message: `buffer 3 points at bytes ${at}..${at + 27} beyond the end of the ${at + 26}-byte file`,
      });
    });

    it('should reject a file without the TFL3 identifier', () => {
      expect(fail(new TextEncoder().encode('{"not": "tflite"}'))).toEqual({
        _tag: 'ModelUnreadable',
        file: 'bad.tflite',
        message: 'not a TFLite file (no TFL3 identifier; 17 bytes)',
      });
      expect(fail(new Uint8Array(0))._tag).toBe('ModelUnreadable');
    });

    it('should reject several subgraphs and other schema versions as SchemaMismatch', () => {
      const two = fail(mutated((m) => m.subgraphs.push(new SubGraphT())));
      expect(two).toEqual({ _tag: 'SchemaMismatch', file: 'bad.tflite', message: 'the model has 2 subgraphs; tpuseg reads single-subgraph models only' });
      expect(fail(mutated((m) => (m.version = 2)))).toMatchObject({ _tag: 'SchemaMismatch', message: 'schema version 2 (tpuseg reads version 3)' });
    });

    it('should reject unknown operator codes and element types as SchemaMismatch', () => {
      const op = fail(mutated((m) => (m.operatorCodes[1]!.builtinCode = 9999 as BuiltinOperator)));
      expect(op).toMatchObject({ _tag: 'SchemaMismatch', message: 'operator 1 has unknown builtin operator code 9999' });
      const dt = fail(mutated((m) => (sub(m).tensors[5]!.type = 99 as TensorType)));
      expect(dt).toMatchObject({ _tag: 'SchemaMismatch', message: 'tensor 5 has unknown element type 99' });
    });

    it('should reject indices out of range naming what refers to what', () => {
      const cases: [(m: ModelT) => void, string][] = [
        [(m) => (sub(m).tensors[4]!.buffer = 900), 'tensor 4 refers to buffer 900 of 4'],
        [(m) => (sub(m).operators[2]!.opcodeIndex = 7), 'operator 2 refers to operator code 7 of 4'],
        [(m) => (sub(m).operators[1]!.inputs[0] = 8), 'operator 1 input 0 refers to tensor 8 of 8'],
        [(m) => (sub(m).operators[1]!.inputs[0] = -2), 'operator 1 input 0 refers to tensor -2 of 8'],
        [(m) => (sub(m).operators[0]!.outputs[0] = -1), 'operator 0 output 0 refers to tensor -1 of 8'],
        [(m) => (sub(m).outputs = [12]), 'model output 0 refers to tensor 12 of 8'],
        [(m) => (sub(m).operators[2]!.outputs = [5]), 'tensor 5 is written by both operator 1 and operator 2'],
        [(m) => (sub(m).operators[2]!.outputs = [4]), 'operator 2 writes tensor 4, which holds constant data'],
        [(m) => (sub(m).tensors[6]!.shape = [1, -4, 4, 3]), 'tensor 6 has negative dimension in shape [1, -4, 4, 3]'],
        [(m) => (sub(m).tensors[6]!.shape = new Array(20).fill(1)), 'tensor 6 claims rank 20 (at most 16 accepted)'],
        [(m) => (sub(m).tensors[6]!.shape = [1 << 30, 1 << 30, 1 << 30]), 'tensor 6 has shape [1073741824, 1073741824, 1073741824], too many elements'],
      ];
      for (const [edit, message] of cases) expect(fail(mutated(edit))).toEqual({ _tag: 'ModelUnreadable', file: 'bad.tflite', message });
    });

    it('should reject a truncated file saying where it stopped', () => {
      const bytes = packModel(tinyModelT());
      const e = fail(bytes.subarray(0, bytes.length - 40));
      expect(e._tag).toBe('ModelUnreadable');
      expect(e._tag === 'ModelUnreadable' && e.message).toMatch(/^truncated or corrupt: .* the \d+-byte file \(reading .*\)$/);
    });

    it('should reject a vector length of 2^31 before iterating', () => {
      const bytes = packModel(tinyModelT());
      // The subgraph's inputs vector holds the single value 0 (tensor 0); find its length word.
      const m = tinyModelT();
      sub(m).inputs = [0x5a5a5a5a];
      const marked = packModel(m);
      let at = -1;
      for (let i = 0; i + 4 <= marked.length; i += 4) if (new DataView(marked.buffer).getUint32(i, true) === 0x5a5a5a5a) at = i;
      expect(at).toBeGreaterThan(4);
      const bad = bytes.slice();
      new DataView(bad.buffer).setUint32(at - 4, 0x7fffffff, true);
      const e = fail(bad);
      expect(e._tag === 'ModelUnreadable' && e.message).toMatch(/claims 2147483647 elements, more than the \d+ bytes left/);
    });

    it('should stop a file whose offsets all point at one large table instead of reading it over and over', () => {
      const b = new flatbuffers.Builder(1024);
      const scales = QuantizationParameters.createScaleVector(b, new Array<number>(20_000).fill(0.5));
      QuantizationParameters.startQuantizationParameters(b);
      QuantizationParameters.addScale(b, scales);
      const q = QuantizationParameters.endQuantizationParameters(b);
      const shape = Tensor.createShapeVector(b, [1 << 20]);
      Tensor.startTensor(b);
      Tensor.addShape(b, shape);
      Tensor.addType(b, TensorType.UINT8);
      Tensor.addQuantization(b, q);
      const t = Tensor.endTensor(b);
      const tensors = SubGraph.createTensorsVector(b, new Array<number>(10_000).fill(t));
      SubGraph.startSubGraph(b);
      SubGraph.addTensors(b, tensors);
      const sg = SubGraph.endSubGraph(b);
      FbBuffer.startBuffer(b);
      const buffers = Model.createBuffersVector(b, [FbBuffer.endBuffer(b)]);
      const subgraphs = Model.createSubgraphsVector(b, [sg]);
      Model.startModel(b);
      Model.addVersion(b, 3);
      Model.addSubgraphs(b, subgraphs);
      Model.addBuffers(b, buffers);
      b.finish(Model.endModel(b), 'TFL3');
      const e = fail(b.asUint8Array());
      expect(e._tag === 'ModelUnreadable' && e.message).toMatch(/^structure needs more than \d+ reads for a \d+-byte file .* \(reading tensor \d+ of 10000\)$/);
    });

    it('should read a file given as a view into a larger buffer without reading past the view', () => {
      const bytes = packModel(tinyModelT());
      const big = new Uint8Array(bytes.length + 64);
      big.set(bytes, 32);
      expect(ok(big.subarray(32, 32 + bytes.length)).ops.length).toBe(4);
      expect(fail(big.subarray(32, 32 + bytes.length - 8))._tag).toBe('ModelUnreadable');
    });

    it('should keep CUSTOM as the type of a custom op without a code', () => {
      const g2 = ok(mutated((m) => (m.operatorCodes[3] = opCode(BuiltinOperator.CUSTOM, null))));
      expect(g2.ops[3]!.type).toBe('CUSTOM');
    });

    it('should read builtin_options_2 tables into the same options slot, named by their union key', () => {
      const g2 = ok(mutated((m) => {
        const o = sub(m).operators[2]!;
        o.builtinOptionsType = BuiltinOptions.NONE;
        o.builtinOptions = null;
        o.builtinOptions2Type = BuiltinOptions2.StablehloConcatenateOptions;
        o.builtinOptions2 = new StablehloConcatenateOptionsT(3n);
      }));
      expect(g2.ops[2]!.options).toEqual({ type: 'StablehloConcatenateOptions', fields: { dimension: 3n } });
    });

    it('should reject unknown options types and ops carrying both option unions as SchemaMismatch', () => {
      const unknown = fail(mutated((m) => {
        sub(m).operators[2]!.builtinOptionsType = 200 as BuiltinOptions;
        sub(m).operators[2]!.builtinOptions = null;
      }));
      expect(unknown).toMatchObject({ _tag: 'SchemaMismatch', message: 'operator 2 of 4 has unknown builtin options type 200' });
      const both = fail(mutated((m) => {
        sub(m).operators[2]!.builtinOptions2Type = BuiltinOptions2.StablehloConcatenateOptions;
        sub(m).operators[2]!.builtinOptions2 = new StablehloConcatenateOptionsT(1n);
      }));
      expect(both).toMatchObject({ _tag: 'SchemaMismatch', message: 'operator 2 of 4 carries both builtin_options and builtin_options_2' });
    });

    it('should accept an op with no builtin options', () => {
      const g2 = ok(mutated((m) => (sub(m).operators[2] = new OperatorT(2, [3, 5], [6]))));
      expect(g2.ops[2]!.options).toBeUndefined();
    });
  });
});

describeShared('tflite/reader on real models', () => {
  describe('readTflite', () => {
    const read = (rel: string): LayerGraph => ok(fs.readFileSync(sharedPath('models', rel)), rel);

    it('should read MobileNet v2 with its 10 residual ADDs', () => {
      const g = read('mobilenet_v2_1.0_224_quant.tflite');
      expect(g.ops.length).toBe(66);
      expect(g.ops.filter((o) => o.type === 'ADD').length).toBe(10);
      expect(g.tensors[g.inputs[0]!]!.shape).toEqual([1, 224, 224, 3]);
      expect(g.compiledForEdgeTpu).toBe(false);
    });

    it('should report a compiled twin as compiled, with the executable in custom options', () => {
      const g = read('mobilenet_v2_1.0_224_quant_edgetpu.tflite');
      expect(g.ops.map((o) => o.type)).toEqual(['edgetpu-custom-op']);
      expect(g.compiledForEdgeTpu).toBe(true);
      expect(g.ops[0]!.customOptions!.length).toBeGreaterThan(3_000_000);
    });

    it('should read per-channel quantization of a TF2 model', () => {
      const g = read('tf2_mobilenet_v2_1.0_224_ptq.tflite');
      const w = g.tensors[g.ops.find((o) => o.type === 'CONV_2D')!.inputs[1]!]!;
      expect(w.dtype).toBe('int8');
      expect(w.quantization!.scale.length).toBe(w.shape[0]);
      expect(w.quantization!.quantizedDimension).toBe(0);
    });

    it('should read the SSD head with 12 inputs and the detection post-processing custom op', () => {
      const g = read('ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite');
      expect(g.inputs.length).toBe(12);
      expect(g.outputs.length).toBe(4);
      const post = g.ops.find((o) => o.type === 'TFLite_Detection_PostProcess')!;
      expect(post.customOptions!.length).toBeGreaterThan(0);
    });

    it('should read the int64 output of DeepLab', () => {
      const g = read('deeplabv3_mnv2_dm05_pascal_quant.tflite');
      expect(g.tensors[g.outputs[0]!]!.dtype).toBe('int64');
    });
  });
});
