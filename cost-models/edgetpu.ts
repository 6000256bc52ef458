import type { LayerGraph } from '../src/graph/types';
import { rangeIndex } from '../src/graph/cuts';
import type { CostModel, SegmentCost } from './types';
import type { CostProfile } from './profile';
import { profileValues } from './profile';
import { compiledBytes, opChannels, opKind, type OpKind } from './ops';

/**
 * The Edge TPU cost of one segment (ops [a, b) on one TPU), after ../shared/docs/domain.md section 4:
 *
 *   ms = fixed + compute + stream + in + out + hop + cpu
 *
 * - compute: per op, MACs at a rate by kind (dense conv, depthwise, fully-connected); convs with
 *   few input channels run at rate x min(1, channels / channelWidth) (domain.md: depthwise and
 *   few-channel layers far below peak); element-wise ops priced by the activation bytes they touch.
 * - caching (domain.md, compiler logs): all-or-nothing per layer in execution order; the segment
 *   caches the longest prefix of its parameter layers whose compiled bytes fit the capacity, and
 *   every later layer streams. A single layer larger than `maxLayerMiB` always streams and does not
 *   stop later layers from being cached (measured: fc 6912 x 1042 streams while the next four
 *   layers are cached). Capacity shrinks with the activation bytes the segment receives from the
 *   host (our inference from the 2-TPU conv runs, whose second segment caches less than the same
 *   layers did on one TPU).
 * - streaming: per compiled MiB; purely additive for fully-connected layers; for convs multiplied
 *   by (1 + amp x activation MiB of the layer) and partly hidden behind the layer's own compute
 *   (domain.md: hidden for compute-heavy convs, 3-5x dearer with 64x64 activations).
 * - in/out: activation bytes crossing the host link at asymmetric rates. Host-side ops at the
 *   segment's edges (float QUANTIZE in, DEQUANTIZE out) are priced on the host, and the TPU then
 *   moves their 8-bit side.
 * - fixed per invoke; hop per stage when the segment is not the whole model.
 *
 * Every per-op term is precomputed once into prefix sums, so `segmentMs` costs two O(log w) range
 * I/O queries and one binary search over the cache prefix: O(log n).
 */

const MiB = 1024 * 1024;

