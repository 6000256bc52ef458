import type { LayerGraph } from '../src/graph/types';
import type { CostModel, SegmentCost } from './types';
import type { CostProfile, ProfileValues } from './profile';
import { profileValues } from './profile';
import { graphFacts, type GraphFacts } from './facts';

/**
 * The Edge TPU cost of one segment (ops [a, b) on one TPU), after ../shared/docs/domain.md section 4:
 *
 *   ms = fixed + compute + stream + in + out + hop + cpu
 *
 * - compute: per op, MACs at a rate by kind (dense conv, depthwise, fully-connected); convs with
 *   few input channels run at rate x min(1, channels / channelWidth) (domain.md: depthwise and
 *   few-channel layers far below peak); plus, for every TPU op, the activation bytes it reads and
 *   writes at an on-chip rate (our inference: with it, MACs / rate + activation MiB x rate explains
 *   the Coral table's on-chip models within 3%, while MACs alone leave EfficientNet 40% short).
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
 * - in/out: activation bytes crossing the host link at separate rates for each direction (domain.md:
 *   about 300 MB/s in and 55 MB/s out on USB 3). Host-side ops (cost-models/ops.ts: float QUANTIZE
 *   in, DEQUANTIZE out, unsupported types) are priced on the host per MiB and per MAC, and the link
 *   moves what they hand to or take from TPU ops (so a float input crosses as 8-bit). Our
 *   simplification: a host op in the middle of a segment is priced and its tensors moved, but the
 *   extra invoke of the TPU subgraph after it is not charged.
 * - fixed per invoke (domain.md: I/O sweeps); hop per stage when the segment is not the whole model
 *   (domain.md: FC multi-TPU runs).
 *
 * Every per-op term is precomputed once into prefix sums, so `segmentMs` costs two O(log w) range
 * I/O queries (src/graph/cuts.ts) and, only when the capacity depends on the input bytes, one
 * binary search over the cache prefix: O(log n). About 100 ns per call on a 513-op DenseNet.
 */

const MiB = 1024 * 1024;
// Module-level aliases: inside a vm context (jest) every global lookup goes through an interceptor.
const { max, min } = Math;
const F64 = Float64Array;

export function edgeTpuModel(graph: LayerGraph, profile: CostProfile): CostModel {
  return new EdgeTpuModel(graph, profileValues(profile), profile.name);
}

/** The model from plain profile values (calibration builds thousands of these). */
export function edgeTpuModelOf(graph: LayerGraph, p: ProfileValues, profileName: string): CostModel {
  return new EdgeTpuModel(graph, p, profileName);
}

// Rows of the per-op prefix table.
const COMPUTE = 0;
const CPU = 1;
const CACHE_BYTES = 2;
const CACHE_EXTRA = 3;
const BIG_BYTES = 4;
const BIG_EXTRA = 5;
const ROWS = 6;

/** A class rather than closures: calibration builds a model per case per evaluation. */
class EdgeTpuModel implements CostModel {
  readonly id = 'edgetpu';
  private readonly f: GraphFacts;
  private readonly n: number;
  /** ROWS prefix sums of n + 1 entries each, row-major. */
  private readonly t: Float64Array;
  /** Per start a: the end of the cached prefix at full capacity over [a, n) (two pointers, O(n)). */
  private readonly reach: Int32Array;
  /** Scratch row of input bytes for segmentMsRow. */
  private inRow: Float64Array | undefined;

  constructor(readonly graph: LayerGraph, private readonly p: ProfileValues, readonly profile: string) {
    const f = (this.f = graphFacts(graph));
    const n = (this.n = f.n);
    const cb = f.compiled({ padOut: p.weightPadChannels, padIn: p.inputPadChannels, channelOverhead: p.channelOverheadBytes });
    const t = (this.t = new F64(ROWS * (n + 1)));
    const maxLayer = p.maxLayerMiB * MiB;
    const convRate = p.convTops * 1e9;
    for (let i = 0; i < n; i++) {
      const kind = f.kinds[i]!;
      const actMiB = f.actMiB[i]!;
      const macs = f.macs[i]!;
      let c = 0;
      let host = 0;
      let extra = 0;
      if (kind === 'cpu') {
        host = actMiB * p.hostMsPerMiB + macs / (p.hostGmacPerS * 1e6);
      } else {
        if (kind === 'conv') c = (2 * macs) / (convRate * max(min(1, f.channels[i]! / p.channelWidth), 1e-3));
        else if (kind === 'depthwise') c = (2 * macs) / (p.depthwiseTops * 1e9);
        else if (kind === 'fc') c = (2 * macs) / (p.fcTops * 1e9);
        if (kind !== 'free') c += actMiB * p.activationMsPerMiB;
        const base = (cb[i]! / MiB) * p.streamMsPerMiB;
        // c includes activation traffic: streaming hides behind all of the layer's on-chip work.
        extra = kind === 'conv' || kind === 'depthwise'
          ? max(0, base * (1 + p.streamActAmpPerMiB * actMiB) - p.streamHideFrac * c)
          : base;
      }
      const big = cb[i]! > maxLayer;
      const w = n + 1;
      t[COMPUTE * w + i + 1] = t[COMPUTE * w + i]! + c;
      t[CPU * w + i + 1] = t[CPU * w + i]! + host;
      t[CACHE_BYTES * w + i + 1] = t[CACHE_BYTES * w + i]! + (big ? 0 : cb[i]!);
      t[CACHE_EXTRA * w + i + 1] = t[CACHE_EXTRA * w + i]! + (big ? 0 : extra);
      t[BIG_BYTES * w + i + 1] = t[BIG_BYTES * w + i]! + (big ? cb[i]! : 0);
      t[BIG_EXTRA * w + i + 1] = t[BIG_EXTRA * w + i]! + (big ? extra : 0);
    }
    const reach = (this.reach = new Int32Array(n + 1));
    const o = CACHE_BYTES * (n + 1);
    const capacity = p.capacityMiB * MiB;
    for (let a = 0, k = 0; a <= n; a++) {
      if (k < a) k = a;
      while (k < n && t[o + k + 1]! <= t[o + a]! + capacity) k++;
      reach[a] = k;
    }
  }

