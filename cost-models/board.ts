import type { LayerGraph } from '../src/graph/types';
import type { CostProfile, ConstantName } from './profile';
import { edgeTpuModel, type ModelOptions } from './edgetpu';
import type { CostModel, PipelineParams, SegmentCost, SharedDemands } from './types';

/**
 * A board of Edge TPUs that are not alike (a PCIe M.2 module beside USB accelerators): one
 * profile per TPU position. The stage at position t is priced with the Edge TPU model of device
 * t's profile, at position t (so a device profile with per-position compute factors gives that
 * position's factor, and a board listing one profile K times prices exactly like that profile).
 *
 * One host runs every stage, so the host's constants apply to all of them: the runner, its
 * per-stage work (`hopMs`, `gilMs`, `gilMsPerMiB`), a link the TPUs share, the host's cores and
 * its rates for host-side ops, taken from the host profile (`tpuseg segment --profile`, else the
 * first device's). Everything about the TPU and its own link (fixed cost per invoke, transfer
 * rates, compute rates, cache, streaming, first invokes) comes from the device's profile.
 *
 * Searchers see a stage-dependent cost model: dp stays exact for the given order of devices
 * (bands priced at the least position price, each layer at its own position; strategies/dp.ts).
 */

/** Constants of the host that runs the pipeline, not of one TPU. */
export const HOST_CONSTANTS: readonly ConstantName[] = ['hopMs', 'gilMs', 'gilMsPerMiB', 'linkSharedMBps', 'hostCores', 'hostMsPerMiB', 'hostGmacPerS'];

/** Device `device` on the host of `host`: the device's constants, the host's host constants and runner. */
export function onHost(device: CostProfile, host: CostProfile): CostProfile {
  const constants = { ...device.constants };
  for (const k of HOST_CONSTANTS) constants[k] = host.constants[k];
  const { runner: _ignored, ...rest } = device;
  return { ...rest, constants, ...(host.runner !== undefined ? { runner: host.runner } : {}) };
}

/** Stable identity of a profile's numbers (two loads of one file are the same device). */
const fingerprint = (p: CostProfile): string => JSON.stringify([p.name, p.runner ?? null, p.positions ?? null, p.constants]);

/** The board's name in reports: its devices, runs of one device shortened (`edgetpu-pcie,3xedgetpu-usb3`). */
export function boardName(devices: readonly CostProfile[]): string {
  const out: string[] = [];
  for (let i = 0; i < devices.length; ) {
    let j = i;
    while (j < devices.length && devices[j]!.name === devices[i]!.name) j++;
    out.push(j - i > 1 ? `${j - i}x${devices[i]!.name}` : devices[i]!.name);
    i = j;
  }
  return out.join(',');
}

/**
 * The cost model of a board: the plain model of its one device (on the host) when every device is
 * the same profile (with that profile as the host, results identical to the homogeneous path),
 * else a BoardModel.
 */
export function boardModel(graph: LayerGraph, devices: readonly CostProfile[], host: CostProfile = devices[0]!, opts: ModelOptions = {}): CostModel {
  if (devices.length === 0) throw new RangeError('a board needs at least one device');
  const first = fingerprint(devices[0]!);
  if (devices.every((d) => fingerprint(d) === first)) return edgeTpuModel(graph, fingerprint(host) === first ? host : onHost(devices[0]!, host), opts);
  return new BoardModel(graph, devices, host, opts);
}

export class BoardModel implements CostModel {
  readonly id = 'edgetpu-board';
  readonly profile: string;
  readonly pipeline: PipelineParams;
  readonly hasShared = true;
  readonly stageDependent = true;
  /** One model per position; positions with the same device share one. */
  private readonly models: readonly CostModel[];
  private readonly distinct: readonly CostModel[];
  private readonly keys: readonly string[];

  constructor(readonly graph: LayerGraph, readonly devices: readonly CostProfile[], readonly host: CostProfile, opts: ModelOptions = {}) {
    const byDevice = new Map<string, CostModel>();
    this.models = devices.map((d) => {
      const key = fingerprint(d);
      let m = byDevice.get(key);
      if (!m) byDevice.set(key, (m = edgeTpuModel(graph, onHost(d, host), opts)));
      return m;
    });
    this.distinct = [...byDevice.values()];
    this.keys = devices.map((d, t) => `${d.name}@${this.models[t]!.positionKey?.(t) ?? '1'}`);
    this.profile = boardName(devices);
    this.pipeline = this.models[0]!.pipeline!;
  }

  private at(stage: number): CostModel {
    const m = this.models[stage];
    if (m === undefined) throw new RangeError(`position ${stage} is not on this board of ${this.models.length} TPUs`);
    return m;
  }

  positionKey(stage: number): string {
    this.at(stage);
    return this.keys[stage]!;
  }

  segment(a: number, b: number, stage = 0): SegmentCost {
    return this.at(stage).segment(a, b, stage);
  }

  segmentMs(a: number, b: number, stage = 0): number {
    return this.at(stage).segmentMs(a, b, stage);
  }

  segmentMsRow(b: number, lo: number, hi: number, out: Float64Array, stage = 0): void {
    const m = this.at(stage);
    if (m.segmentMsRow) m.segmentMsRow(b, lo, hi, out, stage);
    else for (let a = lo; a < hi; a++) out[a] = m.segmentMs(a, b, stage);
  }

  offChipBytes(a: number, b: number, stage = 0): number {
    const m = this.at(stage);
    return m.offChipBytes ? m.offChipBytes(a, b, stage) : m.segment(a, b, stage).offChipBytes;
  }

  sharedMs(a: number, b: number, out: SharedDemands, stage = 0): void {
    this.at(stage).sharedMs!(a, b, out, stage);
  }

  firstMs(a: number, b: number, stage = 0): number {
    return this.at(stage).firstMs!(a, b, stage);
  }

  /** The least of the devices' bounds: each holds at any position and grows with the range, so their minimum does too. */
  lowerBoundMs(a: number, b: number): number {
    let least = Infinity;
    for (const m of this.distinct) {
      const own = (m as CostModel & { lowerBoundMs?: (a: number, b: number) => number }).lowerBoundMs;
      const v = own ? own.call(m, a, b) : 0;
      if (v < least) least = v;
    }
    return least;
  }

  // The host's constants are the same in every device's model.
  runnerStageMs(a: number, b: number): number {
    return this.models[0]!.runnerStageMs!(a, b);
  }

  handoffMs(cut: number): number {
    return this.models[0]!.handoffMs!(cut);
  }
}
