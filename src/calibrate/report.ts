import * as E from 'fp-ts/Either';
import type { ConstantName, CostProfile } from '../../cost-models';
import type { TpusegError } from '../errors';
import { OFF_CHIP_TARGET_MIB, rowResults, summarize, type FileSummary, type RowResult } from './accuracy';
import type { CalibrationCase, Skipped } from './cases';
import { fitProfile, MEMORY_CONSTANTS, type FitOptions } from './fit';
import { DOMAIN_PRIORS, type Prior } from './priors';
import { median } from './stats';

/**
 * The accuracy report: every row of every measurement file predicted with the profile fitted to
 * that bench, every row of the published table with the profile of its column, per-file error
 * figures against the targets, and the cross-validation in both directions (fit on the
 * single-TPU rows and predict the multi-TPU rows, and the reverse) from the same base profile
 * and fit options as the bench profile. Pure: files are read and written by the caller.
 */

export interface CrossValidation {
  readonly train: 'single' | 'multi';
  readonly test: 'single' | 'multi';
  readonly fitted: Readonly<Record<string, number>>;
  readonly trainFiles: readonly FileSummary[];
  readonly testFiles: readonly FileSummary[];
  /** Median signed relative error per file: over- (+) or under-prediction (-). */
  readonly medianSignedErr: Readonly<Record<string, number>>;
}

/** One target of the issue, checked. `id` keys the explanation of a miss. */
export interface TargetCheck {
  readonly id: string;
  readonly what: string;
  readonly pass: boolean;
}

export interface AccuracyReport {
  readonly benchProfile: string;
  readonly base: string;
  readonly fitOptions: { readonly time: readonly string[]; readonly memory: boolean; readonly symmetricLink: boolean; readonly priors: string | null };
  /** The documented priors of the cross-validation fits (the bench profile's own fit records whether it used them). */
  readonly crossValidationPriors: Readonly<Record<string, Prior>>;
  readonly files: readonly FileSummary[];
  readonly rows: readonly RowResult[];
  readonly skipped: readonly Skipped[];
  /** Data files the mapping does not describe (their rows are not in the report). */
  readonly unmapped: readonly string[];
  readonly crossValidation: readonly CrossValidation[];
  readonly targets: readonly TargetCheck[];
}

export interface ReportInputs {
  readonly cases: readonly CalibrationCase[];
  readonly skipped: readonly Skipped[];
  readonly unmapped: readonly string[];
  /** The profile fitted to the measurement bench, and the base it was fitted from. */
  readonly bench: CostProfile;
  readonly base: CostProfile;
  /** Profiles of the published table's columns, by name. */
  readonly profile: (name: string) => E.Either<TpusegError, CostProfile>;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The fit options recorded in the bench profile by `tpuseg calibrate`. */
export function benchFitOptions(bench: CostProfile): FitOptions & { readonly symmetricLink: boolean; readonly priorsName: string | null } {
  const cal = bench.calibration ?? {};
  const priorsName = cal['priors'] === 'domain' ? 'domain' : null;
  const fitted = (Array.isArray(cal['fitted']) ? cal['fitted'] : []) as ConstantName[];
  const symmetricLink = cal['symmetricLink'] === true;
  const memory = fitted.some((k) => MEMORY_CONSTANTS.includes(k));
  const time = fitted.filter((k) => !MEMORY_CONSTANTS.includes(k) && !(symmetricLink && k === 'outMBps'));
  return {
    time, memory, symmetricLink, priorsName,
    ...(symmetricLink ? { tie: { outMBps: 'inMBps' } } : {}), ...(priorsName ? { priors: DOMAIN_PRIORS } : {}),
  };
}

function targetChecks(files: readonly FileSummary[], prefix: string, label: string): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const f of files) {
    const key = f.group === 'published' ? `${f.file}:${f.profile}` : f.file;
    out.push({ id: `${prefix}time:${key}`, what: `${label}${key}: median |error| ${pct(f.medianAbsRelErr)} <= ${pct(f.target)}`, pass: f.pass });
    if (f.offChip?.target !== undefined) {
      out.push({
        id: `${prefix}offchip:${key}`,
        what: `${label}${key}: off-chip MiB within ${OFF_CHIP_TARGET_MIB} on every row (${f.offChip.within}/${f.rows}, worst ${f.offChip.maxErrMiB.toFixed(2)})`,
        pass: f.offChip.target,
      });
    }
  }
  return out;
}

export function buildReport(inputs: ReportInputs): E.Either<TpusegError, AccuracyReport> {
  const published = [...new Set(inputs.cases.map((c) => c.profile).filter((p): p is string => p !== undefined))];
  const profiles = new Map<string, CostProfile>();
  for (const name of published) {
    const p = inputs.profile(name);
    if (E.isLeft(p)) return p;
    profiles.set(name, p.right);
  }
  const rows = rowResults(inputs.cases, (c) => (c.profile ? profiles.get(c.profile)! : inputs.bench));
  const files = summarize(rows);
  const opts = benchFitOptions(inputs.bench);
  const measured = inputs.cases.filter((c) => c.group !== 'published');
  // A part of the rows cannot identify every constant (the hop from single-TPU rows, the fixed
  // cost apart from the hop from multi-TPU rows): the cross-validation fits are regularized by the
  // documented facts so such constants stay at them rather than drift.
  const cvOpts = { ...opts, priors: DOMAIN_PRIORS };
  const crossValidation: CrossValidation[] = (['single', 'multi'] as const).map((train) => {
    const test = train === 'single' ? 'multi' : 'single';
    const fit = fitProfile(measured.filter((c) => c.group === train), inputs.base, cvOpts, `cross-validation fit on the ${train}-TPU rows`);
    const profile = { ...fit.profile, name: `fit on ${train}-TPU rows` };
    const cvRows = rowResults(measured, () => profile);
    const signed = (file: string): number => median(cvRows.filter((r) => r.file === file).map((r) => r.relErr));
    const summaries = summarize(cvRows);
    return {
      train, test,
      fitted: Object.fromEntries(fit.fitted.map((k) => [k, Number(fit.profile.constants[k].value.toPrecision(4))])),
      trainFiles: summaries.filter((f) => f.group === train),
      testFiles: summaries.filter((f) => f.group === test),
      medianSignedErr: Object.fromEntries(summaries.map((f) => [f.file, signed(f.file)])),
    };
  });
  const targets = [
    ...targetChecks(files, '', ''),
    ...crossValidation.flatMap((cv) => targetChecks(cv.testFiles, `cv-${cv.train}:`, `fitted on ${cv.train}-TPU rows, `)),
  ];
  return E.right({
    benchProfile: inputs.bench.name,
    base: inputs.base.name,
    fitOptions: { time: opts.time, memory: opts.memory, symmetricLink: opts.symmetricLink, priors: opts.priorsName },
    crossValidationPriors: Object.fromEntries([...(opts.memory ? MEMORY_CONSTANTS : []), ...opts.time, ...(Object.keys(opts.tie ?? {}) as ConstantName[])]
      .flatMap((k) => (DOMAIN_PRIORS[k] ? [[k, DOMAIN_PRIORS[k]]] : []))),
    files, rows, skipped: inputs.skipped, unmapped: inputs.unmapped, crossValidation, targets,
  });
}
