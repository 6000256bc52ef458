/** Plain-text table rendering: Markdown (GitHub pipes) and CSV (RFC 4180 quoting). */

export type CellValue = string | number | undefined;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CellValue[])[];
}

const MIB = 1024 * 1024;
export const mib = (bytes: number): number => bytes / MIB;

/** A number with `digits` decimals (trailing zeros kept, so columns line up); '' when missing. */
export const fixed = (v: number | undefined, digits = 2): string => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));

/** Significant-digit formatting for times spanning 0.1 ms to seconds. */
export const ms = (v: number | undefined): string => {
  if (v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 10 ? v.toFixed(2) : v.toFixed(3);
};

const mdEscape = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(t: Table): string {
  const text = (v: CellValue): string => (v === undefined ? '' : mdEscape(String(v)));
  const numeric = t.columns.map((_, i) => t.rows.length > 0 && t.rows.every((r) => r[i] === undefined || r[i] === '' || typeof r[i] === 'number' || /^(\*\*)?[-+]?[\d.]+(x|%)?[*]?(\*\*)?$/.test(String(r[i]))));
  return [
    `| ${t.columns.map(mdEscape).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...t.rows.map((r) => `| ${t.columns.map((_, i) => text(r[i])).join(' | ')} |`),
  ].join('\n');
}

const csvField = (v: CellValue): string => {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvTable = (t: Table): string => [t.columns, ...t.rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';

/** Parses CSV text with quoted fields (as written by Python's csv module); first row is the header. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const records: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) records.push(row);
      row = [];
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) records.push(row);
  const [header = [], ...rows] = records;
  return { header, rows };
}

/** Median and the p-th percentile (nearest rank) of a list; undefined when empty. */
export function percentile(xs: readonly number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
