/**
 * Text from models and files (tensor names, file names) printed on a terminal: control
 * characters, C1 controls, line and paragraph separators and bidirectional overrides are shown
 * as escapes, so a name cannot move the cursor, recolour the screen or hide what follows.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export const printable = (s: string): string =>
  s.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });

/** One line of text: `printable`, with tabs and newlines escaped as well. */
export const printableLine = (s: string): string => printable(s).replace(/\t/g, '\\t').replace(/\n/g, '\\n');

/**
 * JSON for stdout: one object, its strings' C1 controls and separators escaped as \u00XX
 * (JSON.stringify leaves them raw; JSON readers get the same data back).
 */
export const toJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x), 2)
    .replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A plain-text table: each column as wide as its widest cell, `left` columns padded on the right,
 * the others on the left, cells joined by two spaces, no trailing blanks; the header line first.
 */
export function alignedLines(header: readonly string[], rawRows: readonly (readonly string[])[], left: ReadonlySet<number>): string[] {
  // Cells as they will be printed (escapes are wider than the characters they stand for).
  const rows = rawRows.map((r) => r.map(printableLine));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string => r.map((v, c) => (left.has(c) ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
