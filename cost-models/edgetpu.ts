import type { LayerGraph } from '../src/graph/types';
import { SHARED, type CostModel, type PipelineParams, type SegmentCost, type SharedDemands } from './types';
import type { CostProfile, ProfileValues, RunnerName } from './profile';
import { computeFactorAt, profileValues } from './profile';
import { graphFacts, type GraphFacts, type PlacementClass } from './facts';
import { ELEMENTWISE_MERGED_FRACTION } from './ops';

/**
 * The Edge TPU cost of one segment (ops [a, b) on one TPU), per input, after
 * ../shared/docs/domain.md section 4 and ../shared/docs/host-runtime.md:
 *
 *   ms = fixed + compute + stream + in + out + cpu + runner
 *
 * What runs where (cost-models/placement.ts): the segment is compiled on its own; the compiler
 * maps one TPU subgraph of it, and leaves on the host the ops it cannot run and every op that
 * depends on one of those after TPU work. TPU terms cover the mapped ops only; a segment with no
 * mapped op pays no invoke, transfer or first-invoke cost, only its host work.
 *
 * - compute: per TPU op, MACs at a rate by kind (dense conv, depthwise, fully-connected); convs
 *   with few input channels run at rate x min(1, channels / channelWidth) (domain.md: depthwise
 *   and few-channel layers far below peak); plus the activation bytes each TPU op reads at an
 *   on-chip rate (our inference: MACs alone leave EfficientNet 40% short of the Coral table). A layer's
 *   reads are priced, its writes run alongside its compute: in the UCM bench's pipelines the
 *   first conv of the synthetic models (3 input channels, a 64x64xF output) costs next to
 *   nothing, libcoral's profiling splits run conv1-4 on one TPU in the time of three heavy convs
 *   (conv-2tpu-profiling-batch100.csv against the 2- and 3-TPU compiler splits of the same F);
 *   priced on reads and writes, the speedup of those splits over the compiler's came out 11.2% off
 *   (median), on reads about 10%, with outputs overlapped (below) 9.0%.
 * - pipeline stage (any segment but the whole model): its TPU ops' activation traffic (the part of
 *   compute priced by activationMsPerMiB) takes `stageActFactor` times as long as in a whole-model
 *   run, at every position. Rests on ../shared/data/edgetpu-measurements: the same conv layers take
 *   about twice as long in the 2-4 TPU pipelines as in conv-1tpu.csv, on the first TPU (libcoral's
 *   profiling splits, conv-2tpu-profiling-*.csv, put three or four heavy convs there) as on the last
 *   (the compiler's splits), and the small-F pipelines, whose layers are activation-bound, lose the
 *   most. Our reading: the stages' TPUs run at once behind one host controller or switch
 *   (host-runtime.md s4-5: TPUs behind one controller share its bandwidth; edgetpu#262, three TPUs
 *   behind one x1 expander at half speed). The tensors each stage moves in and out, the runner's
 *   threads and a fresh runner's first invokes are terms of their own (below): none of them grows
 *   with the layers inside a stage. Per-position factors (`positions` in a profile, `--devices`) state
 *   TPUs that differ; no released file times one stage on two TPUs loaded alike, so the fitted
 *   profiles have none.
 * - caching (domain.md, compiler logs): per layer in execution order; the segment caches the
 *   longest prefix of its TPU layers whose compiled bytes fit the capacity, and every later layer
 *   streams, except that the first layer past the prefix is cached in part, up to the capacity, when
 *   it is a conv whose compiled weights outweigh its activations (input + output): split by output
 *   channels, such a layer runs in two passes over its input, which costs less than streaming the
 *   weights (our reading). Rests on compiler-memory/keras-segments.csv: every ResNet segment that runs
 *   past the capacity caches its compiled bytes up to 7.54-7.67 MiB, splitting a conv on 7x7 or 14x14
 *   maps; the synthetic conv sweeps, whose 64x64 maps outweigh every layer's weights, and the fc
 *   sweeps cache whole layers only (conv-1tpu.csv, fc-L4-1tpu.csv, fc-L5-1tpu.csv). A single layer larger than `maxLayerMiB` always streams and
 *   does not stop later layers from being cached (measured: fc 6912 x 1042 streams while the next
 *   four layers are cached). The constants of elementwise arithmetic (a batch norm no conv absorbs) always
 *   stream and take no cache, at their full 16 bytes per element when nothing else streams and at a
 *   quarter of it beside streamed layer weights (compiler-memory/keras-segments.csv: DenseNet-201,
 *   cost-models/ops.ts ELEMENTWISE_MERGED_FRACTION); O(1) more per segment query.
 *   Capacity shrinks with the activation bytes the segment receives from the host
 *   (our inference from the 2-TPU conv runs, whose second segment caches less than the same
 *   layers did on one TPU).
 * - streaming: per compiled MiB; purely additive for fully-connected layers; for convs multiplied
 *   by (1 + amp x activation MiB of the layer) and partly hidden behind the layer's own compute
 *   (domain.md: hidden for compute-heavy convs, 3-5x dearer with 64x64 activations).
 * - in/out: the bytes the TPU subgraph reads from and writes to the host, at a rate per direction
 *   (domain.md: about 300 MB/s in and 55 MB/s out on USB 3). The rates include libedgetpu's host
 *   passes over those bytes (host-runtime.md s4: int8 inputs XORed in place, outputs relaid,
 *   XORed and copied into the TFLite tensor), which grow with the same bytes. The output is sent
 *   while the layer producing it runs: only the part of its transfer longer than the segment's
 *   last computing TPU layer is paid (host-runtime.md s4: the TPU DMAs outputs into host memory
 *   by the compiler's DMA hints, interleaved with execution; the input must be in before the
 *   first layer reads it). Rests on the bench's pipelines: a stage that sends a 64x64xF tensor
 *   after its heavy convs takes hardly longer than those convs (profiling splits), one that
 *   receives it pays its transfer (the compiler's 2-TPU splits against the 3-TPU ones). Refitted
 *   with only half or three quarters of the layer's time covering the transfer, the speedup of
 *   the profiling splits comes out 11.1% or 9.1% off (median) against 9.0%: the whole layer fits best.
 * - cpu: host ops (a float input's QUANTIZE, a DEQUANTIZE, ops the compiler leaves behind) per MiB
 *   read + written and per MAC.
 * - fixed per invoke of a TPU subgraph (domain.md: I/O sweeps).
 * - runner, per stage of a pipeline of two or more (none for a whole model on one device):
 *   `pycoral`, pycoral's C++ PipelinedModelRunner (host-runtime.md s1-2): a C++ thread per stage
 *   allocates its outputs, binds tensors (SetExternalTensorBuffer) and hands the result to the next
 *   queue, `hopMs`; `python-threads`, one Python thread per stage (the bench's fc runs,
 *   ../shared/data/README.md): queue get, set_tensor, get_tensor (memcpy, host-runtime.md s3) and
 *   put run with the interpreter lock held, `gilMs + gilMsPerMiB x` the stage's tensor MiB.
 *
 * What stages share, per input (`sharedMs`; how they bound the pipeline: src/pipeline/evaluate.ts):
 * the interpreter lock (the python-threads runner's per-stage work: every stage's lock time adds
 * up, domain.md: 0.47, 0.72, 0.98 ms on 2, 3, 4 TPUs); the host link when the profile says the
 * TPUs share one (`linkSharedMBps`: one USB host controller or PCIe uplink carries every
 * stage's transfers and streamed parameters; host-runtime.md s4 finds no coupling inside
 * libedgetpu, so 0 means a link per TPU; on the bench no shared rate binds: the 4-TPU conv splits of
 * small F move 0.9-5 MiB per input over the host at up to 590 MB/s together, and two TPUs streaming at
 * once, conv-2tpu-profiling-batch100-large.csv at F >= 642, take the time of the 3- and 4-TPU compiler
 * splits with the same slowest stage and one TPU streaming, 142.6 against 143.0 and 142.8 ms at F = 642,
 * while these move 15.3, 16.5 and 21.5 MiB per input); host CPU time (host ops and the runner's work, spread
 * over `hostCores`; edgetpu#155: "2 cores cpu ... 8 tpus maybe a bit much").
 *
 * Configurations that run some stages on several TPUs (src/pipeline/layout.ts): a replica of the
 * whole model runs in a runner of its own and pays its per-stage work (`runnerStageMs`); in a
 * hybrid every stage copy is a runner of its own, and a host thread hands the tensors crossing
 * each cut from one stage to the next (`handoffMs`): Python work and pycoral's push copy, with the
 * interpreter lock held (host-runtime.md s2; our inference for its size).
 *
 * One-time, per fresh runner (`firstMs`): a segment's first invoke maps its executable and caches
 * its parameters (host-runtime.md s4: parameters are mapped and cached on the first request;
 * edgetpu#664: first invoke 18.4 ms, then 5.2 ms): `firstInvokeMs + firstMsPerMiB x` cached
 * MiB `+ firstMsPerActMiB x` the MiB of its TPU ops' activations (our inference: instruction
 * streams and activation buffers grow with each layer's activations).
 *
 * Every per-op term is precomputed once into prefix sums per placement class, so `segmentMs`
 * costs two O(log w) range I/O queries (src/graph/cuts.ts), only when the capacity depends on
 * the input bytes one binary search over the cache prefix, and O(1) for the layer cached in part:
 * O(log n).
 */