  private sum(row: number, a: number, b: number): number {
    const o = row * (this.n + 1);
    return this.t[o + b]! - this.t[o + a]!;
  }

  private check(a: number, b: number): void {
    // (x | 0) === x: an integer test that stays cheap on the hot path.
    if (!((a | 0) === a && (b | 0) === b && 0 <= a && a < b && b <= this.n)) {
      throw new RangeError(`segment [${a}, ${b}) is not a non-empty range of 0..${this.n}`);
    }
  }

  private onTpu(a: number, b: number): boolean {
    return this.f.tpuOps[b]! - this.f.tpuOps[a]! > 0;
  }

  private tpuIn(a: number, b: number): number {
    return this.onTpu(a, b) ? max(0, this.f.index.rangeInputBytes(a, b) + this.f.inAdj[b]! - this.f.inAdj[a]!) : 0;
  }

  private tpuOut(a: number, b: number): number {
    return this.onTpu(a, b) ? max(0, this.f.index.rangeOutputBytes(a, b) + this.f.outAdj[b]! - this.f.outAdj[a]!) : 0;
  }

  /** End of the cached prefix: largest k in [a, b] whose layers [a, k) fit the capacity left by `inBytes`. */
  private cachedUpTo(a: number, b: number, inBytes: number): number {
    const full = min(this.reach[a]!, b);
    const penalty = this.p.capacityPerInputMiB * inBytes;
    if (penalty === 0) return full;
    const o = CACHE_BYTES * (this.n + 1);
    const bound = this.t[o + a]! + max(0, this.p.capacityMiB * MiB - penalty);
    let lo = a;
    let hi = full;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.t[o + mid]! <= bound) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  segmentMs(a: number, b: number): number {
    this.check(a, b);
    // The hot path of every searcher: the same terms as segment(), inlined.
    const f = this.f;
    const p = this.p;
    const t = this.t;
    const w = this.n + 1;
    const onTpu = f.tpuOps[b]! - f.tpuOps[a]! > 0;
    let inB = 0;
    let outB = 0;
    if (onTpu) {
      inB = max(0, f.index.rangeInputBytes(a, b) + f.inAdj[b]! - f.inAdj[a]!);
      outB = max(0, f.index.rangeOutputBytes(a, b) + f.outAdj[b]! - f.outAdj[a]!);
    }
    const k = this.cachedUpTo(a, b, inB);
    return (onTpu ? p.fixedMs : 0)
      + (t[COMPUTE * w + b]! - t[COMPUTE * w + a]!)
      + ((t[CACHE_EXTRA * w + b]! - t[CACHE_EXTRA * w + k]!) + (t[BIG_EXTRA * w + b]! - t[BIG_EXTRA * w + a]!))
      + inB / (p.inMBps * 1e3) + outB / (p.outMBps * 1e3)
      + (a > 0 || b < this.n ? p.hopMs : 0)
      + (t[CPU * w + b]! - t[CPU * w + a]!);
  }

