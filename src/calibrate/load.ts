import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configInvalid, type TpusegError } from '../errors';
import { COLUMN } from '../validate/measurements';
import { measurementCases, publishedCases, type CalibrationCase, type Skipped } from './cases';
import { parseCsv } from './csv';
import { MeasurementEntryCodec, type Mapping, type MeasurementEntry } from './mapping';
import { isSelfDescribing, rowCases } from './rows';
import { MAX_TEXT_BYTES } from '../limits';
import { readRegularText } from '../read-file';

/** Reading measurement files from disk: the edge around the pure case builders. */

export interface LoadedCases {
  readonly cases: readonly CalibrationCase[];
  readonly skipped: readonly Skipped[];
}

/**
 * Cases of every file, by base name through the mapping; `overrides` (from command-line flags)
 * complete or replace the mapping's entry for measurement files. A file not in the mapping whose
 * rows name their own model and cuts (`tpuseg validate` rows, src/calibrate/rows.ts) needs neither.
 */
export function loadCases(files: readonly string[], mapping: Mapping, overrides: Partial<MeasurementEntry> = {}): E.Either<TpusegError, LoadedCases> {
  const cases: CalibrationCase[] = [];
  const skipped: Skipped[] = [];
  for (const file of files) {
    const read = readRegularText(file, MAX_TEXT_BYTES, 'a measurements file');
    if (E.isLeft(read)) return E.left(configInvalid(file, [read.left]));
    const text = read.right;
    const base = path.basename(file);
    const published = mapping.published[base];
    const mapped = published !== undefined || mapping.measurements[base] !== undefined;
    const table = mapped ? undefined : parseCsv(text, file);
    if (table && E.isLeft(table)) return table;
    let set;
    if (table && isSelfDescribing(table.right.header)) {
      if (Object.keys(overrides).length > 0) {
        return E.left(configInvalid(file, [`its rows name their own model and cuts (columns "${COLUMN.spec}", "${COLUMN.cuts}"): drop --model, --x, --tpus, --split, --batch`]));
      }
      set = rowCases(table.right, file);
    } else if (published && Object.keys(overrides).length === 0) {
      set = publishedCases(text, file, published);
    } else {
      const merged: Record<string, unknown> = { ...mapping.measurements[base], ...overrides };
      if (merged['group'] === undefined) merged['group'] = merged['tpus'] === 1 ? 'single' : 'multi';
      const entry = MeasurementEntryCodec.decode(merged);
      if (E.isLeft(entry)) {
        return E.left(configInvalid(file, [
          `not in the calibration mapping (experiments/calibration/mapping.json) and the flags do not describe it: give --model 'SPEC with {x}', --x COLUMN, --tpus N, --split whole|compiler|layers, --batch B`,
        ]));
      }
      if (!entry.right.model.includes('{x}')) return E.left(configInvalid(file, [`--model must contain {x} for the row's value, got "${entry.right.model}"`]));
      set = measurementCases(text, file, entry.right);
    }
    if (E.isLeft(set)) return set;
    cases.push(...set.right.cases);
    skipped.push(...set.right.skipped);
  }
  return E.right({ cases, skipped });
}

/** The .csv files of a directory, sorted by name; none when it does not exist. */
export function csvFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => path.join(dir, f));
}
