import * as E from 'fp-ts/Either';
import { TpusegFailure, usage, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { MAX_INPUT_SIZE } from '../limits';
import type { ZooEntry } from './builder';
import { densenet121, densenet169, densenet201 } from './densenet';
import { efficientnetEdgeTpuL, efficientnetEdgeTpuM, efficientnetEdgeTpuS } from './efficientnet';
import { inceptionV1, inceptionV3, inceptionV4 } from './inception';
import { inceptionResnetV2 } from './inception-resnet';
import { mobilenetV1, mobilenetV2 } from './mobilenet';
import { resnet101V1, resnet101V2, resnet152V1, resnet152V2, resnet50V1, resnet50V2 } from './resnet';
import { vgg16, vgg19 } from './vgg';
import { xception } from './xception';
import { closestFew, orList } from '../cli/suggest';

export type { ZooEntry } from './builder';

/** Every zoo model, in the order `tpuseg zoo` lists them. One entry per line. */
export const ZOO: readonly ZooEntry[] = [
  mobilenetV1,
  mobilenetV2,
  inceptionV1,
  inceptionV3,
  inceptionV4,
  inceptionResnetV2,
  resnet50V1,
  resnet101V1,
  resnet152V1,
  resnet50V2,
  resnet101V2,
  resnet152V2,
  densenet121,
  densenet169,
  densenet201,
  xception,
  vgg16,
  vgg19,
  efficientnetEdgeTpuS,
  efficientnetEdgeTpuM,
  efficientnetEdgeTpuL,
];

export function zooNames(): string[] {
  return ZOO.map((e) => e.name);
}

export function zooEntry(name: string): ZooEntry | undefined {
  return ZOO.find((e) => e.name === name);
}

/** The entry and input size a `zoo:NAME[@SIZE]` spec names, checked (the size within its model's minimum and MAX_INPUT_SIZE). */
export function parseZooSpec(spec: string): E.Either<TpusegError, { entry: ZooEntry; size: number }> {
  const m = /^zoo:([^@]*)(?:@(.*))?$/.exec(spec.trim());
  if (!m) return E.left(usage(`${spec}: expected zoo:NAME[@SIZE]`));
  const entry = zooEntry(m[1]!);
  if (!entry) {
    const near = closestFew(m[1]!, zooNames());
    return E.left(usage(near.length > 0
      ? `${spec}: unknown zoo model "${m[1]}" (did you mean ${orList(near.map((n) => `zoo:${n}`))}? tpuseg zoo lists all ${ZOO.length})`
      : `${spec}: unknown zoo model "${m[1]}" (known: ${zooNames().join(', ')})`));
  }
  if (m[2] === undefined) return E.right({ entry, size: entry.inputSize });
  const v = Number(m[2]);
  if (!/^\d+$/.test(m[2]) || !Number.isSafeInteger(v) || v < 1) return E.left(usage(`${spec}: input size must be a positive integer, got "${m[2]}"`));
  if (v < entry.minSize) return E.left(usage(`${spec}: input size ${v} is too small for ${entry.name} (minimum ${entry.minSize})`));
  if (v > MAX_INPUT_SIZE) return E.left(usage(`${spec}: input size ${v} is too large (at most ${MAX_INPUT_SIZE})`));
  return E.right({ entry, size: v });
}

/**
 * `zoo:NAME[@SIZE]`: builds the model at its default input side or at SIZE. The graph's source
 * is the canonical `zoo:NAME@SIZE`; its name is NAME, or NAME_SIZE away from the default size.
 */
export function zooModel(spec: string): E.Either<TpusegError, LayerGraph> {
  const parsed = parseZooSpec(spec);
  if (E.isLeft(parsed)) return parsed;
  const { entry, size } = parsed.right;
  try {
    const g = entry.build(size);
    return E.right({ ...g, name: size === entry.inputSize ? entry.name : `${entry.name}_${size}`, source: `zoo:${entry.name}@${size}` });
  } catch (e) {
    if (e instanceof TpusegFailure && e.error._tag === 'Usage') return E.left(usage(`${spec}: ${e.error.message}`));
    throw e;
  }
}
