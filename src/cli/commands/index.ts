import type { Command } from '../command';

/**
 * Every CLI command, in the order `tpuseg --help` lists them. A command's module, and all it
 * imports, loads only when that command runs or prints its help: `tpuseg --help` loads none.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for `tpuseg --help`. */
  readonly summary: string;
  load(): Command;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const commands: readonly CommandEntry[] = [
  { name: 'inspect', summary: 'summarize a model: op types, parameter bytes, MACs, inputs/outputs, per-op table', load: () => (require('./inspect') as typeof import('./inspect')).inspect },
  { name: 'zoo', summary: 'list the built-in model zoo with parameters, parameter bytes and MACs', load: () => (require('./zoo') as typeof import('./zoo')).zooCommand },
  { name: 'export-model', summary: 'write a zoo, synthetic or .tflite model as a runnable .tflite file', load: () => (require('./export-model') as typeof import('./export-model')).exportModel },
  { name: 'predict', summary: 'predict per-segment and pipeline times of a given segmentation (no hardware)', load: () => (require('./predict') as typeof import('./predict')).predictCommand },
  { name: 'calibrate', summary: 'fit a cost profile to measured segment timings and compiler figures', load: () => (require('./calibrate') as typeof import('./calibrate')).calibrateCommand },
  { name: 'segment', summary: 'search the best cuts into N segments with several strategies in parallel', load: () => (require('./segment') as typeof import('./segment')).segmentCommand },
  { name: 'advise', summary: 'what to run on up to K TPUs: pipelines, replicas or both, the Pareto front, the knee and a recommendation', load: () => (require('./advise') as typeof import('./advise')).adviseCommand },
  { name: 'export', summary: 'write a plan as per-segment .tflite files plus compile.sh and run_pipeline.py', load: () => (require('./export') as typeof import('./export')).exportCommand },
  { name: 'validate', summary: 'check exported segments: bit-exact in TFLite (litert), on Edge TPUs (edgetpu), or simulated (sim)', load: () => (require('./validate') as typeof import('./validate')).validateCommand },
  { name: 'run', summary: 'run an experiment config (resumable) and write its report', load: () => (require('./run') as typeof import('./run')).runCommand },
  { name: 'report', summary: 'regenerate tables and figures from a results file', load: () => (require('./report') as typeof import('./report')).reportCommand },
  { name: 'reproduce', summary: "regenerate the paper's tables and figures into results/ (npm start)", load: () => (require('./reproduce') as typeof import('./reproduce')).reproduceCommand },
];
