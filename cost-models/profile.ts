import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { configInvalid, type TpusegError } from '../src/errors';
import { RUNNER_NAMES, type RunnerName } from './names';
import { calibrationProblems } from './bands';

/**
 * Edge TPU cost profiles: JSON files in which every constant carries its value and its source.
 * Decoded with io-ts at the edge; a missing or nonsensical field is reported with its path, e.g.
 * `constants.streamMsPerMiB.value: expected a positive number, got -1`.
 */

const finite = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u);

const numberKind = (name: string, ok: (v: number) => boolean): t.Type<number> =>
  new t.Type<number>(name, (u): u is number => finite(u) && ok(u), (u, c) => (finite(u) && ok(u) ? t.success(u) : t.failure(u, c)), t.identity);

/**
 * A constant's physical range, stated in its error. Values outside it are not an Edge TPU on a host
 * (a 5e-324 TOPS rate or a 1e308 ms fixed cost would price segments at Infinity or NaN).
 */
const within = (lo: number, hi: number, unit: string, open = false): t.Type<number> =>
  numberKind(`a number in ${open ? '(' : '['}${lo}, ${hi}] (${unit})`, (v) => (open ? v > lo : v >= lo) && v <= hi);
const integerWithin = (lo: number, hi: number, unit: string): t.Type<number> =>
  numberKind(`an integer in [${lo}, ${hi}] (${unit})`, (v) => Number.isInteger(v) && v >= lo && v <= hi);
const source = new t.Type<string>('a non-empty source text', (u): u is string => typeof u === 'string' && u.trim() !== '',
  (u, c) => (typeof u === 'string' && u.trim() !== '' ? t.success(u) : t.failure(u, c)), t.identity);

const constant = <C extends t.Type<number>>(value: C) => t.type({ value, source });

const ms = within(0, 1e4, 'ms');
const rate = within(0.01, 1e5, 'MB/s', true);
const tops = within(1e-3, 100, 'TOPS', true);
const msPerMiB = within(0, 1e4, 'ms per MiB');

/** Every constant of the Edge TPU model, with its physical range. Units are in the names. */
export const CONSTANT_KINDS = {
  /** Per invoke of a segment on a TPU. */
  fixedMs: ms,
  /** pycoral's C++ runner: host work per stage and input (output allocation, tensor binding, queue hand-off), stages of 2+. */
  hopMs: ms,
  /** Python-thread runner: work per stage and input that holds the interpreter lock, and per MiB of the stage's tensors copied under it. */
  gilMs: ms,
  gilMsPerMiB: msPerMiB,
  /** Activation transfer host -> TPU and TPU -> host, in MB/s (1 MB = 10^6 bytes). */
  inMBps: rate,
  outMBps: rate,
  /** Aggregate MB/s of a host link every TPU shares (one USB host controller, one PCIe switch uplink); 0 when each TPU has its own. */
  linkSharedMBps: within(0, 1e5, 'MB/s; 0 = a link per TPU'),
  /** Host CPU cores the pipeline's host work spreads over. */
  hostCores: integerWithin(1, 1024, 'cores'),
  /** A segment's first invoke on a fresh runner: a fixed part, per cached parameter MiB, per MiB of its TPU ops' activations. */
  firstInvokeMs: ms,
  firstMsPerMiB: msPerMiB,
  firstMsPerActMiB: msPerMiB,
  /** Effective rates in TOPS (2 ops per MAC) of dense conv, depthwise conv and fully-connected layers. */
  convTops: tops,
  depthwiseTops: tops,
  fcTops: tops,
  /** Conv/depthwise rate scales by min(1, channels / channelWidth): few-channel layers run below peak. */
  channelWidth: within(0, 4096, 'channels', true),
  /** Every TPU op, per MiB of activation it reads and writes (on-chip activation traffic). */
  activationMsPerMiB: msPerMiB,
  /**
   * That activation traffic in a pipeline stage, as a multiple of a whole-model run's: the stages'
   * TPUs run at once behind one host controller or switch (1: no slowdown).
   */
  stageActFactor: within(0.1, 20, 'x a whole-model run'),
  /** Host CPU ops (float QUANTIZE/DEQUANTIZE, unsupported types): per MiB read + written, and a MAC rate. */
  hostMsPerMiB: msPerMiB,
  hostGmacPerS: within(1e-3, 1e4, 'GMAC/s', true),
  /** Usable on-chip parameter cache, reduced per MiB of activations the segment receives from the host. */
  capacityMiB: within(0, 64, 'MiB', true),
  capacityPerInputMiB: within(0, 100, 'MiB per MiB'),
  /** A single layer whose compiled weights exceed this always streams (and does not block later layers). */
  maxLayerMiB: within(0, 64, 'MiB', true),
  /** Streaming of uncached parameters, per compiled MiB. */
  streamMsPerMiB: within(0, 1e4, 'ms per MiB', true),
  /** A streamed conv layer costs (1 + amp x its activation MiB) times more per MiB. */
  streamActAmpPerMiB: within(0, 100, 'per activation MiB'),
  /** Fraction of a streamed conv layer's compute that hides its streaming. */
  streamHideFrac: within(0, 1, 'fraction'),
  /** The compiler pads output channels of weights, and input channels of conv weights, to these multiples. */
  weightPadChannels: integerWithin(1, 1024, 'channels'),
  inputPadChannels: integerWithin(1, 1024, 'channels'),
  /** Compiled bytes per padded output channel of a conv beyond the weights (bias, requantization). */
  channelOverheadBytes: within(0, 1e4, 'bytes'),
} as const;

