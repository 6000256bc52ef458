import type { LayerGraph } from '../src/graph/types';
import { rangeIndex, type RangeIndex } from '../src/graph/cuts';
import { compiledBytes, opChannels, streamsAlways, tpuKind, type Layout, type TpuKind } from './ops';
import { placementFacts } from './placement';

/**
 * What the Edge TPU model needs to know about a graph that does not depend on the profile, worked
 * out once per graph and kept (graphs are immutable): calibration prices the same graphs under
 * thousands of profiles, and a searcher builds several models of one graph.
 *
 * Placement classes. Which ops of a segment [a, b) run on the TPU depends on its start a only
 * (cost-models/placement.ts: op i maps when it is mappable and tail[i] < a). The distinct tail
 * values t_0 < t_1 < ... < t_{m-1} split the starts into m + 1 classes: starts in (t_{k-1}, t_k]
 * share class k, in which op i runs on the TPU when mappable and tail[i] < t_k (class m: every
 * mappable op). A graph whose unmappable ops all sit at its edges has one or two classes.
 */
export interface PlacementClass {
  /** 1 when op i runs on the TPU in a segment whose start is in this class. */
  readonly onTpu: Uint8Array;
  /** Prefix sums: TPU ops, and the corrections host ops make to the bytes crossing the host link. */
  readonly tpuOps: Int32Array;
  readonly inAdj: Float64Array;
  readonly outAdj: Float64Array;
}

export interface GraphFacts {
  readonly n: number;
  readonly index: RangeIndex;
  /** Rate class of each op when it runs on the TPU. */
  readonly kinds: readonly TpuKind[];
  /** Per op: input channels (convs), MACs, activation MiB read + written. */
  readonly channels: Float64Array;
  readonly macs: Float64Array;
  readonly actMiB: Float64Array;
  /** Per op: the activation MiB it reads. */
  readonly actInMiB: Float64Array;
  /** Placement class of each start a in 0..n, and the number of classes. */
  readonly classOf: Int32Array;
  readonly classes: number;
  placement(k: number): PlacementClass;
  /** Compiled parameter bytes per op under a layout (0 where the op cannot map). */
  compiled(layout: Layout): Float64Array;
  /** 1 where the compiler streams the op's parameters on every invoke, cached or not (cost-models/ops.ts streamsAlways). */
  readonly streamed: Uint8Array;
  /** Per op: its activation bytes (in + out) when the compiler may cache part of its weights (convs whose weights outweigh them), else Infinity. */
  readonly splitAct: Float64Array;
}

const MiB = 1024 * 1024;
const cache = new WeakMap<LayerGraph, GraphFacts>();

function placementClass(graph: LayerGraph, onTpu: Uint8Array): PlacementClass {
  const n = graph.ops.length;
  const tpuOps = new Int32Array(n + 1);
  const inAdj = new Float64Array(n + 1);
  const outAdj = new Float64Array(n + 1);
  const isOutput = new Set(graph.outputs);
  graph.ops.forEach((op, i) => {
    let dIn = 0;
    let dOut = 0;
    if (!onTpu[i]) {
      // The TPU side of a host op: what it hands to TPU ops comes in, what it takes from them goes
      // out, and what it reads from the model input or writes to the model output never crosses.
      for (const t of new Set(op.outputs)) {
        const tensor = graph.tensors[t];
        if (!tensor) continue;
        if (tensor.consumers.some((k) => onTpu[k])) dIn += tensor.bytes;
        if (isOutput.has(t)) dOut -= tensor.bytes;
      }
      for (const t of new Set(op.inputs)) {
        const tensor = t >= 0 ? graph.tensors[t] : undefined;
        if (!tensor || tensor.isConstant) continue;
        if (tensor.producer >= 0 && onTpu[tensor.producer]) dOut += tensor.bytes;
        else dIn -= tensor.bytes;
      }
    }
    tpuOps[i + 1] = tpuOps[i]! + onTpu[i]!;
    inAdj[i + 1] = inAdj[i]! + dIn;
    outAdj[i + 1] = outAdj[i]! + dOut;
  });
  return { onTpu, tpuOps, inAdj, outAdj };
}

export function graphFacts(graph: LayerGraph): GraphFacts {
  const hit = cache.get(graph);
  if (hit) return hit;
  const n = graph.ops.length;
  const kinds = graph.ops.map(tpuKind);
  const channels = new Float64Array(n);
  const macs = new Float64Array(n);
  const actMiB = new Float64Array(n);
  const actInMiB = new Float64Array(n);
  graph.ops.forEach((op, i) => {
    channels[i] = opChannels(graph, op);
    macs[i] = op.macs;
    actMiB[i] = (op.actInBytes + op.actOutBytes) / MiB;
    actInMiB[i] = op.actInBytes / MiB;
  });
  const place = placementFacts(graph);
  const thresholds = [...new Set(Array.from(place.tail).filter((t) => t >= 0))].sort((x, y) => x - y);
  const classOf = new Int32Array(n + 1);
  for (let a = 0, k = 0; a <= n; a++) {
    while (k < thresholds.length && thresholds[k]! < a) k++;
    classOf[a] = k;
  }
  const classes = new Map<number, PlacementClass>();
  const layouts = new Map<string, Float64Array>();
  const facts: GraphFacts = {
    n,
    index: rangeIndex(graph),
    kinds,
    channels,
    macs,
    actMiB,
    actInMiB,
    classOf,
    classes: thresholds.length + 1,
    placement(k) {
      let c = classes.get(k);
      if (!c) {
        const limit = k < thresholds.length ? thresholds[k]! : Infinity;
        c = placementClass(graph, Uint8Array.from(place.mappable, (m, i) => (m && place.tail[i]! < limit ? 1 : 0)));
        classes.set(k, c);
      }
      return c;
    },
    streamed: Uint8Array.from(graph.ops, (op) => (streamsAlways(op) ? 1 : 0)),
    splitAct: Float64Array.from(graph.ops, (op, i) => (kinds[i] === 'conv' || kinds[i] === 'depthwise' ? op.actInBytes + op.actOutBytes : Infinity)),
    compiled(layout) {
      const key = `${layout.padOut}/${layout.padIn}/${layout.channelOverhead}`;
      let bytes = layouts.get(key);
      if (!bytes) {
        bytes = Float64Array.from(graph.ops, (op, i) => (place.mappable[i] ? compiledBytes(graph, op, layout) : 0));
        layouts.set(key, bytes);
      }
      return bytes;
    },
  };
  cache.set(graph, facts);
  return facts;
}