const MiB = 1024 * 1024;
// Module-level aliases: inside a vm context (jest) every global lookup goes through an interceptor.
const { max, min } = Math;
const F64 = Float64Array;

/** How the model is asked to run the pipeline: the profile's runner unless the request names one. */
export interface ModelOptions {
  readonly runner?: RunnerName;
  readonly freshRunner?: boolean;
}

export function edgeTpuModel(graph: LayerGraph, profile: CostProfile, opts: ModelOptions = {}): CostModel {
  return new EdgeTpuModel(graph, profileValues(profile), profile.name, opts.runner ?? profile.runner ?? 'pycoral', opts.freshRunner ?? false);
}

/**
 * The model from plain profile values. Calibration builds one per case per evaluation and drops it
 * at once: with `transient`, the model's tables live in buffers kept per graph and reused by the
 * next transient model of the same graph, so only one of them may be in use at a time.
 */
export function edgeTpuModelOf(graph: LayerGraph, p: ProfileValues, profileName: string, runner: RunnerName = 'pycoral', freshRunner = false, transient = false): CostModel {
  return new EdgeTpuModel(graph, p, profileName, runner, freshRunner, transient ? scratchOf(graph) : undefined);
}

/** Reusable buffers of a graph's transient models. */
interface Scratch {
  readonly perOp: Float64Array[];
  readonly tables: Map<number, { t: Float64Array; reach: Int32Array }>;
}

