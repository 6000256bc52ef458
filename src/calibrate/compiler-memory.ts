import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { costModel, type CostProfile } from '../../cost-models';
import { configInvalid, type TpusegError } from '../errors';
import type { CostModel } from '../../cost-models/types';
import { parseCsv } from './csv';
import { calibrationModel } from './models';

/**
 * The compiler's parameter memory of real CNN segments compiled alone
 * (../shared/data/compiler-memory/keras-segments.csv: model, op range, off-chip MiB and, where the log
 * has it, on-chip MiB) against the caching rule of cost-models/edgetpu.ts.
 */

export interface SegmentMemoryRow {
  readonly model: string;
  readonly firstOp: number;
  readonly lastOp: number;
  readonly paramMiB: number;
  readonly offChipMiB: number;
  readonly predictedOffChipMiB: number;
  readonly onChipMiB?: number;
  readonly predictedOnChipMiB: number;
}

export interface CompilerMemory {
  readonly file: string;
  readonly rows: readonly SegmentMemoryRow[];
  /** Rows whose off-chip MiB the model predicts within `OFF_CHIP_TARGET_MIB`. */
  readonly within: number;
  /** How many rows must be within for the target. */
  readonly target: number;
}

/** The issue's target: at least 38 of the 42 released segments. */
export const SEGMENTS_WITHIN_TARGET = 38 / 42;
const MiB = 1024 * 1024;

export function compilerMemory(text: string, file: string, profile: CostProfile, tolerance: number): E.Either<TpusegError, CompilerMemory> {
  const parsed = parseCsv(text, file);
  if (E.isLeft(parsed)) return parsed;
  const { header, rows } = parsed.right;
  const col = (name: string): number => header.indexOf(name);
  const missing = ['model', 'first_op', 'last_op', 'off_chip_mib'].filter((c) => col(c) < 0);
  if (missing.length > 0) return E.left(configInvalid(file, [`no column ${missing.map((c) => `"${c}"`).join(', ')} (columns: ${header.join(', ')})`]));
  // One cost model per model: its per-op tables serve every segment of it.
  const models = new Map<string, CostModel>();
  const out: SegmentMemoryRow[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const model = row[col('model')]!;
    const [a, b, off] = ['first_op', 'last_op', 'off_chip_mib'].map((c) => Number(row[col(c)]));
    const onText = col('on_chip_mib') >= 0 ? row[col('on_chip_mib')]!.trim() : '';
    let cost = models.get(model);
    if (!cost) {
      const g = calibrationModel(model);
      if (E.isLeft(g)) return E.left(configInvalid(file, [`row ${r + 2}: ${model} cannot be built`]));
      models.set(model, (cost = costModel(g.right, profile)));
    }
    const n = cost.graph.ops.length;
    if (!(Number.isInteger(a) && Number.isInteger(b) && a! >= 0 && a! <= b! && b! < n)) {
      return E.left(configInvalid(file, [`row ${r + 2}: op range ${row[col('first_op')]}..${row[col('last_op')]} is not inside 0..${n - 1} of ${model}`]));
    }
    if (!(Number.isFinite(off) && off! >= 0)) return E.left(configInvalid(file, [`row ${r + 2}, column "off_chip_mib": expected MiB, got "${row[col('off_chip_mib')]}"`]));
    const s = cost.segment(a!, b! + 1);
    out.push({
      model, firstOp: a!, lastOp: b!, paramMiB: s.paramBytes / MiB, offChipMiB: off!, predictedOffChipMiB: s.offChipBytes / MiB,
      ...(onText !== '' && Number.isFinite(Number(onText)) ? { onChipMiB: Number(onText) } : {}), predictedOnChipMiB: s.onChipBytes / MiB,
    });
  }
  return E.right({
    file: path.basename(file), rows: out,
    within: out.filter((x) => Math.abs(x.predictedOffChipMiB - x.offChipMiB) <= tolerance).length,
    target: Math.ceil(SEGMENTS_WITHIN_TARGET * out.length - 1e-9),
  });
}
