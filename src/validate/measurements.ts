import * as fs from 'node:fs';
import type { Manifest } from '../export/manifest';
import { appendFileSafe } from '../safe-write';

/**
 * Measurement rows appended after an Edge TPU run, in the column style of the measurement CSVs in
 * ../shared/data/edgetpu-measurements/ (compiler MiB as a "[a, b]" list with one value per
 * segment, `Inference time` in ms per input of a pipelined batch of `Batch` inputs), plus the
 * columns that say which model and cuts were run, so `tpuseg calibrate` can re-price a row on its
 * own (format documented in experiments/calibration/README.md): one row per run.
 */

/** Column names, shared with the reader in src/calibrate/rows.ts. */
export const COLUMN = {
  model: 'Model', spec: 'Spec', tpus: 'TPUs', strategy: 'Strategy', cuts: 'Cuts', batch: 'Batch', profile: 'Profile',
  onChip: 'On chip mem used', offChip: 'Off chip mem used', segmentTime: 'Segment time', time: 'Inference time', predicted: 'Predicted time',
} as const;

export const MEASUREMENT_COLUMNS = [
  COLUMN.model, COLUMN.spec, COLUMN.tpus, COLUMN.strategy, COLUMN.cuts, COLUMN.batch, COLUMN.profile,
  COLUMN.onChip, COLUMN.offChip, COLUMN.segmentTime, COLUMN.time, COLUMN.predicted,
] as const;

export interface MeasurementRow {
  readonly onChipMiB: readonly (number | undefined)[];
  readonly offChipMiB: readonly (number | undefined)[];
  readonly segmentMs: readonly number[];
  readonly msPerInput: number;
  readonly batch: number;
}

const list = (xs: readonly (number | undefined)[]): string => `[${xs.map((x) => (x === undefined ? 'nan' : String(x))).join(', ')}]`;
const field = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function measurementLine(m: Manifest, r: MeasurementRow): string {
  return [
    m.model.name, m.model.spec, String(m.stages ?? m.tpus), m.predicted.strategy, list(m.predicted.cuts), String(r.batch), m.profile,
    list(r.onChipMiB), list(r.offChipMiB), list(r.segmentMs), String(r.msPerInput), String(m.predicted.msPerInput),
  ].map(field).join(',');
}

/** Appends one row (and the header when the file is new or empty). */
export function appendMeasurement(file: string, m: Manifest, r: MeasurementRow): void {
  const fresh = !fs.existsSync(file) || fs.statSync(file).size === 0;
  const text = `${fresh ? `${MEASUREMENT_COLUMNS.map(field).join(',')}\n` : ''}${measurementLine(m, r)}\n`;
  appendFileSafe(file, text);
}
