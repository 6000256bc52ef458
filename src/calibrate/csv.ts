import * as E from 'fp-ts/Either';
import { configInvalid, type TpusegError } from '../errors';

/**
 * CSV reading for the measurement files of ../shared/data: RFC 4180 quoting (the multi-TPU files
 * quote per-segment lists such as "[0.76, 2.25]"), a header row, one record per line.
 */

export type CsvTable = { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };

export function parseCsv(text: string, file: string): E.Either<TpusegError, CsvTable> {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else { if (ch === '\n') line++; field += ch; }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { record.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
      field = '';
      line++;
    } else field += ch;
  }
  if (quoted) return E.left(configInvalid(file, [`line ${line}: unterminated quoted field`]));
  record.push(field);
  if (record.length > 1 || record[0] !== '') records.push(record);
  const [header, ...rows] = records;
  if (!header) return E.left(configInvalid(file, ['empty file: expected a header row']));
  const bad = rows.findIndex((r) => r.length !== header.length);
  if (bad >= 0) return E.left(configInvalid(file, [`row ${bad + 2}: ${rows[bad]!.length} fields, the header has ${header.length}`]));
  return E.right({ header, rows });
}

/** A number, or a "[a, b, ...]" list of numbers, as the measurement files write them. */
export function parseNumbers(raw: string): number[] | undefined {
  const s = raw.trim();
  const parts = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1).split(',') : [s];
  const xs = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  return xs.every((x) => Number.isFinite(x)) ? xs : undefined;
}
