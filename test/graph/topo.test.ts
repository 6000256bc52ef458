import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { buildGraph } from '../../src/graph/build';
import { isExecutionOrderTopological, topologicalOrder } from '../../src/graph/topo';
import type { LayerGraph } from '../../src/graph/types';
import { rng } from '../../src/rng';
import { readTflite } from '../../src/tflite/reader';
import { describeShared, sharedPath } from '../helpers/shared';
import { op, skipGraph, tensor } from './graphs.fixture';

/** The same graph with its ops stored in another order (ops re-indexed, tensors unchanged). */
function reorder(g: LayerGraph, order: readonly number[]): LayerGraph {
  return buildGraph({
    name: g.name,
    source: g.source,
    tensors: g.tensors.map(({ index: _i, producer: _p, consumers: _c, bytes: _b, ...t }) => t),
    ops: order.map((i) => {
      const { index: _i, paramBytes: _p, macs: _m, actInBytes: _a, actOutBytes: _o, ...o } = g.ops[i]!;
      return o;
    }),
    inputs: g.inputs,
    outputs: g.outputs,
  });
}

function shuffled(n: number, seed: string): number[] {
  const r = rng(seed);
  const xs = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(0, i);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A valid order: a permutation in which every op comes after the producers of its inputs. */
function isTopological(g: LayerGraph, order: readonly number[]): boolean {
  const pos = new Map(order.map((o, k) => [o, k]));
  if (pos.size !== g.ops.length || order.length !== g.ops.length) return false;
  return g.ops.every((o) => o.inputs.every((t) => t < 0 || g.tensors[t]!.producer < 0 || pos.get(g.tensors[t]!.producer)! < pos.get(o.index)!));
}

describe('graph/topo', () => {
  describe('topologicalOrder', () => {
    it('should keep a file order that is already topological', () => {
      expect(topologicalOrder(skipGraph())).toEqual([0, 1, 2, 3, 4]);
    });

    it('should recover a valid order from every seeded shuffle of the skip graph', () => {
      const g = skipGraph();
      for (let s = 0; s < 50; s++) {
        const h = reorder(g, shuffled(g.ops.length, `topo/skip/${s}`));
        const order = topologicalOrder(h);
        expect(isTopological(h, order)).toBe(true);
        expect(h.ops.map((_, i) => h.ops[order[i]!]!.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
      }
    });

    it('should schedule ops whose outputs nobody reads after all others, as libcoral does', () => {
      const g = buildGraph({
        name: 'sinks',
        source: 'test',
        tensors: [tensor('in', [1]), tensor('side', [1]), tensor('a', [1]), tensor('b', [1]), tensor('c', [1])],
        ops: [op('SIDE', [0], [1]), op('A', [0], [2]), op('B', [2], [3]), op('C', [3], [4])],
        inputs: [0],
        outputs: [1, 4],
      });
      expect(topologicalOrder(g)).toEqual([1, 2, 0, 3]);
    });

    it('should append ops caught in a cycle in file order', () => {
      const g = buildGraph({
        name: 'cycle',
        source: 'test',
        tensors: [tensor('in', [1]), tensor('x', [1]), tensor('y', [1]), tensor('z', [1])],
        ops: [op('IN', [0], [1]), op('P', [1, 3], [2]), op('Q', [2], [3])],
        inputs: [0],
        outputs: [3],
      });
      expect(topologicalOrder(g)).toEqual([0, 1, 2]);
    });
  });

  describe('isExecutionOrderTopological', () => {
    it('should tell a topological file order from a shuffled one', () => {
      const g = skipGraph();
      expect(isExecutionOrderTopological(g)).toBe(true);
      expect(isExecutionOrderTopological(reorder(g, [1, 0, 2, 3, 4]))).toBe(false);
    });
  });
});

describeShared('graph/topo on real models', () => {
  describe('topologicalOrder', () => {
    it.each(['mobilenet_v2_1.0_224_quant.tflite', 'movenet_single_pose_lightning_ptq.tflite', 'deeplabv3_mnv2_dm05_pascal_quant.tflite'])(
      'should order %s and every seeded shuffle of it validly',
      (rel) => {
        const r = readTflite(fs.readFileSync(sharedPath('models', rel)), rel);
        if (E.isLeft(r)) throw new Error(rel);
        const g = r.right;
        expect(isExecutionOrderTopological(g)).toBe(true);
        expect(isTopological(g, topologicalOrder(g))).toBe(true);
        for (let s = 0; s < 10; s++) {
          const h = reorder(g, shuffled(g.ops.length, `topo/${rel}/${s}`));
          expect(isExecutionOrderTopological(h)).toBe(false);
          const order = topologicalOrder(h);
          expect(isTopological(h, order)).toBe(true);
          expect(isExecutionOrderTopological(reorder(h, order))).toBe(true);
        }
      },
    );
  });
});
