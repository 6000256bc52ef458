import { CONSTANT_NAMES, profileValues, withValues, type ConstantName, type CostProfile, type ProfileValues } from '../../cost-models';
import { computeFactorAt, withPositions } from '../../cost-models/profile';
import type { CalibrationCase } from './cases';
import { nelderMead } from './nelder-mead';
import { predictCase, predictMs } from './predict';
import { priorZ, type Priors } from './priors';
import { relErr, softL1 } from './stats';

// Module-level aliases: inside a vm context (jest) every global lookup goes through an interceptor.
const { abs, max, min, log, exp, round } = Math;

/**
 * Fitting a profile's free constants to measured cases, in two stages:
 *
 * 1. memory: the capacity constants (capacityMiB, capacityPerInputMiB, maxLayerMiB) against the
 *    compiler-reported on/off-chip MiB, minimizing the summed absolute MiB error by coordinate
 *    search on a 0.05 grid refined to 0.01 (the error is a step function of these constants, so a
 *    gradient or simplex method would stall on its flats). Ties keep the value nearest the
 *    starting one, so a constant the data cannot identify stays where the base profile had it.
 * 2. time: the other free constants against measured ms, minimizing a soft-L1 (pseudo-Huber) loss
 *    of the relative error with Nelder-Mead in log space (logit space for fractions): least squares
 *    for small errors, least absolute deviations for outliers.
 *
 * Every file weighs the same: a row weighs 1 / (rows of its file), so the 82-row fc sweep does not
 * drown the 12-row pipeline file.
 */

export const MEMORY_CONSTANTS: readonly ConstantName[] = ['capacityMiB', 'capacityPerInputMiB', 'maxLayerMiB'];

/** The constants `tpuseg calibrate` fits to time measurements unless told otherwise. */
export const DEFAULT_TIME_CONSTANTS: readonly ConstantName[] = [
  'fixedMs', 'hopMs', 'gilMs', 'inMBps', 'outMBps', 'convTops', 'activationMsPerMiB', 'stageActFactor', 'streamMsPerMiB', 'streamActAmpPerMiB',
  'streamHideFrac', 'firstInvokeMs', 'firstMsPerMiB', 'firstMsPerActMiB',
];

export const DEFAULT_PRIOR = 1e-4;

const FRACTIONS: ReadonlySet<ConstantName> = new Set(['streamHideFrac']);
const INTEGERS: ReadonlySet<ConstantName> = new Set(['weightPadChannels', 'inputPadChannels']);

export interface FitOptions {
  /** Constants fitted to times. */
  readonly time: readonly ConstantName[];
  /** Fit the memory constants first (needs cases with compiler MiB). */
  readonly memory: boolean;
  /** Relative error at which the loss turns from quadratic to linear. */
  readonly delta?: number;
  readonly maxEvals?: number;
  /**
   * Weight of a ridge pulling each fitted constant's log toward its base value. Small enough not to
   * move what the data determine; it keeps constants the data cannot determine (a hop cost from
   * single-TPU runs) at the base profile's value instead of letting them drift along a flat valley.
   */
  readonly prior?: number;
  /**
   * Documented priors (src/calibrate/priors.ts): a constant with one is pulled toward its center by
   * `priorWeight` x its squared standardized deviation instead of the ridge, and the memory search
   * breaks ties by the same deviations.
   */
  readonly priors?: Priors;
  /**
   * Default: delta^2 x files / rows. The loss averages soft-L1 per file, which near zero is
   * r^2, i.e. 2 delta^2 x the Gaussian log-likelihood of a row with error scale delta; summed over
   * rows that is loss x rows / files; the prior's is z^2 / 2. Their ratio is this weight.
   */
  readonly priorWeight?: number;
  /** Constants held equal to a fitted one: `{ outMBps: 'inMBps' }` fits one symmetric link rate. */
  readonly tie?: Readonly<Partial<Record<ConstantName, ConstantName>>>;
  /**
   * Fit the compute factors of pipeline positions 1..positions (position 0 keeps the base's, else
   * 1): TPUs of one host that are not alike. The factors are pulled toward their common mean
   * (a hierarchical prior, one standard deviation = a factor of 1.5 apart), so a position the rows
   * barely cover, or not at all, takes the mean of the others rather than drifting.
   */
  readonly positions?: number;
}