const scratches = new WeakMap<LayerGraph, Scratch>();

function scratchOf(graph: LayerGraph): Scratch {
  let s = scratches.get(graph);
  if (!s) {
    const n = graph.ops.length;
    s = { perOp: [new F64(n), new F64(n), new F64(n), new F64(n + 1)], tables: new Map() };
    scratches.set(graph, s);
  }
  return s;
}

// Rows of the per-op prefix table of a placement class.
const COMPUTE = 0;
const CPU = 1;
const CACHE_BYTES = 2;
const CACHE_EXTRA = 3;
const BIG_BYTES = 4;
const BIG_EXTRA = 5;
const ACT = 6;
/** The activation part of COMPUTE (activationMsPerMiB x MiB of each TPU op that computes). */
const ACT_MS = 7;
/** Elementwise constants (streamed whatever the room): bytes and streaming ms at their full size. */
const EW_BYTES = 8;
const EW_EXTRA = 9;
/** Per end b: the last op before b that computes on the TPU (-1: none). */
const LAST_TPU = 10;
const ROWS = 11;


interface ClassTables {
  readonly place: PlacementClass;
  /** ROWS prefix sums of n + 1 entries each, row-major. */
  readonly t: Float64Array;
  /** Per start a: the end of the cached prefix at full capacity over [a, n) (two pointers, O(n)). */
  readonly reach: Int32Array;
}

/** A class rather than closures: calibration builds a model per case per evaluation. */
class EdgeTpuModel implements CostModel {
  readonly id = 'edgetpu';
  readonly pipeline: PipelineParams;
  readonly hasShared = true;
  readonly stageDependent: boolean;
  private readonly f: GraphFacts;
  private readonly n: number;
  private readonly tables: (ClassTables | undefined)[];
  private readonly cb: Float64Array;
  /** Per op: TPU cost, host cost, streaming extra (for the class tables and the lower bound). */
  private readonly tpuMs: Float64Array;
  private readonly hostMs: Float64Array;
  private readonly extra: Float64Array;
  /** Least streaming ms per compiled byte over the cacheable layers, and prefix sums of each op's cheaper placement (for lowerBoundMs, built on first use). */
  private readonly minStreamPerByte: number;
  private cheaper: Float64Array | undefined;
  private readonly minFactor: number;
  /** The compute factor of every position past the profile's list. */
  private readonly factorPast: number;
  /** Scratch row of input bytes for segmentMsRow. */
  private inRow: Float64Array | undefined;
  private readonly python: boolean;
  /** stageActFactor - 1: the extra activation time of a pipeline stage over a whole-model run. */
  private readonly stageExtra: number;
  /** Per op: a conv's activation bytes (in + out), which its compiled weights must outweigh for it to be cached in part; Infinity for any other op (never split). */
  private readonly splitAct: Float64Array;

