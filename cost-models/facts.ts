import type { LayerGraph } from '../src/graph/types';
import { rangeIndex, type RangeIndex } from '../src/graph/cuts';
import { compiledBytes, opChannels, opKind, type Layout, type OpKind } from './ops';

/**
 * What the Edge TPU model needs to know about a graph that does not depend on the profile, worked
 * out once per graph and kept (graphs are immutable): calibration prices the same graphs under
 * thousands of profiles, and a searcher builds several models of one graph.
 */
export interface GraphFacts {
  readonly n: number;
  readonly index: RangeIndex;
  readonly kinds: readonly OpKind[];
  /** Per op: input channels (convs), MACs, activation MiB read + written. */
  readonly channels: Float64Array;
  readonly macs: Float64Array;
  readonly actMiB: Float64Array;
  /** Prefix sums: TPU ops, and the corrections host ops make to the bytes crossing the host link. */
  readonly tpuOps: Int32Array;
  readonly inAdj: Float64Array;
  readonly outAdj: Float64Array;
  /** Compiled parameter bytes per op under a layout. */
  compiled(layout: Layout): Float64Array;
}

const MiB = 1024 * 1024;
const cache = new WeakMap<LayerGraph, GraphFacts>();

export function graphFacts(graph: LayerGraph): GraphFacts {
  const hit = cache.get(graph);
  if (hit) return hit;
  const n = graph.ops.length;
  const kinds = graph.ops.map((op) => opKind(graph, op));
  const channels = new Float64Array(n);
  const macs = new Float64Array(n);
  const actMiB = new Float64Array(n);
  const tpuOps = new Int32Array(n + 1);
  const inAdj = new Float64Array(n + 1);
  const outAdj = new Float64Array(n + 1);
  const isOutput = new Set(graph.outputs);
  graph.ops.forEach((op, i) => {
    channels[i] = opChannels(graph, op);
    macs[i] = op.macs;
    actMiB[i] = (op.actInBytes + op.actOutBytes) / MiB;
    let dIn = 0;
    let dOut = 0;
    if (kinds[i] === 'cpu') {
      // The TPU side of a host op: what it hands to TPU ops comes in, what it takes from them goes
      // out, and what it reads from the model input or writes to the model output never crosses.
      for (const t of new Set(op.outputs)) {
        const tensor = graph.tensors[t];
        if (!tensor) continue;
        if (tensor.consumers.some((k) => kinds[k] !== 'cpu')) dIn += tensor.bytes;
        if (isOutput.has(t)) dOut -= tensor.bytes;
      }
      for (const t of new Set(op.inputs)) {
        const tensor = t >= 0 ? graph.tensors[t] : undefined;
        if (!tensor || tensor.isConstant) continue;
        if (tensor.producer >= 0 && kinds[tensor.producer] !== 'cpu') dOut += tensor.bytes;
        else dIn -= tensor.bytes;
      }
    }
    tpuOps[i + 1] = tpuOps[i]! + (kinds[i] === 'cpu' ? 0 : 1);
    inAdj[i + 1] = inAdj[i]! + dIn;
    outAdj[i + 1] = outAdj[i]! + dOut;
  });
  const layouts = new Map<string, Float64Array>();
  const facts: GraphFacts = {
    n,
    index: rangeIndex(graph),
    kinds,
    channels,
    macs,
    actMiB,
    tpuOps,
    inAdj,
    outAdj,
    compiled(layout) {
      const key = `${layout.padOut}/${layout.padIn}/${layout.channelOverhead}`;
      let bytes = layouts.get(key);
      if (!bytes) {
        bytes = Float64Array.from(graph.ops, (op, i) => (kinds[i] === 'cpu' ? 0 : compiledBytes(graph, op, layout)));
        layouts.set(key, bytes);
      }
      return bytes;
    },
  };
  cache.set(graph, facts);
  return facts;
}
