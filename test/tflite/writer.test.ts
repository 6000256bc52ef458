import * as E from 'fp-ts/Either';
import * as flatbuffers from 'flatbuffers';
import * as fs from 'node:fs';
import type { LayerGraph, Tensor } from '../../src/graph/types';
import * as tfl from '../../src/tflite';
import { readTflite } from '../../src/tflite/reader';
import { constantRole, seededConstant } from '../../src/tflite/weights';
import { tryWriteTflite, writeTflite } from '../../src/tflite/writer';
import { describeShared, sharedPath } from '../helpers/shared';
import { graphDifferences, handGraph, q, Spec, specGraph } from './writer-fixtures';

const read = (bytes: Uint8Array, name = 'written.tflite'): LayerGraph => {
  const g = readTflite(bytes, name);
  if (E.isLeft(g)) throw new Error(JSON.stringify(g.left));
  return g.right;
};

/** The bytes the writer gives a constant: its own data, or the seeded values. */
const writtenBytes = (g: LayerGraph, seed: string | number) => (t: Tensor): Uint8Array | undefined => {
  if (t.data) return t.data;
  const made = seededConstant(t, constantRole(g, t.index), seed);
  return E.isRight(made) ? made.right : undefined;
};

const model = (bytes: Uint8Array): tfl.Model => tfl.Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes));
/** Whether field `slot` (vtable offset) of a table is present in the file at all. */
const present = (table: { bb: flatbuffers.ByteBuffer | null; bb_pos: number }, slot: number): boolean =>
  table.bb!.__offset(table.bb_pos, slot) !== 0;