  constructor(readonly graph: LayerGraph, private readonly p: ProfileValues, readonly profile: string, runner: RunnerName, freshRunner: boolean,
    private readonly scratch?: Scratch) {
    this.pipeline = { runner, hostCores: p.hostCores, freshRunner };
    const factors = p.computeFactors;
    this.stageDependent = factors !== undefined && factors.some((x) => x !== factors[0]);
    this.python = runner === 'python-threads';
    this.stageExtra = p.stageActFactor - 1;
    const f = (this.f = graphFacts(graph));
    const n = (this.n = f.n);
    this.tables = new Array<ClassTables | undefined>(f.classes);
    const cb = (this.cb = f.compiled({ padOut: p.weightPadChannels, padIn: p.inputPadChannels, channelOverhead: p.channelOverheadBytes }));
    this.splitAct = f.splitAct;
    const tpuMs = (this.tpuMs = scratch?.perOp[0] ?? new F64(n));
    const hostMs = (this.hostMs = scratch?.perOp[1] ?? new F64(n));
    const extra = (this.extra = scratch?.perOp[2] ?? new F64(n));
    const convRate = p.convTops * 1e9;
    const maxLayer = p.maxLayerMiB * MiB;
    let minRate = Infinity;
    for (let i = 0; i < n; i++) {
      const kind = f.kinds[i]!;
      const actMiB = f.actMiB[i]!;
      const macs = f.macs[i]!;
      hostMs[i] = actMiB * p.hostMsPerMiB + macs / (p.hostGmacPerS * 1e6);
      let c = 0;
      if (kind === 'conv') c = (2 * macs) / (convRate * max(min(1, f.channels[i]! / p.channelWidth), 1e-3));
      else if (kind === 'depthwise') c = (2 * macs) / (p.depthwiseTops * 1e9);
      else if (kind === 'fc') c = (2 * macs) / (p.fcTops * 1e9);
      if (kind !== 'free') c += f.actInMiB[i]! * p.activationMsPerMiB;
      tpuMs[i] = c;
      const base = (cb[i]! / MiB) * p.streamMsPerMiB;
      // c includes activation traffic: streaming hides behind all of the layer's on-chip work.
      extra[i] = kind === 'conv' || kind === 'depthwise'
        ? max(0, base * (1 + p.streamActAmpPerMiB * actMiB) - p.streamHideFrac * c)
        : base;
      if (cb[i]! > 0 && cb[i]! <= maxLayer && f.streamed[i] === 0) minRate = min(minRate, extra[i]! / cb[i]!);
    }
    this.minStreamPerByte = minRate === Infinity ? 0 : minRate;
    this.minFactor = factors && factors.length > 0 ? min(...factors) : 1;
    this.factorPast = computeFactorAt(factors, factors?.length ?? 0);
  }

  /** Prefix sums of each op's cheaper placement, built on first use. */
  private cheaperOf(): Float64Array {
    if (this.cheaper) return this.cheaper;
    const { n, tpuMs, hostMs } = this;
    const cheaper = (this.cheaper = this.scratch?.perOp[3] ?? new F64(n + 1));
    const least = min(1, this.minFactor) * min(1, this.p.stageActFactor);
    for (let i = 0; i < n; i++) cheaper[i + 1] = cheaper[i]! + min(tpuMs[i]! * least, hostMs[i]!);
    return cheaper;
  }

  /** The prefix tables of placement class k, built on first use. */
  private tablesOf(k: number): ClassTables {
    const hit = this.tables[k];
    if (hit) return hit;
    const { n, cb, tpuMs, hostMs, extra, p } = this;
    const place = this.f.placement(k);
    const w = n + 1;
    let reused = this.scratch?.tables.get(k);
    if (this.scratch && !reused) this.scratch.tables.set(k, (reused = { t: new F64(ROWS * w), reach: new Int32Array(w) }));
    const t = reused?.t ?? new F64(ROWS * w);
    const maxLayer = p.maxLayerMiB * MiB;
    t[LAST_TPU * w] = -1;
    for (let i = 0; i < n; i++) {
      const on = place.onTpu[i] === 1;
      const bytes = on ? cb[i]! : 0;
      // Streamed on every invoke without blocking later layers: an elementwise constant, a layer above maxLayerMiB.
      const ew = bytes > 0 && this.f.streamed[i] === 1;
      const big = !ew && bytes > maxLayer;
      t[COMPUTE * w + i + 1] = t[COMPUTE * w + i]! + (on ? tpuMs[i]! : 0);
      t[CPU * w + i + 1] = t[CPU * w + i]! + (on ? 0 : hostMs[i]!);
      t[CACHE_BYTES * w + i + 1] = t[CACHE_BYTES * w + i]! + (big || ew ? 0 : bytes);
      t[CACHE_EXTRA * w + i + 1] = t[CACHE_EXTRA * w + i]! + (on && !big && !ew ? extra[i]! : 0);
      t[BIG_BYTES * w + i + 1] = t[BIG_BYTES * w + i]! + (big ? bytes : 0);
      t[BIG_EXTRA * w + i + 1] = t[BIG_EXTRA * w + i]! + (big ? extra[i]! : 0);
      t[EW_BYTES * w + i + 1] = t[EW_BYTES * w + i]! + (ew ? bytes : 0);
      t[EW_EXTRA * w + i + 1] = t[EW_EXTRA * w + i]! + (ew ? extra[i]! : 0);
      const computes = on && this.f.kinds[i] !== 'free';
      t[LAST_TPU * w + i + 1] = computes ? i : t[LAST_TPU * w + i]!;
      t[ACT * w + i + 1] = t[ACT * w + i]! + (on ? this.f.actMiB[i]! : 0);
      t[ACT_MS * w + i + 1] = t[ACT_MS * w + i]! + (on && this.f.kinds[i] !== 'free' ? this.f.actInMiB[i]! * p.activationMsPerMiB : 0);
    }
    const reach = reused?.reach ?? new Int32Array(w);
    const o = CACHE_BYTES * w;
    const capacity = p.capacityMiB * MiB;
    for (let a = 0, k2 = 0; a <= n; a++) {
      if (k2 < a) k2 = a;
      while (k2 < n && t[o + k2 + 1]! <= t[o + a]! + capacity) k2++;
      reach[a] = k2;
    }
    const tables = { place, t, reach };
    this.tables[k] = tables;
    return tables;
  }

