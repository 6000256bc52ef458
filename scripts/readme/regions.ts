import * as E from 'fp-ts/Either';

/**
 * The README's generated regions: `<!-- generated: NAME -->` ... `<!-- /generated -->`, each
 * replaced whole by what its source renders (scripts/readme/sources.ts). A region is inline when
 * both markers sit inside one line of prose, a block otherwise; what lies outside the markers is
 * never touched.
 */

export interface Region {
  readonly name: string;
  /** Offsets of the content between the markers. */
  readonly from: number;
  readonly to: number;
  readonly content: string;
}

const OPEN = /<!-- generated: ([a-z0-9-]+) -->/g;
const CLOSE = '<!-- /generated -->';

export const openMarker = (name: string): string => `<!-- generated: ${name} -->`;
export const CLOSE_MARKER = CLOSE;

/** The regions of a text in order, or a one-line error naming the line of a malformed or repeated marker. */
export function findRegions(text: string): E.Either<string, Region[]> {
  const lineOf = (i: number): number => text.slice(0, i).split('\n').length;
  const regions: Region[] = [];
  for (const m of text.matchAll(OPEN)) {
    const from = m.index + m[0].length;
    const to = text.indexOf(CLOSE, from);
    const nextOpen = text.slice(from).search(/<!-- generated: /);
    if (to < 0 || (nextOpen >= 0 && from + nextOpen < to)) return E.left(`line ${lineOf(m.index)}: region "${m[1]}" has no ${CLOSE} before the next region`);
    if (regions.some((r) => r.name === m[1])) return E.left(`line ${lineOf(m.index)}: region "${m[1]}" appears twice`);
    regions.push({ name: m[1]!, from, to, content: text.slice(from, to) });
  }
  const closes = text.split(CLOSE).length - 1;
  if (closes !== regions.length) return E.left(`${closes} ${CLOSE} markers for ${regions.length} regions`);
  return E.right(regions);
}

/** The text with each named region's content replaced; regions not in `contents` are left as they are. */
export function replaceRegions(text: string, regions: readonly Region[], contents: ReadonlyMap<string, string>): string {
  let out = '';
  let at = 0;
  for (const r of regions) {
    const c = contents.get(r.name);
    if (c === undefined) continue;
    out += text.slice(at, r.from) + c;
    at = r.to;
  }
  return out + text.slice(at);
}

/** A block region's content: the rendered text on lines of its own between the markers. */
export const block = (body: string): string => `\n${body.replace(/\n+$/, '')}\n`;

/** A fenced code block. */
export const fenced = (body: string): string => `\`\`\`\n${body.replace(/\n+$/, '')}\n\`\`\``;

/** An inline code span (a backtick inside would end the span early: a longer fence around it). */
export const inlineCode = (s: string): string => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

/**
 * The lines where two texts differ, numbered from the region's first line, at most `max` of them:
 * enough to see what changed without printing both whole.
 */
export function lineDiff(expected: string, actual: string, max = 8): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 2 * max; i++) {
    if (a[i] === b[i]) continue;
    out.push(`  line ${i + 1} README:    ${a[i] ?? '(none)'}`, `  line ${i + 1} generated: ${b[i] ?? '(none)'}`);
  }
  return out.join('\n');
}
