import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VlSpec } from './figures';
import type { CellValue, Table } from './format';

/**
 * A self-contained HTML page: text, sortable tables and interactive vega-lite figures (tooltips,
 * legends that isolate a series on click). vega, vega-lite and vega-embed are inlined from
 * node_modules, so the page opens from disk with no server and no network.
 */

export type HtmlBlock =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3 | 4; readonly text: string; readonly id?: string }
  | { readonly kind: 'text'; readonly text: string; readonly className?: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'table'; readonly table: Table; readonly caption?: string; readonly id?: string; readonly collapse?: boolean }
  | { readonly kind: 'figure'; readonly id: string; readonly spec: VlSpec; readonly caption?: string };

export interface HtmlPage {
  readonly title: string;
  readonly blocks: readonly HtmlBlock[];
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The link target `href` as it may appear in a page, or undefined: only http(s) URLs, `#`
 * fragments and relative paths, so a name or text carrying `[x](javascript:...)` stays text.
 * Controls, blanks and backslashes are refused too (browsers drop them or read them as `/`),
 * and a leading `/` (another host, `//x`, or a path outside the report).
 */
export function safeHref(href: string): string | undefined {
  if (href === '' || /[\u0000-\u0020\u007f-\u009f\\]/.test(href)) return undefined;
  if (/^https?:\/\/[^/]/i.test(href) || href.startsWith('#')) return href;
  if (href.startsWith('/')) return undefined;
  // A relative path has no scheme: no ':' before its first '/', '?' or '#'.
  return /^[^/?#]*:/.test(href) ? undefined : href;
}

const unescapeHtml = (s: string): string =>
  s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The inline Markdown our notes use: links (to safe targets only), `code` and **bold**. */
export function inline(md: string): string {
  return escapeHtml(md)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (all: string, text: string, href: string) =>
      (safeHref(unescapeHtml(href)) === undefined ? all : `<a href="${href}">${text}</a>`))
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

const relative = (href: string): boolean => !/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(href);

/** The blocks with their relative Markdown links taken as relative to `dir` (for a page one level up). */
export function rebase(blocks: readonly HtmlBlock[], dir: string): HtmlBlock[] {
  if (dir === '.' || dir === '') return [...blocks];
  const fix = (md: string): string => md.replace(/\]\(([^)\s]+)\)/g, (all, href: string) => (relative(href) ? `](${dir}/${href})` : all));
  return blocks.map((b): HtmlBlock => {
    if (b.kind === 'text') return { ...b, text: fix(b.text) };
    if (b.kind === 'list') return { ...b, items: b.items.map(fix) };
    return b;
  });
}

