import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { configInvalid, type TpusegError } from '../src/errors';

/**
 * Edge TPU cost profiles: JSON files in which every constant carries its value and its source.
 * Decoded with io-ts at the edge; a missing or nonsensical field is reported with its path, e.g.
 * `constants.streamMsPerMiB.value: expected a positive number, got -1`.
 */

const finite = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u);

const numberKind = (name: string, ok: (v: number) => boolean): t.Type<number> =>
  new t.Type<number>(name, (u): u is number => finite(u) && ok(u), (u, c) => (finite(u) && ok(u) ? t.success(u) : t.failure(u, c)), t.identity);

const positive = numberKind('a positive number', (v) => v > 0);
const nonNegative = numberKind('a non-negative number', (v) => v >= 0);
const fraction = numberKind('a number in [0, 1]', (v) => v >= 0 && v <= 1);
const positiveInteger = numberKind('a positive integer', (v) => v > 0 && Number.isInteger(v));
const source = new t.Type<string>('a non-empty source text', (u): u is string => typeof u === 'string' && u.trim() !== '',
  (u, c) => (typeof u === 'string' && u.trim() !== '' ? t.success(u) : t.failure(u, c)), t.identity);

const constant = <C extends t.Type<number>>(value: C) => t.type({ value, source });

/** Every constant of the Edge TPU model, with the check its value must pass. Units are in the names. */
export const CONSTANT_KINDS = {
  /** Per invoke of a segment on a TPU. */
  fixedMs: nonNegative,
  /** Host threads and queues, paid by every stage of a pipeline of two or more segments. */
  hopMs: nonNegative,
  /** Activation transfer host -> TPU and TPU -> host, in MB/s (1 MB = 10^6 bytes). */
  inMBps: positive,
  outMBps: positive,
  /** Effective rates in TOPS (2 ops per MAC) of dense conv, depthwise conv and fully-connected layers. */
  convTops: positive,
  depthwiseTops: positive,
  fcTops: positive,
  /** Conv/depthwise rate scales by min(1, channels / channelWidth): few-channel layers run below peak. */
  channelWidth: positive,
  /** Every TPU op, per MiB of activation it reads and writes (on-chip activation traffic). */
  activationMsPerMiB: nonNegative,
  /** Host CPU ops (float QUANTIZE/DEQUANTIZE, unsupported types): per MiB read + written, and a MAC rate. */
  hostMsPerMiB: nonNegative,
  hostGmacPerS: positive,
  /** Usable on-chip parameter cache, reduced per MiB of activations the segment receives from the host. */
  capacityMiB: positive,
  capacityPerInputMiB: nonNegative,
  /** A single layer whose compiled weights exceed this always streams (and does not block later layers). */
  maxLayerMiB: positive,
  /** Streaming of uncached parameters, per compiled MiB. */
  streamMsPerMiB: positive,
  /** A streamed conv layer costs (1 + amp x its activation MiB) times more per MiB. */
  streamActAmpPerMiB: nonNegative,
  /** Fraction of a streamed conv layer's compute that hides its streaming. */
  streamHideFrac: fraction,
  /** The compiler pads output channels of weights, and input channels of conv weights, to these multiples. */
  weightPadChannels: positiveInteger,
  inputPadChannels: positiveInteger,
  /** Compiled bytes per padded output channel of a conv beyond the weights (bias, requantization). */
  channelOverheadBytes: nonNegative,
} as const;

export type ConstantName = keyof typeof CONSTANT_KINDS;
export const CONSTANT_NAMES = Object.keys(CONSTANT_KINDS) as ConstantName[];

const constantsCodec = t.type(
  Object.fromEntries(CONSTANT_NAMES.map((k) => [k, constant(CONSTANT_KINDS[k])])) as { [K in ConstantName]: ReturnType<typeof constant> },
);

export const ProfileCodec = t.intersection([
  t.type({ name: source, description: source, constants: constantsCodec }),
  t.partial({ calibration: t.UnknownRecord }),
]);

export interface Constant {
  readonly value: number;
  readonly source: string;
}

export interface CostProfile {
  readonly name: string;
  readonly description: string;
  readonly constants: { readonly [K in ConstantName]: Constant };
  /** What the constants were fitted on, when they were (written by `tpuseg calibrate`). */
  readonly calibration?: Readonly<Record<string, unknown>>;
}

/** The plain numbers of a profile, for the model's hot path. */
export type ProfileValues = { readonly [K in ConstantName]: number };

export const profileValues = (p: CostProfile): ProfileValues =>
  Object.fromEntries(CONSTANT_NAMES.map((k) => [k, p.constants[k].value])) as unknown as ProfileValues;

const show = (u: unknown): string => {
  if (u === undefined) return 'nothing (missing)';
  if (typeof u === 'number') return String(u);
  const s = JSON.stringify(u);
  return s === undefined ? String(u) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

function problems(errors: t.Errors): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    const keys = e.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k));
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a value';
    out.add(`${keys.join('.') || '(root)'}: expected ${expected}, got ${show(e.value)}`);
  }
  return [...out];
}

/** Decodes a parsed JSON value into a profile; `file` names it in errors. Unknown constants are rejected too. */
export function decodeProfile(u: unknown, file: string): E.Either<TpusegError, CostProfile> {
  const decoded = ProfileCodec.decode(u);
  const extra: string[] = [];
  const constants = (u as { constants?: unknown } | null)?.constants;
  if (constants && typeof constants === 'object') {
    for (const k of Object.keys(constants)) {
      if (!(k in CONSTANT_KINDS)) extra.push(`constants.${k}: unknown constant (known: ${CONSTANT_NAMES.join(', ')})`);
    }
  }
  if (E.isLeft(decoded)) return E.left(configInvalid(file, [...problems(decoded.left), ...extra]));
  if (extra.length > 0) return E.left(configInvalid(file, extra));
  return E.right(decoded.right as CostProfile);
}

/** A copy of `p` with some values replaced and their sources set. */
export function withValues(p: CostProfile, values: Partial<ProfileValues>, sourceText: string): CostProfile {
  const constants = { ...p.constants } as Record<ConstantName, Constant>;
  for (const k of Object.keys(values) as ConstantName[]) {
    const v = values[k];
    if (v !== undefined) constants[k] = { value: v, source: sourceText };
  }
  return { ...p, constants };
}
