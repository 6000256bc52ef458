import * as E from 'fp-ts/Either';
import { boardModel, costModel, DEFAULT_PROFILE, loadDevices, loadProfile, type CostProfile, type ModelOptions, type RunnerName } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import type { TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';

/** The board's model when there is a board (one profile per TPU position, `profile` the host's), else the one profile's. */
export const costOn = (graph: LayerGraph, profile: CostProfile, devices: readonly CostProfile[] | undefined, opts: ModelOptions): CostModel =>
  devices ? boardModel(graph, devices, profile, opts) : costModel(graph, profile, opts);

/**
 * The cost model a search request prices with, built the same way in the main thread and in the
 * pool's workers: one profile for every TPU, or a board of one profile per TPU position
 * (cost-models/board.ts) with `profile` as the host's (default: the first device's); `freshRunner`
 * prices each batch's first invokes (predict --fresh-runner).
 */
export function requestCost(req: { readonly profile?: string; readonly devices?: string; readonly runner?: RunnerName; readonly freshRunner?: boolean }, graph: LayerGraph):
  E.Either<TpusegError, { cost: CostModel; profile: CostProfile; devices?: CostProfile[] }> {
  const devices = req.devices === undefined ? undefined : loadDevices(req.devices);
  if (devices && E.isLeft(devices)) return devices;
  const list = devices?.right;
  const profile = list && req.profile === undefined ? E.right(list[0]!) : loadProfile(req.profile ?? DEFAULT_PROFILE);
  if (E.isLeft(profile)) return profile;
  const opts = { ...(req.runner ? { runner: req.runner } : {}), ...(req.freshRunner ? { freshRunner: true } : {}) };
  return E.right({ cost: costOn(graph, profile.right, list, opts), profile: profile.right, ...(list ? { devices: list } : {}) });
}
