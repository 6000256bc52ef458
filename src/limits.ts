/**
 * Bounds on what one request may ask for, each stated in the error that enforces it: beyond them
 * a request would exhaust memory or overflow a file format long before it produced an answer.
 */

/** A .tflite file is a FlatBuffer, addressed with signed 32-bit offsets. */
export const MAX_TFLITE_BYTES = 2 ** 31 - 1;

/** Input side of a zoo model (`zoo:NAME@SIZE`) or of the synthetic conv family. */
export const MAX_INPUT_SIZE = 4096;

/** Layers of a synthetic model, and its width (conv filters, dense neurons). */
export const MAX_SYNTH_LAYERS = 1000;
export const MAX_SYNTH_WIDTH = 65536;

/** Worker threads of a search or an experiment run. */
export const MAX_WORKERS = 64;

/**
 * TPUs `tpuseg advise` weighs configurations for (two 8-TPU boards): beyond, the configurations
 * and the dp runs on deep pipelines grow steeply (measured on DenseNet-201, 513 ops: 1 s on 16
 * TPUs, 6 s on 24, 22 s on 28).
 */
export const MAX_ADVISE_TPUS = 16;

/** Independent tasks (restarts) of one strategy in one search. */
export const MAX_TASKS = 1000;

/** JSON and CSV inputs (plans, configs, measurements): far above any real one. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/** Nesting of arrays and objects in an `--option` value: far above any real option, far below the stack's limit. */
export const MAX_OPTION_DEPTH = 64;

/** `1,234,567` */
export const count = (n: number): string => n.toLocaleString('en-US');

/** Nesting of a JSON input (a plan, config or profile nests a few levels): deeper would overflow the stack of whatever walks it. */
export const MAX_JSON_DEPTH = 100;

/** A results store (results.jsonl): thousands of cells in a few MiB. */
export const MAX_RESULTS_BYTES = 1024 * 1024 * 1024;

/** Inputs in one batch (`--batch`): the pipeline simulation keeps a time per input and stage. */
export const MAX_BATCH = 100_000;

/** `validate --samples` (seeded input sets) and `--repeats` (timed runs per model). */
export const MAX_SAMPLES = 10_000;
export const MAX_REPEATS = 1000;
