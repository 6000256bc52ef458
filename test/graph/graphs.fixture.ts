import { buildGraph } from '../../src/graph/build';
import type { DType, LayerGraph, OpSpec, TensorSpec } from '../../src/graph/types';

/** A tensor description for hand-built graphs: activation by default, constant when `constant` is set. */
export const tensor = (name: string, shape: number[], dtype: DType = 'uint8', constant = false): TensorSpec => ({
  name,
  shape,
  dtype,
  isConstant: constant,
  ...(constant ? { data: new Uint8Array(Math.ceil(shape.reduce((a, b) => a * b, 1) * (dtype === 'int32' ? 4 : 1))) } : {}),
});

export const op = (type: string, inputs: number[], outputs: number[]): OpSpec => ({ type, builtinCode: 0, version: 1, inputs, outputs });

/**
 * Five ops with skip-ahead tensors and a mid-graph model output (bytes in parentheses):
 *   t0 input (10) -> op0 -> t1 (20) -> op1 -> t2 (30, also a model output) -> op2 -> t3 (40)
 *   op3(t3, t1 skipping ops 1-2, w6 constant 7) -> t4 (50)
 *   op4(t4, t0 skipping ops 0-3) -> t5 (60, model output)
 */
export function skipGraph(): LayerGraph {
  return buildGraph({
    name: 'skip',
    source: 'test',
    tensors: [
      tensor('t0', [10]), tensor('t1', [20]), tensor('t2', [30]), tensor('t3', [40]),
      tensor('t4', [50]), tensor('t5', [60]), tensor('w6', [7], 'uint8', true),
    ],
    ops: [op('A', [0], [1]), op('B', [1], [2]), op('C', [2], [3]), op('D', [3, 1, 6], [4]), op('E', [4, 0], [5])],
    inputs: [0],
    outputs: [2, 5],
  });
}
