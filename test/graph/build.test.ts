import { buildGraph } from '../../src/graph/build';
import { op, skipGraph, tensor } from './graphs.fixture';

describe('graph/build', () => {
  describe('buildGraph', () => {
    it('should derive producers (-1 for inputs and constants) and sorted consumers', () => {
      const g = skipGraph();
      expect(g.tensors.map((t) => t.producer)).toEqual([-1, 0, 1, 2, 3, 4, -1]);
      expect(g.tensors.map((t) => t.consumers)).toEqual([[0, 4], [1, 3], [2], [3], [4], [], [3]]);
    });

    it('should compute tensor bytes from dtype and shape, sub-byte types packed, constants from their data', () => {
      const g = buildGraph({
        name: 'bytes',
        source: 'test',
        tensors: [
          tensor('f', [2, 3], 'float32'),
          tensor('i4', [3], 'int4'),
          tensor('s', [], 'int8'),
          { name: 'c', shape: [100], dtype: 'int8', isConstant: true, data: new Uint8Array(17) },
          { name: 'b', shape: [100], dtype: 'int8', isConstant: false, bytes: 5 },
        ],
        ops: [],
        inputs: [],
        outputs: [],
      });
      expect(g.tensors.map((t) => t.bytes)).toEqual([24, 2, 1, 17, 5]);
    });

    it('should count a shared constant once at its first consumer and a repeated input once', () => {
      const g = buildGraph({
        name: 'shared',
        source: 'test',
        tensors: [tensor('x', [4]), tensor('w', [3], 'uint8', true), tensor('y', [4]), tensor('z', [4])],
        ops: [op('MUL', [0, 1, 1], [2]), op('ADD', [2, 2, 1, -1], [3])],
        inputs: [0],
        outputs: [3],
      });
      expect(g.ops.map((o) => o.paramBytes)).toEqual([3, 0]);
      expect(g.ops.map((o) => o.actInBytes)).toEqual([4, 4]);
      expect(g.ops.map((o) => o.actOutBytes)).toEqual([4, 4]);
      expect(g.tensors[1]!.consumers).toEqual([0, 1]);
      expect(g.tensors[2]!.consumers).toEqual([1]);
    });

    it('should flag a graph holding an edgetpu-custom-op as compiled', () => {
      const g = buildGraph({
        name: 'compiled',
        source: 'test',
        tensors: [tensor('x', [4]), tensor('y', [4])],
        ops: [{ ...op('edgetpu-custom-op', [0], [1]), builtinCode: 32, customCode: 'edgetpu-custom-op' }],
        inputs: [0],
        outputs: [1],
      });
      expect(g.compiledForEdgeTpu).toBe(true);
      expect(skipGraph().compiledForEdgeTpu).toBe(false);
    });
  });
});
