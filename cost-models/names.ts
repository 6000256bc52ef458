/**
 * Built-in profiles, in cost-models/profiles/<name>.json, the default, and the pipeline runners:
 * a module of its own so the CLI can name them in its help without loading the cost model.
 */
export const PROFILE_NAMES: readonly string[] = ['edgetpu-usb3', 'edgetpu-pcie', 'edgetpu-ucm-bench'];
export const DEFAULT_PROFILE = 'edgetpu-usb3';

/** pycoral's C++ PipelinedModelRunner (the default, as the exported run_pipeline.py), or one Python thread per stage. */
export type RunnerName = 'pycoral' | 'python-threads';
export const RUNNER_NAMES: readonly RunnerName[] = ['pycoral', 'python-threads'];
/** The runner of a record or model that names none: every profile so far was fitted to pycoral's C++ runner. */
export const DEFAULT_RUNNER: RunnerName = 'pycoral';
