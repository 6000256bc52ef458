import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellParams } from './cell';
import type { PlanResult } from '../plan/result';
import { fileError, TpusegFailure } from '../errors';
import { atPath } from '../file-errors';
import { parseJson } from '../json-text';
import { MAX_RESULTS_BYTES } from '../limits';
import { readRegularText } from '../read-file';
import { makeDir, openAppendSafe, writeFileSafe } from '../safe-write';

/**
 * The results store: one JSON object per line, one line per finished cell. Each line is appended
 * with a single write call, and the cells that finish together (one group) are fsync'd before
 * they are reported done, so a crash or Ctrl-C leaves whole lines or (at worst, from a crash
 * mid-write) a torn last line without its newline, which `readStore` detects and `repairStore`
 * cuts off.
 */

/** A cell's result: the `tpuseg segment --json` / `tpuseg predict --json` result object of one strategy. */
export type ResultObject = PlanResult & {
  readonly evaluations?: number;
  readonly searchMs?: number;
  readonly error?: string;
};

export interface CellRecord {
  /** Cell id (hash of `params`). */
  readonly cell: string;
  /** tpuseg version that computed it. */
  readonly tool: string;
  /** Hash of the whole config (with defaults) the run used. */
  readonly config: string;
  /** Hash of the cost profile's contents, so a recalibrated profile makes old results stale. */
  readonly profileHash: string;
  readonly params: CellParams;
  /** Model facts the tables need (ops, parameter bytes), computed with the result. */
  readonly modelOps?: number;
  readonly modelParamBytes?: number;
  /** Shape of the model's first input without the batch dimension, e.g. [224, 224, 3]. */
  readonly modelInput?: readonly number[];
  readonly result?: ResultObject;
  /** Set when the cell failed (infeasible, strategy error); a failed cell is finished too. */
  readonly error?: string;
  /** A plug-in's own name and one-line description (its params name it by path). */
  readonly strategyName?: string;
  readonly strategyDescription?: string;
}

export interface StoreContents {
  readonly records: readonly CellRecord[];
  /** 1-based numbers of lines that are not a valid record (ignored). */
  readonly badLines: readonly number[];
  /** Byte length of the complete lines; less than the file size when the last line is torn. */
  readonly goodLength: number;
  readonly torn: boolean;
}

const finite = (u: unknown): boolean => typeof u === 'number' && Number.isFinite(u);

/** A result the report can use: its times finite numbers (NaN or Infinity are stored as null). */
const isResult = (u: unknown): boolean => {
  if (typeof u !== 'object' || u === null) return false;
  const r = u as Record<string, unknown>;
  return finite(r['msPerInput']) && finite(r['bottleneckMs']) && finite(r['latencyMs']) && Array.isArray(r['cuts']) &&
    Array.isArray(r['segments']) && r['segments'].every((s) => typeof s === 'object' && s !== null && finite((s as Record<string, unknown>)['ms']));
};

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The cell parameters the runner and the report read: a line from elsewhere must not reach them. */
const isParams = (u: unknown): boolean => {
  if (!isObject(u)) return false;
  const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) > 0;
  return typeof u['model'] === 'string' && count(u['tpus']) && typeof u['strategy'] === 'string' && typeof u['label'] === 'string' &&
    typeof u['profile'] === 'string' && typeof u['objective'] === 'string' && count(u['batch']) && finite(u['seed']) &&
    isObject(u['options']) && isObject(u['budget']) && (u['runner'] === undefined || typeof u['runner'] === 'string');
};

const isRecord = (u: unknown): u is CellRecord => {
  if (!isObject(u)) return false;
  const r = u;
  return typeof r['cell'] === 'string' && typeof r['tool'] === 'string' && typeof r['config'] === 'string' &&
    typeof r['profileHash'] === 'string' && isParams(r['params']) &&
    (r['modelOps'] === undefined || finite(r['modelOps'])) && (r['modelParamBytes'] === undefined || finite(r['modelParamBytes'])) &&
    (r['modelInput'] === undefined || (Array.isArray(r['modelInput']) && r['modelInput'].every(finite))) &&
    (r['result'] === undefined ? typeof r['error'] === 'string' : isResult(r['result']));
};

/** Parses store text; a missing file reads as empty. */
export function parseStore(text: string): StoreContents {
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline < 0 ? '' : text.slice(0, lastNewline);
  const torn = lastNewline < text.length - 1;
  const records: CellRecord[] = [];
  const badLines: number[] = [];
  if (complete !== '') {
    complete.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const u = parseJson(line);
      if (E.isRight(u) && isRecord(u.right)) records.push(u.right);
      else badLines.push(i + 1);
    });
  }
  return { records, badLines, goodLength: Buffer.byteLength(complete) + (lastNewline < 0 ? 0 : 1), torn };
}

