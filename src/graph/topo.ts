import type { LayerGraph } from './types';

/**
 * A topological order of the ops, as libcoral computes it for partitioning: Kahn's algorithm,
 * ready ops taken in file order, except that ops whose outputs nobody consumes (graph sinks) wait
 * until everything else is scheduled. Returns op indices; for a well-formed file this is usually
 * the identity. Ops caught in a cycle (a malformed graph) are appended in file order.
 */
export function topologicalOrder(graph: LayerGraph): number[] {
  const n = graph.ops.length;
  const indegree = new Int32Array(n);
  const succ: number[][] = Array.from({ length: n }, () => []);
  graph.ops.forEach((op, i) => {
    const preds = new Set<number>();
    for (const t of op.inputs) {
      if (t < 0) continue;
      const p = graph.tensors[t]!.producer;
      if (p >= 0 && p !== i) preds.add(p);
    }
    indegree[i] = preds.size;
    for (const p of preds) succ[p]!.push(i);
  });
  const isSink = (i: number): boolean =>
    graph.ops[i]!.outputs.every((t) => t < 0 || graph.tensors[t]!.consumers.length === 0);

  const order: number[] = [];
  const done = new Uint8Array(n);
  // Ready sets kept sorted by index; a simple scan is enough at CNN sizes and keeps ties deterministic.
  const ready: number[] = [];
  const sinks: number[] = [];
  const push = (i: number): void => {
    (isSink(i) ? sinks : ready).push(i);
  };
  for (let i = 0; i < n; i++) if (indegree[i] === 0) push(i);
  while (ready.length > 0 || sinks.length > 0) {
    const list = ready.length > 0 ? ready : sinks;
    let best = 0;
    for (let k = 1; k < list.length; k++) if (list[k]! < list[best]!) best = k;
    const i = list.splice(best, 1)[0]!;
    order.push(i);
    done[i] = 1;
    for (const s of succ[i]!) if (--indegree[s]! === 0) push(s);
  }
  for (let i = 0; i < n; i++) if (!done[i]) order.push(i);
  return order;
}

/** True when every op reads only tensors produced earlier in the file's order. */
export function isExecutionOrderTopological(graph: LayerGraph): boolean {
  return graph.ops.every((op, i) =>
    op.inputs.every((t) => t < 0 || graph.tensors[t]!.producer < i),
  );
}