/** Standard deviation, in log space, of a position's compute factor around the positions' mean. */
export const POSITION_SPREAD = Math.log(1.5);

export interface FitResult {
  readonly profile: CostProfile;
  readonly fitted: readonly ConstantName[];
  /** Fitted compute factors of positions 0.. (absent when none were fitted). */
  readonly computeFactors?: readonly number[];
  readonly memoryLoss?: number;
  readonly timeLoss: number;
  readonly evals: number;
}

const weights = (cases: readonly CalibrationCase[]): number[] => {
  const count = new Map<string, number>();
  for (const c of cases) count.set(c.file, (count.get(c.file) ?? 0) + 1);
  return cases.map((c) => 1 / count.get(c.file)!);
};

export function memoryLoss(cases: readonly CalibrationCase[], profile: CostProfile | ProfileValues, w = weights(cases)): number {
  let loss = 0;
  cases.forEach((c, i) => {
    if (!c.onChipMiB && !c.offChipMiB) return;
    const p = predictCase(c, profile);
    c.onChipMiB?.forEach((m, s) => (loss += w[i]! * abs((p.onChipMiB[s] ?? 0) - m)));
    c.offChipMiB?.forEach((m, s) => (loss += w[i]! * abs((p.offChipMiB[s] ?? 0) - m)));
  });
  return loss;
}

export function timeLoss(cases: readonly CalibrationCase[], profile: CostProfile | ProfileValues, delta = 0.05, w = weights(cases)): number {
  const values = 'constants' in profile ? profileValues(profile as CostProfile) : (profile as ProfileValues);
  return cases.reduce((s, c, i) => s + w[i]! * softL1(relErr(predictMs(c, values), c.measuredMs), delta), 0);
}

const GRID: Readonly<Partial<Record<ConstantName, readonly [number, number]>>> = {
  capacityMiB: [4, 9],
  capacityPerInputMiB: [0, 1.5],
  maxLayerMiB: [4, 10],
};

/**
 * Capacity and its reduction by input bytes trade off (a segment fed from the host caches less), so
 * they are searched jointly on a grid; maxLayerMiB on its own. Two rounds.
 */
function fitMemory(cases: readonly CalibrationCase[], base: CostProfile, source: string, priors: Priors = {}): { profile: CostProfile; loss: number } {
  const withMiB = cases.filter((c) => c.onChipMiB || c.offChipMiB);
  const w = weights(withMiB);
  const start = profileValues(base);
  let values: ProfileValues = start;
  let best = memoryLoss(withMiB, values, w);
  const round2 = (v: number): number => round(v * 100) / 100;
  const search = (keys: readonly ConstantName[], step: number, around?: readonly number[]): void => {
    const ranges = keys.map((k, j) => {
      const [lo, hi] = GRID[k]!;
      const c = around?.[j];
      return c === undefined ? [lo, hi] : [max(lo, c - 5 * step), min(hi, c + 5 * step)];
    });
    const dist = (v: ProfileValues): number => keys.reduce((s, k) => {
      const p = priors[k];
      return s + (p ? priorZ(p, v[k], false) : v[k] - start[k]) ** 2;
    }, 0);
    const visit = (j: number, v: ProfileValues): void => {
      if (j === keys.length) {
        const l = memoryLoss(withMiB, v, w);
        if (l < best - 1e-12 || (abs(l - best) <= 1e-12 && dist(v) < dist(values))) {
          best = l;
          values = v;
        }
        return;
      }
      const [lo, hi] = ranges[j]!;
      for (let x = lo!; x <= hi! + 1e-9; x += step) visit(j + 1, { ...v, [keys[j]!]: round2(x) });
    };
    visit(0, values);
  };
  const pairs: readonly (readonly ConstantName[])[] = [['capacityMiB', 'capacityPerInputMiB'], ['maxLayerMiB']];
  for (let round = 0; round < 2; round++) {
    for (const keys of pairs) {
      search(keys, 0.1);
      search(keys, 0.01, keys.map((k) => values[k]));
    }
  }
  return { profile: withValues(base, Object.fromEntries(MEMORY_CONSTANTS.map((k) => [k, values[k]])), source), loss: best };
}

const toFree = (k: ConstantName, v: number): number =>
  FRACTIONS.has(k) ? log(min(max(v, 1e-3), 1 - 1e-3) / (1 - min(max(v, 1e-3), 1 - 1e-3))) : log(max(v, 1e-3));
