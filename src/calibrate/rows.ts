import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import type { LayerGraph } from '../graph/types';
import { configInvalid, formatError, type TpusegError } from '../errors';
import { checkCuts } from '../pipeline/evaluate';
import { COLUMN } from '../validate/measurements';
import type { CalibrationCase, CaseSet } from './cases';
import type { CsvTable } from './csv';
import { calibrationModel } from './models';

/**
 * Self-describing measurement rows, as `tpuseg validate --backend edgetpu` appends them: every row
 * names its own model (`Spec`) and plan (`Cuts`), with `Batch` inputs pipelined and `Inference
 * time` in ms per input over that batch, which the closed form `(sum + (B - 1) x max) / B` prices,
 * as for the mapped pipeline files. Format: experiments/calibration/README.md.
 */

/** A table whose rows carry their own model spec and cuts. */
export const isSelfDescribing = (header: readonly string[]): boolean => header.includes(COLUMN.spec) && header.includes(COLUMN.cuts);

const MODEL_PREFIX = /^(zoo|synth|calib):/;

/** A spec as written in the row: model specs as they are, file paths relative to the CSV's directory. */
export const resolveSpec = (spec: string, file: string): string =>
  MODEL_PREFIX.test(spec) ? spec : path.resolve(path.dirname(file), spec);

const oneLine = (e: TpusegError): string => (e._tag === 'Usage' ? e.message : formatError(e).replace(/\n\s*/g, ' '));

/** "[12, 40]" or "[]": integers only; undefined for anything else. */
export function parseCuts(raw: string): number[] | undefined {
  const m = /^\[\s*(.*?)\s*\]$/.exec(raw.trim());
  if (!m) return undefined;
  if (m[1] === '') return [];
  const parts = m[1]!.split(',').map((p) => p.trim());
  return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : undefined;
}

/**
 * MiB per segment: the list when it has one number per segment, undefined when the compiler did
 * not report a figure for some segment ("nan"), an error message when it is malformed.
 */
function mibList(raw: string, segments: number): { ok: readonly number[] | undefined } | { bad: string } {
  const s = raw.trim();
  if (s === '') return { ok: undefined };
  const parts = (s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s).split(',').map((p) => p.trim().toLowerCase());
  if (parts.length !== segments) return { bad: `expected ${segments} value(s), one per segment, got "${raw}"` };
  if (parts.some((p) => p !== 'nan' && !(p !== '' && Number.isFinite(Number(p)) && Number(p) >= 0))) return { bad: `expected MiB (or nan) per segment, got "${raw}"` };
  return { ok: parts.includes('nan') ? undefined : parts.map(Number) };
}

export function rowCases(table: CsvTable, file: string): E.Either<TpusegError, CaseSet> {
  const col = (name: string): number => table.header.indexOf(name);
  const missing = [COLUMN.spec, COLUMN.cuts, COLUMN.batch, COLUMN.time].filter((c) => col(c) < 0);
  if (missing.length > 0) {
    return E.left(configInvalid(file, [`rows with "${COLUMN.spec}" and "${COLUMN.cuts}" also need ${missing.map((c) => `"${c}"`).join(', ')} (columns: ${table.header.join(', ')})`]));
  }
  const [si, ci, bi, ti, mi, ni, oi, fi] = [COLUMN.spec, COLUMN.cuts, COLUMN.batch, COLUMN.time, COLUMN.model, COLUMN.tpus, COLUMN.onChip, COLUMN.offChip].map(col);
  const graphs = new Map<string, E.Either<TpusegError, LayerGraph>>();
  const base = path.basename(file);
  const cases: CalibrationCase[] = [];
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r]!;
    const bad = (column: string, what: string): E.Either<TpusegError, never> => E.left(configInvalid(file, [`row ${r + 2}, column "${column}": ${what}`]));
    const written = row[si!]!.trim();
    if (written === '') return bad(COLUMN.spec, 'expected a model spec (.tflite path, zoo:, synth:), got nothing');
    const spec = resolveSpec(written, file);
    if (!graphs.has(spec)) graphs.set(spec, calibrationModel(spec));
    const graph = graphs.get(spec)!;
    if (E.isLeft(graph)) return bad(COLUMN.spec, oneLine(graph.left));
    const n = graph.right.ops.length;
    const cuts = parseCuts(row[ci!]!);
    if (!cuts) return bad(COLUMN.cuts, `expected a list of op positions such as [12, 40] ([] for one TPU), got "${row[ci!]}"`);
    const checked = checkCuts(n, cuts);
    if (E.isLeft(checked)) return bad(COLUMN.cuts, `${checked.left._tag === 'SegmentInvalid' ? checked.left.message : oneLine(checked.left)} (${written})`);
    const segments = cuts.length + 1;
    if (ni! >= 0 && row[ni!]!.trim() !== String(segments)) return bad(COLUMN.tpus, `expected ${segments} for ${cuts.length} cut(s), got "${row[ni!]}"`);
    const batchRaw = row[bi!]!.trim();
    if (!/^\d+$/.test(batchRaw) || Number(batchRaw) < 1) return bad(COLUMN.batch, `expected a positive integer, got "${row[bi!]}"`);
    const ms = Number(row[ti!]);
    if (row[ti!]!.trim() === '' || !(Number.isFinite(ms) && ms > 0)) return bad(COLUMN.time, `expected a positive time in ms per input, got "${row[ti!]}"`);
    const mib: (readonly number[] | undefined)[] = [];
    for (const [i, name] of [[oi!, COLUMN.onChip], [fi!, COLUMN.offChip]] as const) {
      const m = i >= 0 ? mibList(row[i]!, segments) : { ok: undefined };
      if ('bad' in m) return bad(name, m.bad);
      mib.push(m.ok);
    }
    const [on, off] = mib;
    const model = mi! >= 0 && row[mi!]!.trim() !== '' ? row[mi!]!.trim() : written;
    cases.push({
      file: base, group: segments === 1 ? 'single' : 'multi', label: `row ${r + 2} ${model} [${cuts.join(', ')}]`, spec,
      graph: graph.right, cuts, batch: Number(batchRaw), measuredMs: ms, ...(on ? { onChipMiB: on } : {}), ...(off ? { offChipMiB: off } : {}),
    });
  }
  return E.right({ cases, skipped: [] });
}
