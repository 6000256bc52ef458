import type { GraphSpec, LayerGraph, Op, Tensor } from './types';
import { denseBytes } from './dtype';
import { opMacs } from './macs';

/**
 * Derives everything a LayerGraph carries beyond its raw description: producers, consumers,
 * tensor bytes, and per-op parameter bytes, MACs and activation bytes. Pure and linear in the
 * size of the graph. Index checks are the caller's job (the reader validates before calling).
 */
export function buildGraph(spec: GraphSpec): LayerGraph {
  const producer = new Array<number>(spec.tensors.length).fill(-1);
  const consumers: number[][] = spec.tensors.map(() => []);
  spec.ops.forEach((op, i) => {
    for (const t of op.outputs) if (t >= 0) producer[t] = i;
    for (const t of op.inputs) {
      if (t < 0) continue;
      const c = consumers[t]!;
      if (c[c.length - 1] !== i) c.push(i);
    }
  });

  const tensors: Tensor[] = spec.tensors.map((t, i) => ({
    ...t,
    index: i,
    bytes: t.bytes ?? (t.data ? t.data.length : denseBytes(t.dtype, t.shape)),
    producer: t.isConstant ? -1 : producer[i]!,
    consumers: consumers[i]!,
  }));

  const counted = new Uint8Array(tensors.length);
  const ops: Op[] = spec.ops.map((op, i) => {
    let paramBytes = 0;
    let actInBytes = 0;
    let actOutBytes = 0;
    const seen = new Set<number>();
    for (const t of op.inputs) {
      if (t < 0 || seen.has(t)) continue;
      seen.add(t);
      const tensor = tensors[t]!;
      if (tensor.isConstant) {
        if (!counted[t]) {
          counted[t] = 1;
          paramBytes += tensor.bytes;
        }
      } else {
        actInBytes += tensor.bytes;
      }
    }
    for (const t of op.outputs) if (t >= 0) actOutBytes += tensors[t]!.bytes;
    return { ...op, index: i, paramBytes, macs: opMacs(op, spec.tensors), actInBytes, actOutBytes };
  });

  return {
    name: spec.name,
    source: spec.source,
    tensors,
    ops,
    inputs: spec.inputs,
    outputs: spec.outputs,
    compiledForEdgeTpu: ops.some((o) => o.type === 'edgetpu-custom-op'),
    ...(spec.kerasParams !== undefined ? { kerasParams: spec.kerasParams } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  };
}
