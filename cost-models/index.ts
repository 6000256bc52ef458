import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import type { LayerGraph } from '../src/graph/types';
import { configInvalid, type TpusegError } from '../src/errors';
import type { CostModel } from './types';
import { decodeProfile, type CostProfile } from './profile';
import { edgeTpuModel, type ModelOptions } from './edgetpu';
import { parseJson } from '../src/json-text';
import { MAX_TEXT_BYTES } from '../src/limits';
import { readRegularText } from '../src/read-file';
import { PROFILE_NAMES } from './names';

export type { CostModel, SegmentCost } from './types';
export type { CostProfile, ProfileValues, ConstantName, RunnerName } from './profile';
export { CONSTANT_NAMES, RUNNER_NAMES, decodeProfile, profileValues, withValues } from './profile';
export type { ModelOptions } from './edgetpu';
export { boardModel, boardName } from './board';

export { DEFAULT_PROFILE, PROFILE_NAMES } from './names';

export const builtinProfilePath = (name: string): string => path.join(__dirname, 'profiles', `${name}.json`);

/** Parses and validates profile JSON text; `file` names it in errors. */
export function parseProfile(text: string, file: string): E.Either<TpusegError, CostProfile> {
  const json = parseJson(text);
  return E.isLeft(json) ? E.left(configInvalid(file, [json.left])) : decodeProfile(json.right, file);
}

/** A built-in profile by name, or a profile file by path. */
export function loadProfile(nameOrPath: string): E.Either<TpusegError, CostProfile> {
  const file = PROFILE_NAMES.includes(nameOrPath) ? builtinProfilePath(nameOrPath) : nameOrPath;
  const text = readRegularText(file, MAX_TEXT_BYTES, 'a profile');
  if (E.isLeft(text)) return E.left(configInvalid(nameOrPath, [`${text.left} (built-in profiles: ${PROFILE_NAMES.join(', ')})`]));
  return parseProfile(text.right, nameOrPath);
}

/** The cost model of `graph` under `profile` (and the runner asked for, else the profile's): per-op tables are built here, once. */
export function costModel(graph: LayerGraph, profile: CostProfile, opts: ModelOptions = {}): CostModel {
  return edgeTpuModel(graph, profile, opts);
}

/**
 * A board's devices from `--devices D1,D2,...` (built-in names or profile files, one per TPU
 * position, `resolve` turning a file name into a path): every one loaded, the first error returned.
 */
export function loadDevices(list: string, resolve: (nameOrPath: string) => string = (x) => x): E.Either<TpusegError, CostProfile[]> {
  const names = list.split(',').map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === '')) return E.left(configInvalid('--devices', [`expected a comma-separated list of profiles (one per TPU position), got "${list}"`]));
  const out: CostProfile[] = [];
  const cache = new Map<string, CostProfile>();
  for (const n of names) {
    const hit = cache.get(n);
    if (hit) {
      out.push(hit);
      continue;
    }
    const p = loadProfile(PROFILE_NAMES.includes(n) ? n : resolve(n));
    if (E.isLeft(p)) return p;
    cache.set(n, p.right);
    out.push(p.right);
  }
  return E.right(out);
}
