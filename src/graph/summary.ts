import type { DType, LayerGraph } from './types';

/** One tensor as `inspect` reports it. */
export interface TensorInfo {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly bytes: number;
}

/** One op as `inspect --ops` reports it. */
export interface OpRow {
  readonly index: number;
  readonly type: string;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly paramBytes: number;
  readonly macs: number;
  readonly actInBytes: number;
  readonly actOutBytes: number;
}

/** An op that holds a compiled Edge TPU executable, with the executable's size. */
export interface EdgeTpuOp {
  readonly index: number;
  readonly executableBytes: number;
}

export interface GraphSummary {
  readonly name: string;
  readonly source: string;
  readonly description?: string;
  readonly ops: number;
  readonly tensors: number;
  readonly constants: number;
  /** Sum of the ops' parameter bytes (each constant counted once, at its first consumer). */
  readonly paramBytes: number;
  readonly macs: number;
  /** Op type -> count, most frequent first, ties by name. */
  readonly opTypes: Readonly<Record<string, number>>;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** The largest non-constant tensor (lowest index on ties); null when there is none. */
  readonly largestActivation: (TensorInfo & { readonly producer: number }) | null;
  readonly compiledForEdgeTpu: boolean;
  readonly edgeTpuOps: readonly EdgeTpuOp[];
  /** Present for compiled models: what the user should do instead. */
  readonly note?: string;
  /** Per-op rows, present when asked for. */
  readonly opList?: readonly OpRow[];
}

const tensorInfo = (g: LayerGraph, i: number): TensorInfo => {
  const t = g.tensors[i]!;
  return { index: i, name: t.name, shape: t.shape, dtype: t.dtype, bytes: t.bytes };
};

/** The facts `tpuseg inspect` prints, as plain data (the JSON form is this object). */
export function summarize(graph: LayerGraph, opts: { readonly ops?: boolean } = {}): GraphSummary {
  const counts = new Map<string, number>();
  let paramBytes = 0;
  let macs = 0;
  for (const op of graph.ops) {
    counts.set(op.type, (counts.get(op.type) ?? 0) + 1);
    paramBytes += op.paramBytes;
    macs += op.macs;
  }
  const opTypes = Object.fromEntries(
    [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  );

  let largest = -1;
  for (const t of graph.tensors) {
    if (!t.isConstant && (largest < 0 || t.bytes > graph.tensors[largest]!.bytes)) largest = t.index;
  }

  const edgeTpuOps = graph.ops
    .filter((op) => op.type === 'edgetpu-custom-op')
    .map((op) => ({ index: op.index, executableBytes: op.customOptions?.length ?? 0 }));

  return {
    name: graph.name,
    source: graph.source,
    ...(graph.description !== undefined ? { description: graph.description } : {}),
    ops: graph.ops.length,
    tensors: graph.tensors.length,
    constants: graph.tensors.filter((t) => t.isConstant).length,
    paramBytes,
    macs,
    opTypes,
    inputs: graph.inputs.map((i) => tensorInfo(graph, i)),
    outputs: graph.outputs.map((i) => tensorInfo(graph, i)),
    largestActivation: largest < 0 ? null : { ...tensorInfo(graph, largest), producer: graph.tensors[largest]!.producer },
    compiledForEdgeTpu: graph.compiledForEdgeTpu,
    edgeTpuOps,
    ...(graph.compiledForEdgeTpu
      ? {
          note:
            `already compiled for the Edge TPU: ${edgeTpuOps.length === 1 ? 'op' : 'ops'} ` +
            `${edgeTpuOps.map((o) => o.index).join(', ')} ${edgeTpuOps.length === 1 ? 'is an' : 'are'} edgetpu-custom-op ` +
            `(compiled executable, its weights are not visible as tensors); segment the original, uncompiled model instead`,
        }
      : {}),
    ...(opts.ops
      ? {
          opList: graph.ops.map((op) => ({
            index: op.index,
            type: op.type,
            inputs: op.inputs,
            outputs: op.outputs,
            paramBytes: op.paramBytes,
            macs: op.macs,
            actInBytes: op.actInBytes,
            actOutBytes: op.actOutBytes,
          })),
        }
      : {}),
  };
}