/** The number a cell sorts by: its leading number (`12.3x*`, `**4.5**`, `7 (N=2)`), else none. */
export function sortKey(v: CellValue): number | undefined {
  if (typeof v === 'number') return v;
  const m = /^\s*(?:\*\*)?([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i.exec(v ?? '');
  return m === null ? undefined : Number(m[1]);
}

function tableHtml(t: Table, caption: string | undefined, id: string | undefined): string {
  const head = t.columns.map((c, i) => `<th data-col="${i}" title="click to sort">${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${t.columns.map((_, i) => {
    const v = r[i];
    const key = sortKey(v);
    return `<td${key !== undefined ? ` data-sort="${key}" class="num"` : ''}>${inline(v === undefined ? '' : String(v))}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<table class="sortable"${id !== undefined ? ` id="${escapeHtml(id)}"` : ''}>${caption !== undefined ? `<caption>${inline(caption)}</caption>` : ''}` +
    `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Tables longer than this many rows are drawn collapsed (a click on their summary opens them), unless a block says otherwise. */
export const COLLAPSE_ROWS = 25;

/** The plain text of inline Markdown (for the contents bar's entries). */
const plain = (md: string): string => md.replace(/\[([^\]]+)\]\([^)\s]+\)/g, '$1').replace(/`([^`]+)`/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1');

/** Every level-2 and level-3 heading with an id of its own (a slug of its text when it has none, made unique). */
export function withHeadingIds(blocks: readonly HtmlBlock[]): HtmlBlock[] {
  const taken = new Set(blocks.flatMap((b) => ('id' in b && b.id !== undefined ? [b.id] : [])));
  return blocks.map((b) => {
    if (b.kind !== 'heading' || b.level === 1 || b.level === 4 || b.id !== undefined) return b;
    const base = `s-${plain(b.text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'section'}`;
    let id = base;
    for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
    taken.add(id);
    return { ...b, id };
  });
}

/** The contents bar: a link to every level-2 heading, its level-3 headings under it. */
export function contentsHtml(blocks: readonly HtmlBlock[]): string {
  const heads = blocks.flatMap((b) => (b.kind === 'heading' && (b.level === 2 || b.level === 3) && b.id !== undefined ? [{ level: b.level, id: b.id, text: plain(b.text) }] : []));
  if (heads.length < 2) return '';
  // A title's part before its colon names it ("Table 4", "Multi-TPU pipelines"); the whole title is the link's tooltip.
  const short = (t: string): string => {
    const head = t.split(':')[0]!.trim();
    return head.length > 48 ? `${head.slice(0, 45).replace(/[\s,;]+\S*$/, '')}...` : head;
  };
  const items = heads.map((h) => `<li class="toc-${h.level}"><a href="#${escapeHtml(h.id)}" title="${escapeHtml(h.text)}">${escapeHtml(short(h.text))}</a></li>`).join('');
  return `<nav class="toc" aria-label="Contents"><strong>Contents</strong><ul>${items}</ul></nav>`;
}

function blockHtml(b: HtmlBlock): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}${b.id !== undefined ? ` id="${escapeHtml(b.id)}"` : ''}>${inline(b.text)}</h${b.level}>`;
    case 'text':
      return `<p${b.className !== undefined ? ` class="${escapeHtml(b.className)}"` : ''}>${inline(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'table': {
      const table = `<div class="table-wrap">${tableHtml(b.table, b.caption, b.id)}</div>`;
      if (!(b.collapse ?? b.table.rows.length > COLLAPSE_ROWS)) return table;
      const what = b.caption !== undefined ? `${inline(b.caption)}: ` : '';
      return `<details class="long-table"><summary>${what}${b.table.rows.length} rows (click to show)</summary>${table}</details>`;
    }
    case 'figure':
      return `<figure><div class="vega" id="${escapeHtml(b.id)}"></div>${b.caption !== undefined ? `<figcaption>${inline(b.caption)}</figcaption>` : ''}</figure>`;
  }
}

/** Script text safe inside <script>: no `</script` or `<!--` can end or confuse the element. */
const scriptSafe = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
/** JSON safe inside <script type="application/json">. */
const jsonSafe = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** Where a package's minified browser build lives (vega-lite and vega only export their schema files, so resolve those). */
function browserBuild(entry: string, file: string): string {
  return path.join(path.dirname(require.resolve(entry)), file);
}

let vendorCache: string[] | undefined;
/** vega, vega-lite and vega-embed, minified, as read from node_modules: the text of each script element. */
export function vendorScripts(): readonly string[] {
  vendorCache ??= [
    browserBuild('vega/vega-schema.json', 'vega.min.js'),
    browserBuild('vega-lite/vega-lite-schema.json', 'vega-lite.min.js'),
    browserBuild('vega-embed', 'vega-embed.min.js'),
  ].map((f) => scriptSafe(fs.readFileSync(f, 'utf8')));
  return vendorCache;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing from anywhere, scripts only those the page was
 * written with (by hash; no eval: figures run vega's expression interpreter), inline styles
 * (vega draws with them), images only as data: or blob: (figure exports).
 */
export function contentSecurityPolicy(scripts: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const STYLE = `
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #222; margin: 0 auto; max-width: 1280px; padding: 0 2em 4em; }
html { scroll-padding-top: 3em; }
nav.toc { position: sticky; top: 0; z-index: 10; background: #fff; border-bottom: 1px solid #ddd; padding: .4em 0; font-size: 13px; white-space: nowrap; overflow-x: auto; }
nav.toc ul { display: inline; margin: 0; padding: 0; } nav.toc li { display: inline; margin: 0 .2em 0 .6em; }
nav.toc li.toc-3 { font-size: 12px; margin-left: .3em; } nav.toc li.toc-3::before { content: '\\203A\\00a0'; color: #999; }
nav.toc a { color: #2a5d8f; text-decoration: none; } nav.toc a:hover { text-decoration: underline; }
details.long-table { margin: 1em 0; } details.long-table > summary { cursor: pointer; font-weight: bold; color: #2a5d8f; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ddd; } h3 { font-size: 1.1em; }
p.headline { background: #f3f7fb; border-left: 4px solid #4c78a8; padding: .6em .9em; }
code { background: #f4f4f4; padding: 0 .2em; }
.table-wrap { overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; font-size: 13px; }
caption { text-align: left; font-weight: bold; padding: .3em 0; }
th, td { border: 1px solid #ddd; padding: .2em .5em; }
th { background: #f6f6f6; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort=ascending]::after { content: ' \\25B2'; } th[aria-sort=descending]::after { content: ' \\25BC'; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
figure { margin: 1.5em 0; } figcaption { color: #555; font-size: 12px; }
.vega-embed { display: flex !important; flex-direction: column; } .vega-bindings { order: -1; margin: .4em 0; }
.vega-bind { display: inline-block; margin-right: 1.5em; }
.error { color: #b00; }
`;

const SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('tpuseg-specs').textContent);
  var views = {};
  var jobs = Object.keys(specs).map(function (id) {
    var el = document.getElementById(id);
    return vegaEmbed(el, specs[id], { actions: false, renderer: 'svg', ast: true }).then(function (r) {
      views[id] = r.view;
      el.setAttribute('data-rendered', 'yes');
    }, function (e) {
      el.setAttribute('data-rendered', 'failed');
      el.innerHTML = '<p class="error">This figure failed to render: ' + String(e && e.message || e).replace(/</g, '&lt;') + '</p>';
      console.error('figure ' + id + ': ' + (e && e.message || e));
    });
  });
  window.tpusegReport = { views: views, ready: Promise.all(jobs) };

  function sortTable(th) {
    var table = th.closest('table'), col = +th.getAttribute('data-col'), body = table.tBodies[0];
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var rows = Array.prototype.slice.call(body.rows);
    var key = function (r) {
      var c = r.cells[col];
      if (!c) return { n: null, t: '' };
      var s = c.getAttribute('data-sort');
      return { n: s === null ? null : +s, t: c.textContent };
    };
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), d;
      if (x.n !== null && y.n !== null) d = x.n - y.n;
      else if (x.n !== null) d = -1;
      else if (y.n !== null) d = 1;
      else d = x.t.localeCompare(y.t);
      return dir === 'ascending' ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.addEventListener('click', function (e) {
    var th = e.target.closest && e.target.closest('table.sortable th');
    if (th) sortTable(th);
  });
})();
`;

export function renderHtml(page: HtmlPage): string {
  const blocks = withHeadingIds(page.blocks);
  const specs = Object.fromEntries(page.blocks.flatMap((b) => (b.kind === 'figure' ? [[b.id, b.spec]] : [])));
  const scripts = [...vendorScripts(), SCRIPT];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scripts))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    ...scripts.slice(0, -1).map((js) => `<script>${js}</script>`),
    '</head>',
    '<body>',
    contentsHtml(blocks),
    ...blocks.map(blockHtml),
    `<script type="application/json" id="tpuseg-specs">${jsonSafe(specs)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
