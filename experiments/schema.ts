import * as t from 'io-ts';
import { RUNNER_NAMES, type RunnerName } from '../cost-models/names';
import { byShape, dictionary, list, nonEmptyString, nonNegativeInt, oneOf, positiveInt, positiveNumber, record, scalar, slug } from './codecs';

/**
 * The experiment config (`experiments/*.json`): which models, on how many TPUs, searched by
 * which strategies under which profile, and what to report. Decoded once here; defaults are
 * applied by `withDefaults` so the rest of the code sees a complete config.
 */

/** An inclusive numeric range `{ from, to, step? }`. */
export const Range = record('a range {from, to, step?}', { from: t.number, to: t.number }, { step: positiveNumber });
export type Range = t.TypeOf<typeof Range>;

/** A TPU count, a list of them, or an inclusive range of them. */
export const TpuSet = byShape('TPU counts', {
  scalar: positiveInt,
  array: list(positiveInt, true),
  object: record('a range {from, to, step?}', { from: positiveInt, to: positiveInt }, { step: positiveInt }),
});
export type TpuSet = t.TypeOf<typeof TpuSet>;

/** Values a swept model parameter takes: a list or a numeric range. */
export const SweepValues = byShape('sweep values', { scalar, array: list(scalar, true), object: Range });
export type SweepValues = t.TypeOf<typeof SweepValues>;

/**
 * One model entry: a spec (`.tflite` path, `zoo:NAME[@SIZE]`, `zoo:*` for the whole zoo, or
 * `synth:FAMILY?k=v&...`), or an object that sweeps parameters of a `synth:` spec (query keys)
 * or a `zoo:` spec (key `size`), and may override the TPU counts.
 */
/** How the pipeline runs: pycoral's C++ runner (the default) or one Python thread per stage. */
export const Runner = oneOf(RUNNER_NAMES);

export const ModelObject = record(
  'a model {model, sweep?, tpus?, runner?, freshRunner?}',
  { model: nonEmptyString },
  {
    sweep: dictionary('a map from parameter names to values', SweepValues), tpus: TpuSet,
    /** The pipeline runner this model's cells are priced for, and whether each batch starts on a fresh runner (first invokes inside it). */
    runner: Runner, freshRunner: t.boolean,
  },
);
export const ModelEntry = byShape('a model spec or {model, sweep?, tpus?, runner?, freshRunner?}', { scalar: nonEmptyString, object: ModelObject });
export type ModelEntry = t.TypeOf<typeof ModelEntry>;

/** A strategy name (registry name, or a plug-in's module path relative to the config's folder), or a name with options and an optional label. */
export const StrategyObject = record(
  'a strategy {name, options?, label?}',
  { name: nonEmptyString },
  { options: dictionary('a map of strategy options', t.unknown), label: slug },
);
export const StrategyEntry = byShape('a strategy name or {name, options?, label?}', { scalar: nonEmptyString, object: StrategyObject });
export type StrategyEntry = t.TypeOf<typeof StrategyEntry>;

export const OBJECTIVES = ['throughput', 'batch', 'latency'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export const TABLES = ['single-tpu', 'multi-tpu', 'synthetic', 'cells'] as const;
export type TableKind = (typeof TABLES)[number];
export const FIGURES = ['stages', 'speedup', 'scatter'] as const;
export type FigureKind = (typeof FIGURES)[number];

/** Wall-clock allowance per strategy task (the searchers poll it; anytime strategies return their best so far). */
export const Budget = record('a budget {timeMs?}', {}, { timeMs: positiveNumber });
export type Budget = t.TypeOf<typeof Budget>;

export const Outputs = record(
  'outputs {tables?, figures?, stagesAt?, published?, measurements?, mapping?}',
  {},
  {
    tables: list(oneOf(TABLES)),
    figures: list(oneOf(FIGURES)),
    /** TPU count of the per-stage bar figures (default: the largest count run). */
    stagesAt: positiveInt,
    /** Published single-TPU figures to compare against (CSV path relative to the config's directory). */
    published: nonEmptyString,
    /** Directory of measurement CSVs for the synthetic table (relative to the config's directory). */
    measurements: nonEmptyString,
    /** Which model, split and batch each measurement file was taken with (default experiments/calibration/mapping.json). */
    mapping: nonEmptyString,
  },
);
export type Outputs = t.TypeOf<typeof Outputs>;

/** The optional fields of a config (each decodes on its own). */
export const OptionalFields = {
  description: t.string,
  tpus: TpuSet,
  profile: byShape('a profile name or path, or a list of them', { scalar: nonEmptyString, array: list(nonEmptyString, true) }),
  objective: oneOf(OBJECTIVES),
  runner: Runner,
  batch: positiveInt,
  seeds: byShape('a seed or a list of seeds', { scalar: nonNegativeInt, array: list(nonNegativeInt, true) }),
  budget: Budget,
  outputs: Outputs,
};

export const ExperimentConfig = record(
  'an experiment config object',
  { name: slug, models: list(ModelEntry, true), strategies: list(StrategyEntry, true) },
  OptionalFields,
);
export type ExperimentConfig = t.TypeOf<typeof ExperimentConfig>;

export const DEFAULT_PROFILE = 'edgetpu-usb3';

/** The config with every default filled in. */
export interface ResolvedConfig {
  readonly name: string;
  readonly description: string;
  readonly models: readonly ModelEntry[];
  readonly tpus: TpuSet;
  readonly strategies: readonly { name: string; options: Record<string, unknown>; label: string }[];
  readonly profiles: readonly string[];
  readonly objective: Objective;
  /** The runner for models that name none (absent: each profile's). */
  readonly runner?: RunnerName;
  readonly batch: number;
  readonly seeds: readonly number[];
  readonly budget: Budget;
  readonly outputs: { tables: readonly TableKind[]; figures: readonly FigureKind[]; stagesAt?: number; published?: string; measurements?: string; mapping?: string };
}

export function withDefaults(c: ExperimentConfig): ResolvedConfig {
  return {
    name: c.name,
    description: c.description ?? '',
    models: c.models,
    tpus: c.tpus ?? 1,
    strategies: c.strategies.map((s) =>
      typeof s === 'string'
        ? { name: s, options: {}, label: s }
        : { name: s.name, options: s.options ?? {}, label: s.label ?? s.name }),
    profiles: c.profile === undefined ? [DEFAULT_PROFILE] : typeof c.profile === 'string' ? [c.profile] : c.profile,
    objective: c.objective ?? 'throughput',
    ...(c.runner !== undefined ? { runner: c.runner } : {}),
    batch: c.batch ?? 15,
    seeds: c.seeds === undefined ? [0] : typeof c.seeds === 'number' ? [c.seeds] : c.seeds,
    budget: c.budget ?? {},
    outputs: {
      tables: c.outputs?.tables ?? ['cells'],
      figures: c.outputs?.figures ?? [],
      ...(c.outputs?.stagesAt !== undefined ? { stagesAt: c.outputs.stagesAt } : {}),
      ...(c.outputs?.published !== undefined ? { published: c.outputs.published } : {}),
      ...(c.outputs?.measurements !== undefined ? { measurements: c.outputs.measurements } : {}),
      ...(c.outputs?.mapping !== undefined ? { mapping: c.outputs.mapping } : {}),
    },
  };
}
