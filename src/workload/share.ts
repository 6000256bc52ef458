import { costModel, withValues, type CostProfile, type RunnerName } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import type { LayerGraph } from '../graph/types';
import { evaluateLayout, type LayoutEvaluation } from '../pipeline/layout';

/**
 * What sharing a board costs, per Coral's documentation (../shared/docs/domain.md section 8):
 *
 * - co-compiled models (`edgetpu_compiler a.tflite b.tflite`, one call) share a TPU's on-chip
 *   memory for parameter caching, given out in the order the models are named: each model caches
 *   what fits of the memory the models before it left, layer by layer in execution order as one
 *   model's caching goes (cost-models/edgetpu.ts: all or nothing per layer, a prefix), and streams
 *   the rest on every invoke ("Parameter data caching", "Co-compiling multiple models"). A model is
 *   priced by the cost model with the capacity left to it (`coCompile`).
 * - time-shared models (each compiled on its own) evict each other: every switch to a model loads
 *   its cached parameters over the link again ("Run multiple models with multiple Edge TPUs"),
 *   priced as a first invoke caches them (the profile's `firstMsPerMiB`). Invokes interleave as
 *   evenly as the rates allow (our assumption: one runner per model pushing inputs as they come),
 *   so every invoke of a model that is not the most frequent follows a switch, and the most
 *   frequent is switched back to as often as the others run, at most once per invoke of its own:
 *   switches per second = min(R, 2 (R - the largest rate)) for a total of R invokes per second
 *   (`switchesInto`).
 * - either way a shared TPU runs one invoke at a time: its invokes' times, per second, add up.
 * - every runner on the host shares the host's cores, its interpreter lock (one Python process
 *   runs the whole workload) and a link the TPUs share (domain.md s8: several USB accelerators on
 *   one bus): their per-input demands (cost-models/edgetpu.ts `gilMs`, `linkMs`, `hostCpuMs`),
 *   times each model's rate, add up across the workload (`hostLoad`).
 */

const MiB = 1024 * 1024;

/** Per input, on what every runner shares: the interpreter lock, a shared link, host CPU (ms). */
export interface Demands {
  readonly gil: number;
  readonly link: number;
  readonly cpu: number;
}

/** A layout's demands per input on what the host shares: each stage's copies averaged (each input passes one), plus its handoffs. */
export function demandsOf(cost: CostModel, ev: LayoutEvaluation): Demands {
  const n = cost.graph.ops.length;
  const bounds = [0, ...ev.cuts, n];
  const python = cost.pipeline?.runner === 'python-threads';
  let gil = 0;
  let link = 0;
  let cpu = 0;
  ev.tpus.forEach((ts, i) => {
    const a = bounds[i]!;
    const b = bounds[i + 1]!;
    const runner = ev.tpus.length === 1 && ts.length > 1 ? cost.runnerStageMs?.(a, b) ?? 0 : 0;
    for (const t of ts) {
      const s = cost.segment(a, b, t);
      gil += ((s.gilMs ?? 0) + (python ? runner : 0)) / ts.length;
      link += (s.linkMs ?? 0) / ts.length;
      cpu += ((s.hostCpuMs ?? 0) + runner) / ts.length;
    }
  });
  for (const h of ev.handoffs) {
    gil += h.ms;
    cpu += h.ms;
  }
  return { gil, link, cpu };
}

/** A model of the workload as the sharing options need it. */
export interface Member {
  readonly graph: LayerGraph;
  /** At the profile's full capacity. */
  readonly cost: CostModel;
}

/** One model's part of a shared TPU (figures for one input on one of the unit's TPUs). */
export interface SharedPart {
  readonly model: number;
  /** The TPU's time per invoke: the whole model's segment time alone on it. */
  readonly invokeMs: number;
  /** Capacity left to it by the models before it (co-compiled), or the profile's (time-shared). */
  readonly capacityBytes: number;
  readonly onChipBytes: number;
  readonly offChipBytes: number;
  /** Time-shared: loading its cached parameters again after another model ran. */
  readonly reloadMs: number;
  /** Its runner's layout on the unit's TPUs (the whole model, one copy per TPU). */
  readonly ev: LayoutEvaluation;
  readonly demands: Demands;
}

export type ShareMode = 'co-compiled' | 'time-shared';

export interface SharedUnit {
  readonly kind: ShareMode;
  /** Workload indices of the models, in the order compiled (co-compiled) or listed. */
  readonly models: readonly number[];
  readonly tpus: number;
  readonly parts: readonly SharedPart[];
}

/** The host's profile values a sharing option needs. */
export interface HostFacts {
  readonly profile: CostProfile;
  readonly runner: RunnerName;
  readonly capacityMiB: number;
  readonly firstMsPerMiB: number;
  /** Aggregate MB/s of a link every TPU shares; 0: a link per TPU. */
  readonly linkSharedMBps: number;
  readonly hostCores: number;
}

export const hostFacts = (profile: CostProfile, runner: RunnerName): HostFacts => ({
  profile, runner,
  capacityMiB: profile.constants.capacityMiB.value,
  firstMsPerMiB: profile.constants.firstMsPerMiB.value,
  linkSharedMBps: profile.constants.linkSharedMBps.value,
  hostCores: profile.constants.hostCores.value,
});

const seq = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/** Cost models by capacity, one per (model, capacity left), and the parts priced on them, each built once. */
export class CapacityModels {
  private readonly cache = new Map<string, CostModel>();
  private readonly parts = new Map<string, SharedPart>();
  constructor(private readonly host: HostFacts) {}