const fromFree = (k: ConstantName, u: number): number => (FRACTIONS.has(k) ? 1 / (1 + exp(-u)) : exp(u));

export function fitProfile(cases: readonly CalibrationCase[], base: CostProfile, opts: FitOptions, source: string): FitResult {
  for (const k of opts.time) {
    if (!CONSTANT_NAMES.includes(k) || INTEGERS.has(k)) throw new RangeError(`constant ${k} cannot be fitted to times`);
  }
  let profile = base;
  let memLoss: number | undefined;
  if (opts.memory) {
    const m = fitMemory(cases, base, source, opts.priors);
    profile = m.profile;
    memLoss = m.loss;
  }
  const tie = opts.tie ?? {};
  const free = opts.time.filter((k) => (!MEMORY_CONSTANTS.includes(k) || !opts.memory) && !(k in tie));
  const start = profileValues(profile);
  const w = weights(cases);
  const positions = opts.positions ?? 0;
  const startFactors = Array.from({ length: positions + 1 }, (_, i) => computeFactorAt(start.computeFactors, i));
  // Positions no case runs a stage at are not identified: they take the mean of the covered positions
  // 1.. (the hierarchical prior's answer, which a simplex over a flat direction would not settle on).
  const covered = cases.reduce((m, c) => max(m, c.cuts.length), 0);
  const factorsAt = (x: readonly number[]): number[] => {
    const f = [startFactors[0]!, ...x.slice(free.length).map((u) => exp(u))];
    if (covered >= 1 && covered < positions) {
      let mean = 0;
      for (let i = 1; i <= covered; i++) mean += f[i]!;
      mean /= covered;
      for (let i = covered + 1; i <= positions; i++) f[i] = mean;
    }
    return f;
  };
  const valuesAt = (x: readonly number[]): ProfileValues => {
    const v: Record<string, unknown> = { ...start };
    free.forEach((k, i) => (v[k] = fromFree(k, x[i]!)));
    for (const [k, from] of Object.entries(tie) as [ConstantName, ConstantName][]) v[k] = v[from];
    if (positions > 0) v['computeFactors'] = factorsAt(x);
    return v as unknown as ProfileValues;
  };
  const at = (x: readonly number[]): CostProfile => {
    const v = valuesAt(x);
    const p = withValues(profile, Object.fromEntries([...free, ...(Object.keys(tie) as ConstantName[])].map((k) => [k, v[k]])), source);
    return positions > 0 ? withPositions(p, factorsAt(x).map((f) => Number(f.toPrecision(4))), source) : p;
  };
  const x0 = [...free.map((k) => toFree(k, start[k])), ...startFactors.slice(1).map((f) => log(f))];
  const prior = opts.prior ?? DEFAULT_PRIOR;
  const priors = opts.priors ?? {};
  const delta = opts.delta ?? 0.05;
  const weight = opts.priorWeight ?? (delta * delta * new Set(cases.map((c) => c.file)).size) / max(1, cases.length);
  const ridge = (x: readonly number[]): number => {
    let s = 0;
    for (let i = 0; i < free.length; i++) {
      const k = free[i]!;
      const p = priors[k];
      s += p ? weight * priorZ(p, fromFree(k, x[i]!), FRACTIONS.has(k)) ** 2 : prior * (x[i]! - x0[i]!) ** 2;
    }
    if (positions > 1) {
      const logs = x.slice(free.length);
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      for (const u of logs) s += weight * ((u - mean) / POSITION_SPREAD) ** 2;
    }
    return s;
  };
  const r = nelderMead((x) => timeLoss(cases, valuesAt(x), opts.delta, w) + ridge(x), x0, {
    step: 0.3,
    maxEvals: opts.maxEvals ?? 250 * (x0.length + 1),
    restarts: 2,
  });
  const fitted = [...(opts.memory ? MEMORY_CONSTANTS : []), ...free, ...(Object.keys(tie) as ConstantName[])];
  const fittedValues = valuesAt(r.x);
  return {
    profile: at(r.x), fitted, ...(positions > 0 ? { computeFactors: factorsAt(r.x) } : {}), ...(memLoss !== undefined ? { memoryLoss: memLoss } : {}),
    timeLoss: timeLoss(cases, fittedValues, opts.delta, w), evals: r.evals,
  };
}
