import { buildGraph } from '../../src/graph/build';
import { summarize } from '../../src/graph/summary';
import { op, skipGraph, tensor } from './graphs.fixture';

describe('graph/summary', () => {
  describe('summarize', () => {
    const s = summarize(skipGraph());

    it('should count ops, tensors, constants, parameter bytes and MACs', () => {
      expect([s.ops, s.tensors, s.constants, s.paramBytes, s.macs]).toEqual([5, 7, 1, 7, 0]);
    });

    it('should give the op type histogram, most frequent first and ties by name', () => {
      const g = buildGraph({
        name: 'hist',
        source: 'test',
        tensors: [tensor('a', [1]), tensor('b', [1]), tensor('c', [1]), tensor('d', [1]), tensor('e', [1])],
        ops: [op('RELU', [0], [1]), op('ADD', [1, 0], [2]), op('RELU', [2], [3]), op('CONCAT', [3], [4])],
        inputs: [0],
        outputs: [4],
      });
      expect(Object.entries(summarize(g).opTypes)).toEqual([['RELU', 2], ['ADD', 1], ['CONCAT', 1]]);
    });

    it('should report the largest activation with its producer, and inputs and outputs', () => {
      expect(s.largestActivation).toEqual({ index: 5, name: 't5', shape: [60], dtype: 'uint8', bytes: 60, producer: 4 });
      expect(s.inputs).toEqual([{ index: 0, name: 't0', shape: [10], dtype: 'uint8', bytes: 10 }]);
      expect(s.outputs.map((t) => t.index)).toEqual([2, 5]);
    });

    it('should add the per-op list only when asked', () => {
      expect(s.opList).toBeUndefined();
      const rows = summarize(skipGraph(), { ops: true }).opList!;
      expect(rows[3]).toEqual({ index: 3, type: 'D', inputs: [3, 1, 6], outputs: [4], paramBytes: 7, macs: 0, actInBytes: 60, actOutBytes: 50 });
    });

    it('should name the edgetpu-custom-op ops of a compiled model and say to segment the original', () => {
      expect(s.compiledForEdgeTpu).toBe(false);
      expect(s.note).toBeUndefined();
      const g = buildGraph({
        name: 'compiled',
        source: 'test',
        tensors: [tensor('x', [4]), tensor('y', [4]), tensor('z', [4])],
        ops: [
          { ...op('edgetpu-custom-op', [0], [1]), builtinCode: 32, customCode: 'edgetpu-custom-op', customOptions: new Uint8Array(1234) },
          op('SOFTMAX', [1], [2]),
        ],
        inputs: [0],
        outputs: [2],
      });
      const c = summarize(g);
      expect(c.compiledForEdgeTpu).toBe(true);
      expect(c.edgeTpuOps).toEqual([{ index: 0, executableBytes: 1234 }]);
      expect(c.note).toMatch(/^already compiled for the Edge TPU: op 0 is an edgetpu-custom-op .* segment the original, uncompiled model instead$/);
    });

    it('should report no largest activation for a graph of constants only', () => {
      const g = buildGraph({ name: 'c', source: 'test', tensors: [tensor('w', [3], 'uint8', true)], ops: [], inputs: [], outputs: [] });
      expect(summarize(g).largestActivation).toBeNull();
    });
  });
});