  part(member: Member, index: number, tpus: number, capacityBytes: number, reloadMsPerMiB: number): SharedPart {
    const key = `${index}|${tpus}|${capacityBytes}|${reloadMsPerMiB}`;
    let p = this.parts.get(key);
    if (!p) this.parts.set(key, (p = part(this.of(member, index, capacityBytes), index, tpus, capacityBytes, reloadMsPerMiB)));
    return p;
  }

  of(member: Member, index: number, capacityBytes: number): CostModel {
    if (capacityBytes >= this.host.capacityMiB * MiB) return member.cost;
    // A profile's capacity must be positive: a model left no room caches (next to) nothing.
    const mib = Math.max(capacityBytes / MiB, 1e-9);
    const key = `${index}|${mib}`;
    let c = this.cache.get(key);
    if (!c) {
      const p = withValues(this.host.profile, { capacityMiB: mib }, `co-compiled: the on-chip memory the models before it left (${mib.toFixed(2)} MiB)`);
      this.cache.set(key, (c = costModel(member.graph, p, { runner: this.host.runner })));
    }
    return c;
  }
}

function part(cost: CostModel, model: number, tpus: number, capacityBytes: number, reloadMsPerMiB: number): SharedPart {
  const n = cost.graph.ops.length;
  const alone = cost.segment(0, n);
  const ev = evaluateLayout(cost, { cuts: [], tpus: [seq(tpus)] });
  return {
    model, invokeMs: alone.ms, capacityBytes, onChipBytes: alone.onChipBytes, offChipBytes: alone.offChipBytes,
    reloadMs: (alone.onChipBytes / MiB) * reloadMsPerMiB, ev, demands: demandsOf(cost, ev),
  };
}

/**
 * Models co-compiled in `order` (workload indices) onto each of `tpus` TPUs: each gets the on-chip
 * memory the ones before it left, caches what of it fits, streams the rest.
 */
export function coCompile(members: readonly Member[], order: readonly number[], tpus: number, host: HostFacts, models: CapacityModels): SharedUnit {
  let left = host.capacityMiB * MiB;
  const parts = order.map((m) => {
    const p = models.part(members[m]!, m, tpus, left, 0);
    left = Math.max(0, left - p.onChipBytes);
    return p;
  });
  return { kind: 'co-compiled', models: [...order], tpus, parts };
}

/** Models compiled each on its own, sharing `tpus` TPUs: each caches as it would alone, and is evicted by the others. */
export function timeShare(members: readonly Member[], models: readonly number[], tpus: number, host: HostFacts, cache?: CapacityModels): SharedUnit {
  const full = host.capacityMiB * MiB;
  const priced = (m: number): SharedPart => (cache ? cache.part(members[m]!, m, tpus, full, host.firstMsPerMiB) : part(members[m]!.cost, m, tpus, full, host.firstMsPerMiB));
  return { kind: 'time-shared', models: [...models], tpus, parts: models.map(priced) };
}

/** Switches into each model per second, for invoke rates `q` interleaved as evenly as they allow. */
export function switchesInto(q: readonly number[]): number[] {
  if (q.length < 2) return q.map(() => 0);
  let top = 0;
  for (let i = 1; i < q.length; i++) if (q[i]! > q[top]!) top = i;
  const others = q.reduce((s, x) => s + x, 0) - q[top]!;
  return q.map((x, i) => (i === top ? Math.min(x, others) : x));
}

/** The busy ms per second of each of the unit's TPUs at these rates (inputs/s per workload model, spread over its TPUs). */
export function tpuLoadMs(u: SharedUnit, rates: readonly number[]): number {
  const q = u.parts.map((p) => rates[p.model]! / u.tpus);
  const s = u.kind === 'time-shared' ? switchesInto(q) : q.map(() => 0);
  return u.parts.reduce((sum, p, i) => sum + q[i]! * p.invokeMs + s[i]! * p.reloadMs, 0);
}

/** Parameter bytes per second a time-shared unit reloads, over all its TPUs, at these rates. */
export function reloadBytesPerS(u: SharedUnit, rates: readonly number[]): number {
  if (u.kind !== 'time-shared') return 0;
  const q = u.parts.map((p) => rates[p.model]! / u.tpus);
  const s = switchesInto(q);
  return u.tpus * u.parts.reduce((sum, p, i) => sum + s[i]! * p.onChipBytes, 0);
}

/** A model's latency on a shared TPU: its own invoke (and reload, time-shared) after, at worst, one invoke of another model. */
export function sharedLatencyMs(u: SharedUnit, i: number): number {
  const p = u.parts[i]!;
  const wait = Math.max(0, ...u.parts.filter((_, j) => j !== i).map((o) => o.invokeMs + (u.kind === 'time-shared' ? o.reloadMs : 0)));
  return p.ev.latencyMs + wait + (u.kind === 'time-shared' ? p.reloadMs : 0);
}

export type HostLoad = readonly [gil: number, link: number, cpu: number];

/** Per second of the host, what these demands at these rates take of each shared resource (plus reloads over a shared link). */
export function hostLoadOf(items: readonly { demands: Demands; rate: number }[], reloadBytes: number, host: HostFacts): HostLoad {
  let gil = 0;
  let link = 0;
  let cpu = 0;
  for (const { demands, rate } of items) {
    gil += rate * demands.gil;
    link += rate * demands.link;
    cpu += rate * demands.cpu;
  }
  if (host.linkSharedMBps > 0) link += reloadBytes / (host.linkSharedMBps * 1e3);
  return [gil, link, cpu];
}

/** The host's capacity of each shared resource in ms per second. */
export const hostCapacity = (host: HostFacts): HostLoad => [1000, 1000, 1000 * host.hostCores];

export const HOST_RESOURCES = ['interpreter lock', 'shared link', 'host CPU'] as const;
