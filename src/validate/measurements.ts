import * as fs from 'node:fs';
import type { Manifest } from '../export/manifest';

/**
 * Measurement rows appended after an Edge TPU run, in the column style of the measurement CSVs in
 * ../shared/data/edgetpu-measurements/ (compiler MiB as a "[a, b]" list with one value per
 * segment, `Inference time` in ms per input), plus the columns that say which model and cuts were
 * run, so a row can be re-priced: one row per run.
 */

export const MEASUREMENT_COLUMNS = [
  'Model', 'Spec', 'TPUs', 'Strategy', 'Cuts', 'Batch', 'Profile',
  'On chip mem used', 'Off chip mem used', 'Segment time', 'Inference time', 'Predicted time',
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
    m.model.name, m.model.spec, String(m.tpus), m.predicted.strategy, list(m.predicted.cuts), String(r.batch), m.profile,
    list(r.onChipMiB), list(r.offChipMiB), list(r.segmentMs), String(r.msPerInput), String(m.predicted.msPerInput),
  ].map(field).join(',');
}

/** Appends one row (and the header when the file is new or empty). */
export function appendMeasurement(file: string, m: Manifest, r: MeasurementRow): void {
  const fresh = !fs.existsSync(file) || fs.statSync(file).size === 0;
  const text = `${fresh ? `${MEASUREMENT_COLUMNS.map(field).join(',')}\n` : ''}${measurementLine(m, r)}\n`;
  fs.appendFileSync(file, text);
}