export type ConstantName = keyof typeof CONSTANT_KINDS;
export const CONSTANT_NAMES = Object.keys(CONSTANT_KINDS) as ConstantName[];

const constantsCodec = t.type(
  Object.fromEntries(CONSTANT_NAMES.map((k) => [k, constant(CONSTANT_KINDS[k])])) as { [K in ConstantName]: ReturnType<typeof constant> },
);

export const RunnerCodec = t.keyof(Object.fromEntries(RUNNER_NAMES.map((r) => [r, null])) as Record<RunnerName, null>, RUNNER_NAMES.join(' | '));

const factor = within(0.1, 20, 'x the compute time of position 0');

/**
 * TPUs of one host that are not alike (a PCIe TPU beside USB accelerators at their default,
 * reduced clock): per pipeline position 0, 1, ..., a factor on the TPU compute time (MACs and
 * on-chip activation work) of the stage that runs there.
 */
export const PositionsCodec = t.type({ computeFactor: t.array(factor), source });

export const ProfileCodec = t.intersection([
  t.type({ name: source, description: source, constants: constantsCodec }),
  t.partial({ runner: RunnerCodec, positions: PositionsCodec, calibration: t.UnknownRecord }),
]);

export interface Constant {
  readonly value: number;
  readonly source: string;
}

export { RUNNER_NAMES, type RunnerName } from './names';

export interface CostProfile {
  readonly name: string;
  readonly description: string;
  /** The pipeline runner this host runs segments with (default pycoral, as the exported run_pipeline.py). */
  readonly runner?: RunnerName;
  /** Per-position compute factors (absent: every position alike). */
  readonly positions?: { readonly computeFactor: readonly number[]; readonly source: string };
  readonly constants: { readonly [K in ConstantName]: Constant };
  /** What the constants were fitted on, when they were (written by `tpuseg calibrate`). */
  readonly calibration?: Readonly<Record<string, unknown>>;
}

/** The plain numbers of a profile, for the model's hot path. */
export type ProfileValues = { readonly [K in ConstantName]: number } & { readonly computeFactors?: readonly number[] };

export const profileValues = (p: CostProfile): ProfileValues => {
  const v = Object.fromEntries(CONSTANT_NAMES.map((k) => [k, p.constants[k].value])) as Record<string, unknown>;
  if (p.positions) v['computeFactors'] = p.positions.computeFactor;
  return v as unknown as ProfileValues;
};

/**
 * The compute factor of pipeline position `stage`: its own, or for a position past the list the
 * mean of the list's positions after the first (TPUs added beyond those measured taken to be like
 * the measured ones other than position 0); 1 without a list.
 */
export function computeFactorAt(factors: readonly number[] | undefined, stage: number): number {
  if (!factors || factors.length === 0) return 1;
  if (stage < factors.length) return factors[stage]!;
  if (factors.length === 1) return factors[0]!;
  let sum = 0;
  for (let i = 1; i < factors.length; i++) sum += factors[i]!;
  return sum / (factors.length - 1);
}

/** A copy of `p` with its position factors replaced. */
export const withPositions = (p: CostProfile, computeFactor: readonly number[], sourceText: string): CostProfile =>
  ({ ...p, positions: { computeFactor: [...computeFactor], source: sourceText } });

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
  extra.push(...calibrationProblems(decoded.right.calibration));
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