describe('writer', () => {
  describe('writeTflite', () => {
    it('should write a graph the reader reads back unchanged, with the seeded constants', () => {
      const g = handGraph();
      const back = read(writeTflite(g, { seed: 3 }));
      expect(graphDifferences(g, back, writtenBytes(g, 3))).toEqual([]);
      expect(back.ops.map((o) => o.type)).toEqual([
        'QUANTIZE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'CONCATENATION', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'DEQUANTIZE',
      ]);
      // conv 8*8*4 outputs x 3*3*3, depthwise 8*8*4 x 3*3, FC 10 x 512
      expect(back.ops.map((o) => o.macs)).toEqual([0, 256 * 27, 256 * 9, 0, 0, 0, 5120, 0, 0]);
      // conv 108 + 16, dw 36 + 16, reshape shape 8, fc 5120 + 40
      expect(back.ops.map((o) => o.paramBytes)).toEqual([0, 124, 52, 0, 0, 8, 5160, 0, 0]);
    });

    it('should give the same bytes for the same graph and seed, and other weights for another seed', () => {
      const a = writeTflite(handGraph(), { seed: 'x' });
      expect(Buffer.from(writeTflite(handGraph(), { seed: 'x' })).equals(Buffer.from(a))).toBe(true);
      const b = writeTflite(handGraph(), { seed: 'y' });
      expect(b.length).toBe(a.length);
      expect(Buffer.from(b).equals(Buffer.from(a))).toBe(false);
      expect(graphDifferences(read(a), read(b)).filter((d) => !d.includes('constant bytes'))).toEqual([]);
    });

    it('should derive generated weights from the tensor name, not its position', () => {
      const full = read(writeTflite(handGraph(), { seed: 5 }));
      const s = new Spec();
      const x = s.tensor('other_input', 'int8', [1, 8, 8, 3], { quantization: q(0.05) });
      const bias = s.constant('conv/bias', 'int32', [4], { quantization: q([0.0005, 0.00055, 0.00045, 0.0006]) });
      const w = s.constant('conv/weights', 'int8', [4, 3, 3, 3], { quantization: q([0.01, 0.011, 0.009, 0.012], 0, 0) });
      const y = s.tensor('y', 'int8', [1, 8, 8, 4], { quantization: q(0.05) });
      s.op('CONV_2D', [x, w, bias], [y], 3, { type: 'Conv2DOptions', fields: { padding: 0, strideW: 1, strideH: 1 } });
      const part = read(writeTflite(specGraph(s, [x], [y]), { seed: 5 }));
      const bytesOf = (g: LayerGraph, name: string) => Buffer.from(g.tensors.find((t) => t.name === name)!.data!);
      expect(bytesOf(part, 'conv/weights').equals(bytesOf(full, 'conv/weights'))).toBe(true);
      expect(bytesOf(part, 'conv/bias').equals(bytesOf(full, 'conv/bias'))).toBe(true);
    });

    it('should align buffer data to 16 bytes and point non-constant tensors at the empty buffer 0', () => {
      const m = model(writeTflite(handGraph(), { seed: 1 }));
      const empty = m.buffers(0)!;
      expect(present(empty, 4)).toBe(false);
      for (let i = 1; i < m.buffersLength(); i++) {
        const data = m.buffers(i)!.dataArray()!;
        expect(data.length).toBeGreaterThan(0);
        expect(data.byteOffset % 16).toBe(0);
      }
      const sub = m.subgraphs(0)!;
      const g = handGraph();
      for (let t = 0; t < sub.tensorsLength(); t++) {
        expect(sub.tensors(t)!.buffer() === 0).toBe(!g.tensors[t]!.isConstant);
      }
      expect(m.version()).toBe(3);
      expect(m.description()).toBe('tpuseg: hand');
    });

    it('should write op codes with builtin_code and deprecated_builtin_code = min(code, 127), and no empty custom options', () => {
      const s = new Spec();
      const x = s.tensor('x', 'float32', [1, 4]);
      const y = s.tensor('y', 'float32', [1, 4]);
      const z = s.tensor('z', 'float32', [1, 4]);
      s.op('GELU', [x], [y], 1, { type: 'GeluOptions', fields: { approximate: true } });
      s.ops.push({ type: 'my-op', builtinCode: 32, customCode: 'my-op', version: 1, inputs: [y], outputs: [z], customOptions: new Uint8Array([1, 2, 3]) });
      const g = specGraph(s, [x], [z]);
      const bytes = writeTflite(g);
      const m = model(bytes);
      const gelu = m.operatorCodes(0)!;
      expect([gelu.builtinCode(), gelu.deprecatedBuiltinCode()]).toEqual([tfl.BuiltinOperator.GELU, 127]);
      const custom = m.operatorCodes(1)!;
      expect([custom.builtinCode(), custom.deprecatedBuiltinCode(), custom.customCode()]).toEqual([32, 32, 'my-op']);
      expect(present(m.subgraphs(0)!.operators(0)!, 14)).toBe(false);
      expect(graphDifferences(g, read(bytes))).toEqual([]);
    });

    it('should share one op code between ops of the same type and version', () => {
      const m = model(writeTflite(handGraph({}), { seed: 1 }));
      expect(m.operatorCodesLength()).toBe(9);
      const s = new Spec();
      const x = s.tensor('x', 'float32', [2]);
      const y = s.tensor('y', 'float32', [2]);
      const z = s.tensor('z', 'float32', [2]);
      s.op('RELU', [x], [y]);
      s.op('RELU', [y], [z]);
      expect(model(writeTflite(specGraph(s, [x], [z]))).operatorCodesLength()).toBe(1);
    });

    it('should refuse a constant that is not a weight or bias and has no data, naming it', () => {
      const r = tryWriteTflite(handGraph({ withShapeData: false }));
      expect(E.isLeft(r) && r.left._tag).toBe('ExportFailed');
      expect(E.isLeft(r) && 'message' in r.left && r.left.message).toContain('"reshape/shape" (int32 [2], input 1 of RESHAPE) has no data');
    });

    it('should refuse an unknown options type or field', () => {
      const s = new Spec();
      const x = s.tensor('x', 'float32', [2]);
      const y = s.tensor('y', 'float32', [2]);
      s.op('RELU', [x], [y], 1, { type: 'NoSuchOptions', fields: {} });
      const r = tryWriteTflite(specGraph(s, [x], [y]));
      expect(E.isLeft(r) && 'message' in r.left && r.left.message).toBe('op 0 (RELU): unknown builtin options type "NoSuchOptions"');
      const t = new Spec();
      const a = t.tensor('a', 'float32', [2]);
      const b = t.tensor('b', 'float32', [2]);
      t.op('ADD', [a, a], [b], 1, { type: 'AddOptions', fields: { strideW: 2 } });
      const r2 = tryWriteTflite(specGraph(t, [a], [b]));
      expect(E.isLeft(r2) && 'message' in r2.left && r2.left.message).toBe('op 0 (ADD): AddOptions has no field "strideW"');
    });

    it('should keep shape signatures, variable flags, min/max and intermediates', () => {
      const s = new Spec();
      const x = s.tensor('x', 'float32', [1, 3], { shapeSignature: [-1, 3], quantization: { scale: [], zeroPoint: [], quantizedDimension: 0, min: [-1.5], max: [2.25] } });
      const state = s.tensor('state', 'float32', [1, 3], { isVariable: true });
      const mid = s.tensor('mid', 'float32', [1, 3]);
      const y = s.tensor('y', 'float32', [1, 3]);
      s.op('ADD', [x, state], [y], 1, { type: 'AddOptions', fields: { fusedActivationFunction: 0 } });
      s.ops[0] = { ...s.ops[0]!, intermediates: [mid] };
      const g = specGraph(s, [x], [y]);
      const back = read(writeTflite(g));
      expect(graphDifferences(g, back)).toEqual([]);
      expect(back.tensors[0]!.shapeSignature).toEqual([-1, 3]);
      expect(back.tensors[1]!.isVariable).toBe(true);
      expect(back.ops[0]!.intermediates).toEqual([mid]);
    });
  });
});

const REAL_MODELS: string[] = fs.existsSync(sharedPath('models'))
  ? [
    ...fs.readdirSync(sharedPath('models')).filter((f) => f.endsWith('.tflite')),
    ...fs.readdirSync(sharedPath('models', 'coral_pipeline')).map((f) => `coral_pipeline/${f}`),
  ].sort()
  : [];

describeShared('writer on the real models in ../shared/models', () => {
  describe('writeTflite', () => {
    it('should find the fixture models', () => {
      expect(REAL_MODELS.length).toBeGreaterThanOrEqual(27);
    });

    it.each(REAL_MODELS)('should write %s back as the same graph, constant bytes included', (file) => {
      const original = read(new Uint8Array(fs.readFileSync(sharedPath('models', file))), file);
      const back = read(writeTflite(original), file);
      expect(graphDifferences(original, back)).toEqual([]);
    });
  });
});