  private check(a: number, b: number): void {
    // (x | 0) === x: an integer test that stays cheap on the hot path.
    if (!((a | 0) === a && (b | 0) === b && 0 <= a && a < b && b <= this.n)) {
      throw new RangeError(`segment [${a}, ${b}) is not a non-empty range of 0..${this.n}`);
    }
  }

  /** Parameter bytes a segment fed `inBytes` from the host can cache. */
  private capacityFor(inBytes: number): number {
    return max(0, this.p.capacityMiB * MiB - this.p.capacityPerInputMiB * inBytes);
  }

  /**
   * Bytes of op k, the first layer past the cached prefix [a, k) of [a, b), cached in part: the room the
   * prefix leaves, when op k is a conv whose compiled weights outweigh its activations (0 otherwise, and when k = b).
   */
  private partialAt(c: ClassTables, a: number, b: number, k: number, inBytes: number): number {
    if (!(k < b && this.splitAct[k]! <= this.cb[k]!)) return 0;
    const o = CACHE_BYTES * (this.n + 1);
    return this.capacityFor(inBytes) - (c.t[o + k]! - c.t[o + a]!);
  }

  /** End of the cached prefix: largest k in [a, b] whose layers [a, k) fit the capacity left by `inBytes`. */
  private cachedUpTo(c: ClassTables, a: number, b: number, inBytes: number): number {
    const full = min(c.reach[a]!, b);
    const penalty = this.p.capacityPerInputMiB * inBytes;
    if (penalty === 0) return full;
    const o = CACHE_BYTES * (this.n + 1);
    const bound = c.t[o + a]! + this.capacityFor(inBytes);
    let lo = a;
    let hi = full;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (c.t[o + mid]! <= bound) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Host bytes the TPU subgraph of [a, b) reads (0 when nothing maps). */
  private tpuIn(c: ClassTables, a: number, b: number, onTpu: boolean): number {
    return onTpu ? max(0, this.f.index.rangeInputBytes(a, b) + c.place.inAdj[b]! - c.place.inAdj[a]!) : 0;
  }

  /** Host bytes the TPU subgraph of [a, b) writes (0 when nothing maps). */
  private tpuOut(c: ClassTables, a: number, b: number, onTpu: boolean): number {
    return onTpu ? max(0, this.f.index.rangeOutputBytes(a, b) + c.place.outAdj[b]! - c.place.outAdj[a]!) : 0;
  }

  /**
   * The share of their full size at which [a, b)'s elementwise constants stream, with its cached prefix
   * ending at k and `part` bytes of op k cached: ELEMENTWISE_MERGED_FRACTION when layer weights stream too.
   */
  private ewShare(t: Float64Array, a: number, b: number, k: number, part: number): number {
    const w = this.n + 1;
    return t[CACHE_BYTES * w + b]! - t[CACHE_BYTES * w + k]! - part > 0 || t[BIG_BYTES * w + b]! > t[BIG_BYTES * w + a]! ? ELEMENTWISE_MERGED_FRACTION : 1;
  }

  /** Parameter bytes [a, b) streams with its cached prefix ending at k and `part` bytes of op k cached. */
  private offChipAt(c: ClassTables, a: number, b: number, k: number, part: number): number {
    const w = this.n + 1;
    const t = c.t;
    return (t[CACHE_BYTES * w + b]! - t[CACHE_BYTES * w + k]! - part) + (t[BIG_BYTES * w + b]! - t[BIG_BYTES * w + a]!)
      + (t[EW_BYTES * w + b]! - t[EW_BYTES * w + a]!) * this.ewShare(t, a, b, k, part);
  }

  /**
   * Streaming ms of [a, b) with its cached prefix ending at k and `part` bytes of op k cached; `ewShare`
   * overrides the share of the elementwise constants (lower bounds take the least).
   */
  private streamAt(t: Float64Array, a: number, b: number, k: number, part: number, ewShare = this.ewShare(t, a, b, k, part)): number {
    const w = this.n + 1;
    return (t[CACHE_EXTRA * w + b]! - t[CACHE_EXTRA * w + k]! - (part > 0 ? this.extra[k]! * (part / this.cb[k]!) : 0))
      + (t[BIG_EXTRA * w + b]! - t[BIG_EXTRA * w + a]!)
      + (t[EW_EXTRA * w + b]! - t[EW_EXTRA * w + a]!) * ewShare;
  }

  /**
   * Ms of [a, b)'s output transfer at stage `stage`: the part its last computing TPU layer, which the
   * transfer runs alongside, does not cover.
   */
  private outMsAt(t: Float64Array, a: number, b: number, outB: number, stage: number): number {
    const raw = outB / (this.p.outMBps * 1e3);
    const w = this.n + 1;
    const last = t[LAST_TPU * w + b]!;
    if (raw === 0 || last < a) return raw;
    const whole = a === 0 && b === this.n;
    return max(0, raw - (this.tpuMs[last]! + (whole ? 0 : this.f.actInMiB[last]! * this.p.activationMsPerMiB * this.stageExtra)) * this.factor(stage));
  }

  /** Time on the shared host link of a segment's TPU transfers and streamed parameters. */
  private linkMsOf(inB: number, outB: number, off: number): number {
    return (inB + outB + off) / (this.p.linkSharedMBps * 1e3);
  }

  /** First-invoke cost of [a, b) with its cached prefix ending at k and `part` bytes of op k cached (the segment maps). */
  private firstAt(c: ClassTables, a: number, b: number, k: number, part: number): number {
    const w = this.n + 1;
    const p = this.p;
    return p.firstInvokeMs + ((c.t[CACHE_BYTES * w + k]! - c.t[CACHE_BYTES * w + a]! + part) / MiB) * p.firstMsPerMiB
      + (c.t[ACT * w + b]! - c.t[ACT * w + a]!) * p.firstMsPerActMiB;
  }

  /** The runner's per-stage host work of [a, b) (0 for the whole model: a plain invoke). */
  private runnerMs(a: number, b: number): number {
    return a === 0 && b === this.n ? 0 : this.runnerWork(a, b);
  }

  /** What [a, b)'s activation work adds as a pipeline stage over a whole-model run (0 for the whole model). */
  private stageActMs(t: Float64Array, a: number, b: number): number {
    const w = this.n + 1;
    return a === 0 && b === this.n ? 0 : (t[ACT_MS * w + b]! - t[ACT_MS * w + a]!) * this.stageExtra;
  }

  private runnerWork(a: number, b: number): number {
    const p = this.p;
    if (!this.python) return p.hopMs;
    const idx = this.f.index;
    return p.gilMs + ((idx.rangeInputBytes(a, b) + idx.rangeOutputBytes(a, b)) / MiB) * p.gilMsPerMiB;
  }

  /** Factor on the TPU compute of the stage at pipeline position `stage`. */
  private factor(stage: number): number {
    const factors = this.p.computeFactors;
    return factors !== undefined && factors.length > 0 && stage < factors.length ? factors[stage]! : this.factorPast;
  }

  positionKey(stage: number): string {
    return String(this.factor(stage));
  }

  runnerStageMs(a: number, b: number): number {
    this.check(a, b);
    return this.runnerWork(a, b);
  }

  /**
   * A handoff thread pops one runner's outputs and pushes them into the next runner: per input,
   * Python work like a Python runner's per-stage work (`gilMs`) and one copy of the crossing
   * tensors (pycoral's push memcpy's every array with the interpreter lock held, host-runtime.md
   * s2; pop wraps the outputs without a copy), priced like the runner's own copies
   * (`gilMsPerMiB`). Our inference: no measurement of such a thread.
   */
  handoffMs(cut: number): number {
    if (!((cut | 0) === cut && cut >= 1 && cut < this.n)) throw new RangeError(`cut ${cut} is not inside 1..${this.n - 1}`);
    return this.p.gilMs + (this.f.index.crossingBytes(cut) / MiB) * this.p.gilMsPerMiB;
  }

  segmentMs(a: number, b: number, stage = 0): number {
    this.check(a, b);
    // The hot path of every searcher: the same terms as segment(), inlined.
    const c = this.tablesOf(this.f.classOf[a]!);
    const p = this.p;
    const t = c.t;
    const w = this.n + 1;
    const onTpu = c.place.tpuOps[b]! - c.place.tpuOps[a]! > 0;
    const inB = this.tpuIn(c, a, b, onTpu);
    const outB = this.tpuOut(c, a, b, onTpu);
    const k = this.cachedUpTo(c, a, b, inB);
    return (onTpu ? p.fixedMs : 0)
      + ((t[COMPUTE * w + b]! - t[COMPUTE * w + a]!) + this.stageActMs(t, a, b)) * this.factor(stage)
      + this.streamAt(t, a, b, k, this.partialAt(c, a, b, k, inB))
      + inB / (p.inMBps * 1e3) + this.outMsAt(t, a, b, outB, stage)
      + this.runnerMs(a, b)
      + (t[CPU * w + b]! - t[CPU * w + a]!);
  }

  /**
   * segmentMs(a, b, stage) into out[a] for every start a in [lo, hi), hi <= b, bit for bit (the
   * same terms in the same order), with the range queries done once per row: several times faster
   * per segment than segmentMs for dp, which prices rows.
   */
  segmentMsRow(b: number, lo: number, hi: number, out: Float64Array, stage = 0): void {
    this.check(lo, b);
    if (!((hi | 0) === hi && lo <= hi && hi <= b)) throw new RangeError(`starts [${lo}, ${hi}) are not within [${lo}, ${b})`);
    const f = this.f;
    const p = this.p;
    const n = this.n;
    const w = n + 1;
    const inRow = (this.inRow ??= new F64(w));
    f.index.rangeInputBytesRow(b, lo, hi, inRow);
    f.index.rangeOutputBytesRow(b, lo, hi, out);
    const factor = this.factor(stage);
    const inRate = p.inMBps * 1e3;
    const outRate = p.outMBps * 1e3;
    const perInput = p.capacityPerInputMiB;
    const splitAct = this.splitAct;
    const extra = this.extra;
    const cb = this.cb;
    const cacheBytes = CACHE_BYTES * w;
    let k0 = f.classOf[hi - 1 < lo ? lo : hi - 1]!;
    let c = this.tablesOf(k0);
    for (let a = hi - 1; a >= lo; a--) {
      const kc = f.classOf[a]!;
      if (kc !== k0) {
        c = this.tablesOf(kc);
        k0 = kc;
      }
      const t = c.t;
      const place = c.place;
      const onTpu = place.tpuOps[b]! - place.tpuOps[a]! > 0;
      const rangeIn = inRow[a]!;
      const rangeOut = out[a]!;
      let inB = 0;
      let outB = 0;
      if (onTpu) {
        inB = max(0, rangeIn + place.inAdj[b]! - place.inAdj[a]!);
        outB = max(0, rangeOut + place.outAdj[b]! - place.outAdj[a]!);
      }
      // cachedUpTo and partialAt, inlined.
      let k = min(c.reach[a]!, b);
      const penalty = perInput * inB;
      const capacity = max(0, p.capacityMiB * MiB - penalty);
      if (penalty !== 0) {
        const bound = t[cacheBytes + a]! + capacity;
        let top = k;
        k = a;
        while (k < top) {
          const mid = (k + top + 1) >>> 1;
          if (t[cacheBytes + mid]! <= bound) k = mid;
          else top = mid - 1;
        }
      }
      const part = k < b && splitAct[k]! <= cb[k]! ? capacity - (t[cacheBytes + k]! - t[cacheBytes + a]!) : 0;
      // ewShare, inlined.
      const ewShare = t[cacheBytes + b]! - t[cacheBytes + k]! - part > 0 || t[BIG_BYTES * w + b]! > t[BIG_BYTES * w + a]! ? ELEMENTWISE_MERGED_FRACTION : 1;
      // runnerMs, inlined.
      const runner = a === 0 && b === n ? 0 : !this.python ? p.hopMs : p.gilMs + ((rangeIn + rangeOut) / MiB) * p.gilMsPerMiB;
      out[a] = (onTpu ? p.fixedMs : 0)
        + ((t[COMPUTE * w + b]! - t[COMPUTE * w + a]!) + this.stageActMs(t, a, b)) * factor
        + ((t[CACHE_EXTRA * w + b]! - t[CACHE_EXTRA * w + k]! - (part > 0 ? extra[k]! * (part / cb[k]!) : 0)) + (t[BIG_EXTRA * w + b]! - t[BIG_EXTRA * w + a]!)
          + (t[EW_EXTRA * w + b]! - t[EW_EXTRA * w + a]!) * ewShare)
        + inB / inRate + this.outMsAt(t, a, b, outB, stage)
        + runner
        + (t[CPU * w + b]! - t[CPU * w + a]!);
    }
  }

  /**
   * A lower bound of segmentMs, at any pipeline position, that never decreases as the range grows,
   * for exact pruning in searchers (src/search/bound.ts).
   *
   * When every op's placement is the same whatever the segment's start (one placement class): the
   * fixed cost when the segment maps, compute at the least position factor, host work, layers too
   * big to cache, and the layers past the cached prefix at full capacity (input bytes only shrink
   * the capacity, so at least these stream). Growing the range at either end never moves that
   * prefix's end forward (reach does not decrease with a) and only adds non-negative terms.
   *
   * Otherwise an op's placement changes with the start, so each op counts at the cheaper of its TPU
   * and host cost, plus the streaming of the ops that run on the TPU whatever the start (class 0's,
   * a subset of every class's): their layers too big to cache, and their bytes beyond the full
   * capacity at the cheapest streaming rate.
   */
  lowerBoundMs(a: number, b: number): number {
    this.check(a, b);
    const c = this.tablesOf(0);
    const t = c.t;
    const w = this.n + 1;
    if (this.f.classes === 1) {
      const k = min(c.reach[a]!, b);
      // Op k cached in part at full capacity: input bytes only shrink the room, or move the prefix's end back.
      return (c.place.tpuOps[b]! - c.place.tpuOps[a]! > 0 ? this.p.fixedMs : 0)
        + (t[COMPUTE * w + b]! - t[COMPUTE * w + a]!) * min(1, this.minFactor) * min(1, this.p.stageActFactor)
        + this.streamAt(t, a, b, k, this.partialAt(c, a, b, k, 0), ELEMENTWISE_MERGED_FRACTION)
        + (t[CPU * w + b]! - t[CPU * w + a]!);
    }
    const excess = max(0, t[CACHE_BYTES * w + b]! - t[CACHE_BYTES * w + a]! - this.p.capacityMiB * MiB);
    const cheaper = this.cheaperOf();
    return (cheaper[b]! - cheaper[a]!)
      + (t[BIG_EXTRA * w + b]! - t[BIG_EXTRA * w + a]!) + (t[EW_EXTRA * w + b]! - t[EW_EXTRA * w + a]!) * ELEMENTWISE_MERGED_FRACTION
      + excess * this.minStreamPerByte;
  }

  /** `segment(a, b).offChipBytes` in O(log n), for searchers' tie-breaks. */
  offChipBytes(a: number, b: number): number {
    this.check(a, b);
    const c = this.tablesOf(this.f.classOf[a]!);
    const onTpu = c.place.tpuOps[b]! - c.place.tpuOps[a]! > 0;
    const inB = this.tpuIn(c, a, b, onTpu);
    const k = this.cachedUpTo(c, a, b, inB);
    return this.offChipAt(c, a, b, k, this.partialAt(c, a, b, k, inB));
  }

  sharedMs(a: number, b: number, out: SharedDemands): void {
    this.check(a, b);
    const c = this.tablesOf(this.f.classOf[a]!);
    const w = this.n + 1;
    const p = this.p;
    const runner = this.runnerMs(a, b);
    out[SHARED.gil] = this.python ? runner : 0;
    out[SHARED.hostCpu] = c.t[CPU * w + b]! - c.t[CPU * w + a]! + runner;
    out[SHARED.link] = 0;
    if (p.linkSharedMBps > 0 && c.place.tpuOps[b]! - c.place.tpuOps[a]! > 0) {
      const inB = this.tpuIn(c, a, b, true);
      const outB = this.tpuOut(c, a, b, true);
      const k = this.cachedUpTo(c, a, b, inB);
      out[SHARED.link] = this.linkMsOf(inB, outB, this.offChipAt(c, a, b, k, this.partialAt(c, a, b, k, inB)));
    }
  }

  firstMs(a: number, b: number): number {
    this.check(a, b);
    const c = this.tablesOf(this.f.classOf[a]!);
    if (c.place.tpuOps[b]! - c.place.tpuOps[a]! === 0) return 0;
    const inB = this.tpuIn(c, a, b, true);
    const k = this.cachedUpTo(c, a, b, inB);
    return this.firstAt(c, a, b, k, this.partialAt(c, a, b, k, inB));
  }

  segment(a: number, b: number, stage = 0): SegmentCost {
    this.check(a, b);
    const p = this.p;
    const c = this.tablesOf(this.f.classOf[a]!);
    const w = this.n + 1;
    const sum = (row: number, x: number, y: number): number => c.t[row * w + y]! - c.t[row * w + x]!;
    const tpuOps = c.place.tpuOps[b]! - c.place.tpuOps[a]!;
    const onTpu = tpuOps > 0;
    const inB = this.tpuIn(c, a, b, onTpu);
    const outB = this.tpuOut(c, a, b, onTpu);
    const k = this.cachedUpTo(c, a, b, inB);
    const part = this.partialAt(c, a, b, k, inB);
    const cpuOps: number[] = [];
    for (let i = a; i < b; i++) if (!c.place.onTpu[i]) cpuOps.push(i);
    const onChipBytes = sum(CACHE_BYTES, a, k) + part;
    const offChipBytes = this.offChipAt(c, a, b, k, part);
    const runner = this.runnerMs(a, b);
    const parts = {
      computeMs: (sum(COMPUTE, a, b) + this.stageActMs(c.t, a, b)) * this.factor(stage),
      streamMs: this.streamAt(c.t, a, b, k, part),
      inMs: inB / (p.inMBps * 1e3),
      outMs: this.outMsAt(c.t, a, b, outB, stage),
      fixedMs: onTpu ? p.fixedMs : 0,
      hopMs: runner,
      cpuMs: sum(CPU, a, b),
    };
    return {
      firstOp: a,
      lastOp: b - 1,
      ops: b - a,
      tpuOps,
      paramBytes: this.f.index.paramBytes(a, b),
      onChipBytes,
      offChipBytes,
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
      gilMs: this.python ? runner : 0,
      linkMs: p.linkSharedMBps > 0 && onTpu ? this.linkMsOf(inB, outB, offChipBytes) : 0,
      hostCpuMs: parts.cpuMs + runner,
      firstMs: onTpu ? this.firstAt(c, a, b, k, part) : 0,
      // Same terms in the same order as segmentMs, so the two agree to the last bit.
      ms: parts.fixedMs + parts.computeMs + parts.streamMs + parts.inMs + parts.outMs + parts.hopMs + parts.cpuMs,
    };
  }
}