export function edgeTpuModel(graph: LayerGraph, profile: CostProfile): CostModel {
  const p = profileValues(profile);
  const n = graph.ops.length;
  const idx = rangeIndex(graph);
  const kinds: OpKind[] = graph.ops.map((op) => opKind(graph, op));

  const compute = new Float64Array(n + 1);
  const cpu = new Float64Array(n + 1);
  const tpuOps = new Int32Array(n + 1);
  const cacheBytes = new Float64Array(n + 1);
  const cacheExtra = new Float64Array(n + 1);
  const bigBytes = new Float64Array(n + 1);
  const bigExtra = new Float64Array(n + 1);
  const inAdj = new Float64Array(n + 1);
  const outAdj = new Float64Array(n + 1);
  const maxLayer = p.maxLayerMiB * MiB;
  const layout = { padOut: p.weightPadChannels, padIn: p.inputPadChannels, channelOverhead: p.channelOverheadBytes };

  graph.ops.forEach((op, i) => {
    const kind = kinds[i]!;
    const actMiB = (op.actInBytes + op.actOutBytes) / MiB;
    let c = 0;
    let host = 0;
    let cb = 0;
    let extra = 0;
    let dIn = 0;
    let dOut = 0;
    if (kind === 'cpu') {
      host = actMiB * p.hostMsPerMiB + op.macs / (p.hostGmacPerS * 1e6);
      // The TPU side of a host op: what it hands to TPU ops comes in, what it takes from them goes out.
      for (const t of new Set(op.outputs)) {
        const tensor = graph.tensors[t];
        if (!tensor) continue;
        if (tensor.consumers.some((k) => kinds[k] !== 'cpu')) dIn += tensor.bytes;
        if (graph.outputs.includes(t)) dOut -= tensor.bytes;
      }
      for (const t of new Set(op.inputs)) {
        const tensor = t >= 0 ? graph.tensors[t] : undefined;
        if (!tensor || tensor.isConstant) continue;
        if (tensor.producer >= 0 && kinds[tensor.producer] !== 'cpu') dOut += tensor.bytes;
        else dIn -= tensor.bytes;
      }
    } else {
      const tops = (rate: number): number => (2 * op.macs) / (rate * 1e9);
      const width = Math.min(1, opChannels(graph, op) / p.channelWidth);
      if (kind === 'conv') c = tops(p.convTops * Math.max(width, 1e-3));
      else if (kind === 'depthwise') c = tops(p.depthwiseTops);
      else if (kind === 'fc') c = tops(p.fcTops);
      else if (kind === 'eltwise') c = actMiB * p.eltwiseMsPerMiB;
      cb = compiledBytes(graph, op, layout);
      const base = (cb / MiB) * p.streamMsPerMiB;
      extra = kind === 'conv' || kind === 'depthwise'
        ? Math.max(0, base * (1 + p.streamActAmpPerMiB * actMiB) - p.streamHideFrac * c)
        : base;
    }
    compute[i + 1] = compute[i]! + c;
    cpu[i + 1] = cpu[i]! + host;
    tpuOps[i + 1] = tpuOps[i]! + (kind === 'cpu' ? 0 : 1);
    const big = cb > maxLayer;
    cacheBytes[i + 1] = cacheBytes[i]! + (big ? 0 : cb);
    cacheExtra[i + 1] = cacheExtra[i]! + (big ? 0 : extra);
    bigBytes[i + 1] = bigBytes[i]! + (big ? cb : 0);
    bigExtra[i + 1] = bigExtra[i]! + (big ? extra : 0);
    inAdj[i + 1] = inAdj[i]! + dIn;
    outAdj[i + 1] = outAdj[i]! + dOut;
  });

  /** Largest k in [a, b] with cacheBytes[k] - cacheBytes[a] <= limit. */
  const cachedUpTo = (a: number, b: number, limit: number): number => {
    const bound = cacheBytes[a]! + limit;
    let lo = a;
    let hi = b;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cacheBytes[mid]! <= bound) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const check = (a: number, b: number): void => {
    if (!(Number.isInteger(a) && Number.isInteger(b) && 0 <= a && a < b && b <= n)) {
      throw new RangeError(`segment [${a}, ${b}) is not a non-empty range of 0..${n}`);
    }
  };

  interface Parts { fixed: number; comp: number; stream: number; inB: number; outB: number; inMs: number; outMs: number; hop: number; cpuMs: number; k: number }
  const transfers = (a: number, b: number): [number, number] =>
    tpuOps[b]! - tpuOps[a]! > 0
      ? [Math.max(0, idx.rangeInputBytes(a, b) + inAdj[b]! - inAdj[a]!), Math.max(0, idx.rangeOutputBytes(a, b) + outAdj[b]! - outAdj[a]!)]
      : [0, 0];

  const parts = (a: number, b: number): Parts => {
    const onTpu = tpuOps[b]! - tpuOps[a]! > 0;
    const [inB, outB] = transfers(a, b);
    const capacity = Math.max(0, p.capacityMiB * MiB - p.capacityPerInputMiB * inB);
    const k = cachedUpTo(a, b, capacity);
    return {
      fixed: onTpu ? p.fixedMs : 0,
      comp: compute[b]! - compute[a]!,
      stream: cacheExtra[b]! - cacheExtra[k]! + bigExtra[b]! - bigExtra[a]!,
      inB,
      outB,
      inMs: inB / (p.inMBps * 1e3),
      outMs: outB / (p.outMBps * 1e3),
      hop: a > 0 || b < n ? p.hopMs : 0,
      cpuMs: cpu[b]! - cpu[a]!,
      k,
    };
  };

  const total = (x: Parts): number => x.fixed + x.comp + x.stream + x.inMs + x.outMs + x.hop + x.cpuMs;

  return {
    id: 'edgetpu',
    profile: profile.name,
    graph,
    segmentMs(a, b) {
      check(a, b);
      return total(parts(a, b));
    },
    segment(a, b): SegmentCost {
      check(a, b);
      const x = parts(a, b);
      const cpuOps: number[] = [];
      for (let i = a; i < b; i++) if (kinds[i] === 'cpu') cpuOps.push(i);
      const onChip = cacheBytes[x.k]! - cacheBytes[a]!;
      return {
        firstOp: a,
        lastOp: b - 1,
        ops: b - a,
        paramBytes: idx.paramBytes(a, b),
        onChipBytes: onChip,
        offChipBytes: cacheBytes[b]! - cacheBytes[x.k]! + bigBytes[b]! - bigBytes[a]!,
        computeMs: x.comp,
        streamMs: x.stream,
        inBytes: idx.rangeInputBytes(a, b),
        outBytes: idx.rangeOutputBytes(a, b),
        tpuInBytes: x.inB,
        tpuOutBytes: x.outB,
        inMs: x.inMs,
        outMs: x.outMs,
        fixedMs: x.fixed,
        hopMs: x.hop,
        cpuOps,
        cpuMs: x.cpuMs,
        ms: total(x),
      };
    },
  };
}