  /**
   * segmentMs(a, b) into out[a] for every a in [lo, hi), hi <= b, bit for bit (the same terms in
   * the same order), with the range queries done once per row: several times faster per segment
   * than segmentMs for dp, which prices rows.
   */
  segmentMsRow(b: number, lo: number, hi: number, out: Float64Array): void {
    this.check(lo, b);
    if (!((hi | 0) === hi && lo <= hi && hi <= b)) throw new RangeError(`starts [${lo}, ${hi}) are not within [${lo}, ${b})`);
    const f = this.f;
    const p = this.p;
    const t = this.t;
    const n = this.n;
    const w = n + 1;
    const reach = this.reach;
    const inRow = (this.inRow ??= new F64(w));
    f.index.rangeInputBytesRow(b, lo, hi, inRow);
    f.index.rangeOutputBytesRow(b, lo, hi, out);
    const { tpuOps, inAdj, outAdj } = f;
    const tpuB = tpuOps[b]!;
    const inAdjB = inAdj[b]!;
    const outAdjB = outAdj[b]!;
    const computeB = t[COMPUTE * w + b]!;
    const cacheExtraB = t[CACHE_EXTRA * w + b]!;
    const bigExtraB = t[BIG_EXTRA * w + b]!;
    const cpuB = t[CPU * w + b]!;
    const inRate = p.inMBps * 1e3;
    const outRate = p.outMBps * 1e3;
    const perInput = p.capacityPerInputMiB;
    const cacheBytes = CACHE_BYTES * w;
    for (let a = hi - 1; a >= lo; a--) {
      const onTpu = tpuB - tpuOps[a]! > 0;
      let inB = 0;
      let outB = 0;
      if (onTpu) {
        inB = max(0, inRow[a]! + inAdjB - inAdj[a]!);
        outB = max(0, out[a]! + outAdjB - outAdj[a]!);
      }
      // cachedUpTo, inlined.
      let k = min(reach[a]!, b);
      const penalty = perInput * inB;
      if (penalty !== 0) {
        const bound = t[cacheBytes + a]! + max(0, p.capacityMiB * MiB - penalty);
        let hi = k;
        k = a;
        while (k < hi) {
          const mid = (k + hi + 1) >>> 1;
          if (t[cacheBytes + mid]! <= bound) k = mid;
          else hi = mid - 1;
        }
      }
      out[a] = (onTpu ? p.fixedMs : 0)
        + (computeB - t[COMPUTE * w + a]!)
        + ((cacheExtraB - t[CACHE_EXTRA * w + k]!) + (bigExtraB - t[BIG_EXTRA * w + a]!))
        + inB / inRate + outB / outRate
        + (a > 0 || b < n ? p.hopMs : 0)
        + (cpuB - t[CPU * w + a]!);
    }
  }

  /**
   * A lower bound of segmentMs that never decreases as the range grows, for exact pruning in
   * searchers (src/search/bound.ts): the fixed cost, compute and host work, layers too big to
   * cache, and the layers past the cached prefix at full capacity (input bytes only shrink the
   * capacity, so at least these stream). Growing the range at either end never moves that prefix's
   * end forward (reach is non-decreasing in a) and only adds non-negative terms. Same terms in
   * the same order as segmentMs, so it is below it to the last bit.
   */
  lowerBoundMs(a: number, b: number): number {
    this.check(a, b);
    const t = this.t;
    const w = this.n + 1;
    const k = min(this.reach[a]!, b);
    return (this.onTpu(a, b) ? this.p.fixedMs : 0)
      + (t[COMPUTE * w + b]! - t[COMPUTE * w + a]!)
      + ((t[CACHE_EXTRA * w + b]! - t[CACHE_EXTRA * w + k]!) + (t[BIG_EXTRA * w + b]! - t[BIG_EXTRA * w + a]!))
      + (t[CPU * w + b]! - t[CPU * w + a]!);
  }

  /** `segment(a, b).offChipBytes` in O(log n), for searchers' tie-breaks. */
  offChipBytes(a: number, b: number): number {
    this.check(a, b);
    const k = this.cachedUpTo(a, b, this.tpuIn(a, b));
    return this.sum(CACHE_BYTES, k, b) + this.sum(BIG_BYTES, a, b);
  }

  segment(a: number, b: number): SegmentCost {
    this.check(a, b);
    const p = this.p;
    const inB = this.tpuIn(a, b);
    const outB = this.tpuOut(a, b);
    const k = this.cachedUpTo(a, b, inB);
    const cpuOps: number[] = [];
    for (let i = a; i < b; i++) if (this.f.kinds[i] === 'cpu') cpuOps.push(i);
    const parts = {
      computeMs: this.sum(COMPUTE, a, b),
      streamMs: this.sum(CACHE_EXTRA, k, b) + this.sum(BIG_EXTRA, a, b),
      inMs: inB / (p.inMBps * 1e3),
      outMs: outB / (p.outMBps * 1e3),
      fixedMs: this.onTpu(a, b) ? p.fixedMs : 0,
      hopMs: a > 0 || b < this.n ? p.hopMs : 0,
      cpuMs: this.sum(CPU, a, b),
    };
    return {
      firstOp: a,
      lastOp: b - 1,
      ops: b - a,
      paramBytes: this.f.index.paramBytes(a, b),
      onChipBytes: this.sum(CACHE_BYTES, a, k),
      offChipBytes: this.sum(CACHE_BYTES, k, b) + this.sum(BIG_BYTES, a, b),
      computeMs: parts.computeMs,
      streamMs: parts.streamMs,
      inBytes: this.f.index.rangeInputBytes(a, b),
      outBytes: this.f.index.rangeOutputBytes(a, b),
      tpuInBytes: inB,
      tpuOutBytes: outB,
      inMs: parts.inMs,
      outMs: parts.outMs,
      fixedMs: parts.fixedMs,
      hopMs: parts.hopMs,
      cpuOps,
      cpuMs: parts.cpuMs,
      // Same terms in the same order as segmentMs, so the two agree to the last bit.
      ms: parts.fixedMs + parts.computeMs + parts.streamMs + parts.inMs + parts.outMs + parts.hopMs + parts.cpuMs,
    };
  }
}