export function readStore(file: string): StoreContents {
  if (!fs.existsSync(file)) return { records: [], badLines: [], goodLength: 0, torn: false };
  const text = readRegularText(file, MAX_RESULTS_BYTES, 'a results file');
  if (E.isLeft(text)) throw new TpusegFailure(fileError(file, text.left));
  return parseStore(text.right);
}

/** Cuts a torn last line off the file; returns whether it did. */
export function repairStore(file: string, contents: StoreContents): boolean {
  if (!contents.torn) return false;
  const fd = openAppendSafe(file);
  try {
    fs.ftruncateSync(fd, contents.goodLength);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

export interface Appender {
  /**
   * Appends the records of cells that finished together, one write call per line: once it returns
   * the lines are in the file (a killed process loses none). The fsync that makes them survive a
   * crash of the machine runs in the background, one at a time, so the event loop that feeds the
   * worker threads never waits for the disk.
   */
  append(records: readonly CellRecord[]): void;
  /** Syncs what is left and closes the file (once the fsync in flight, if any, has finished). */
  close(): void;
}

/**
 * Opens the store for appending. A failed append (a full disk) cuts the file back to where the
 * append began, so the store keeps whole lines only, and throws the error naming the store;
 * the appender is then closed.
 */
export function openAppender(file: string): Appender {
  makeDir(path.dirname(file));
  const fd = openAppendSafe(file);
  let open = true;
  let syncing = false;
  let dirty = false;
  const sync = (): void => {
    syncing = true;
    dirty = false;
    fs.fsync(fd, () => {
      syncing = false;
      if (!open) fs.closeSync(fd);
      else if (dirty) sync();
    });
  };
  const close = (): void => {
    if (!open) return;
    open = false;
    try {
      fs.fsyncSync(fd);
    } catch (e) {
      throw atPath(e, file);
    } finally {
      // A background fsync still holds the descriptor: it closes it when it returns.
      if (!syncing) fs.closeSync(fd);
    }
  };
  return {
    append(records) {
      if (!open) throw Object.assign(new Error(`${file}: the store was closed after a failed write`), { code: 'EBADF', syscall: 'write', path: file });
      const size = fs.fstatSync(fd).size;
      try {
        for (const record of records) {
          const line = Buffer.from(JSON.stringify(record) + '\n');
          let written = fs.writeSync(fd, line);
          // A short write to a regular file is rare (disk full); finish the line rather than leave it torn.
          while (written < line.length) written += fs.writeSync(fd, line, written);
        }
      } catch (e) {
        try {
          fs.ftruncateSync(fd, size);
        } finally {
          try {
            close();
          } catch {
            // The write's error is the one to report.
          }
        }
        throw atPath(Object.assign(e as object, { syscall: (e as NodeJS.ErrnoException).syscall ?? 'write' }), file);
      }
      dirty = true;
      if (!syncing) sync();
    },
    close,
  };
}

/** Replaces the store with exactly these records (written to a fresh temporary file in its folder, then renamed). */
export function writeStore(file: string, records: readonly CellRecord[]): void {
  makeDir(path.dirname(file));
  writeFileSafe(file, records.map((r) => JSON.stringify(r) + '\n').join(''), { durable: true });
}

export interface Freshness {
  /** Latest usable record per cell id. */
  readonly fresh: ReadonlyMap<string, CellRecord>;
  /** Records for cells of this config that must be recomputed, with the reason. */
  readonly stale: readonly { record: CellRecord; reason: string }[];
  /** Records of cells the config no longer has (kept out of reports). */
  readonly orphans: number;
  /** Cells whose stored record is a failure: computed again, never reused. */
  readonly failed: number;
}

/** Which stored records can be reused for these cells (same id, same code for the cell (`tool`), same profile contents, and not a failure). */
export function classify(
  records: readonly CellRecord[],
  cellIds: ReadonlySet<string>,
  tool: string | ((params: CellParams) => string),
  profileHash: (profile: string) => string,
): Freshness {
  const toolOf = typeof tool === 'string' ? () => tool : tool;
  const latest = new Map<string, CellRecord>();
  for (const r of records) latest.set(r.cell, r);
  const fresh = new Map<string, CellRecord>();
  const stale: { record: CellRecord; reason: string }[] = [];
  let orphans = 0;
  let failed = 0;
  for (const [id, r] of latest) {
    if (!cellIds.has(id)) orphans += 1;
    else if (r.error !== undefined) failed += 1;
    else if (r.tool !== toolOf(r.params)) stale.push({ record: r, reason: `computed by tpuseg ${r.tool}, this is ${toolOf(r.params)} (the code this cell runs has changed)` });
    else if (r.profileHash !== profileHash(r.params.profile)) stale.push({ record: r, reason: `profile ${r.params.profile} has changed since` });
    else fresh.set(id, r);
  }
  return { fresh, stale, orphans, failed };
}
