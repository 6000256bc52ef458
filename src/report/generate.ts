import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import type { FigureKind, TableKind } from '../../experiments/schema';
import { DEFAULT_MAPPING, loadMapping, type Mapping } from '../calibrate/mapping';
import { formatError } from '../errors';
import { strategies } from '../../strategies';
import type { CellRecord } from '../experiments/store';
import { cellsSection } from './cells';
import { distinct, rowOf, speedups } from './data';
import { scatterSpec, speedupSpec, stagesSpec, type VlSpec } from './figures';
import { csvTable, markdownTable } from './format';
import type { HtmlBlock } from './html';
import { loadModel } from '../model/load';
import { loadProfile } from '../../cost-models';
import { ratioBandOf, type RatioBand } from '../../cost-models/bands';
import { multiTpuSection } from './multi-tpu';
import { opsOf, planViewSpec, type ModelOps } from './planview';
import type { ReportInput, Section } from './section';
import { singleTpuSection } from './single-tpu';
import { syntheticSection } from './synthetic';
import { reportWriter } from './writer';
import { MAX_TEXT_BYTES } from '../limits';
import { readRegularText } from '../read-file';

/**
 * Writes a report directory from finished cells: one Markdown page + CSV per table, SVG
 * figures under `figures/`, `index.md` linking them, and `index.html`, the same report as one
 * self-contained page with sortable tables, interactive figures and the plan view. Inputs that
 * live outside the project (published figures, measurement CSVs) are read here at run time; when
 * absent the tables say so.
 */

export interface ReportOptions {
  readonly outDir: string;
  readonly title: string;
  readonly description: string;
  readonly tables: readonly TableKind[];
  readonly figures: readonly FigureKind[];
  readonly stagesAt?: number;
  /** Absolute paths (already resolved against the config's directory). */
  readonly published?: string;
  readonly measurements?: string;
  /** Calibration mapping file (default: experiments/calibration/mapping.json). */
  readonly mapping?: string;
  /** Path of the results file, for the index's provenance line. */
  readonly resultsFile: string;
  readonly provenance: readonly string[];
  /** The experiment is the paper's table 2: its headline sets the paper's figure beside ours. */
  readonly paper?: boolean;
}

export interface ReportOutput {
  readonly index: string;
  /** The HTML page (absolute path). */
  readonly html: string;
  /** The HTML page's body, links relative to the report directory, for pages that gather several reports. */
  readonly body: readonly HtmlBlock[];
  readonly files: readonly string[];
  readonly headlines: readonly string[];
  readonly skipped: readonly string[];
}

const SECTIONS: Record<TableKind, (input: ReportInput) => Section> = {
  'single-tpu': singleTpuSection,
  'multi-tpu': multiTpuSection,
  synthetic: syntheticSection,
  cells: cellsSection,
};

const safe = (s: string): string => s.replace(/^zoo:/, '').replace(/[^A-Za-z0-9_.-]+/g, '_');

function readInputs(opts: ReportOptions): Pick<ReportInput, 'published' | 'measurements' | 'missing' | 'mapping'> & { problems: string[] } {
  const missing: string[] = [];
  const problems: string[] = [];
  let mapping: Mapping | undefined;
  if (opts.tables.includes('synthetic') || opts.tables.includes('single-tpu')) {
    const m = loadMapping(opts.mapping ?? DEFAULT_MAPPING);
    if (E.isLeft(m)) problems.push(formatError(m.left).replace(/\n\s*/g, ' '));
    else mapping = m.right;
  }
  let published: ReportInput['published'];
  if (opts.published !== undefined) {
    const text = fs.existsSync(opts.published) ? readRegularText(opts.published, MAX_TEXT_BYTES, 'a measurements file') : undefined;
    if (text === undefined) missing.push(opts.published);
    else if (E.isLeft(text)) problems.push(`${opts.published}: ${text.left}`);
    else published = { file: opts.published, text: text.right };
  }
  let measurements: ReportInput['measurements'];
  if (opts.measurements !== undefined) {
    if (fs.existsSync(opts.measurements) && fs.statSync(opts.measurements).isDirectory()) {
      const files = new Map(fs.readdirSync(opts.measurements).filter((f) => f.endsWith('.csv')).sort().flatMap((f) => {
        const file = path.join(opts.measurements!, f);
        const text = readRegularText(file, MAX_TEXT_BYTES, 'a measurements file');
        if (E.isLeft(text)) problems.push(`${file}: ${text.left}`);
        return E.isRight(text) ? [[f, text.right] as const] : [];
      }));
      measurements = { dir: opts.measurements, files };
    } else missing.push(opts.measurements);
  }
  return { ...(published ? { published } : {}), ...(measurements ? { measurements } : {}), ...(mapping ? { mapping } : {}), missing, problems };
}

function figureSpecs(kind: FigureKind, input: ReportInput, sections: readonly Section[], stagesAt: number | undefined): [string, VlSpec | undefined][] {
  const profiles = distinct(input.rows.map((r) => r.profile));
  if (kind === 'speedup') return profiles.map((p) => [`speedup-${safe(p)}`, speedupSpec(input.rows, input.speedups, p)]);
  if (kind === 'stages') {
    return profiles.flatMap((p) => distinct(input.rows.filter((r) => r.profile === p).map((r) => r.model)).map((m): [string, VlSpec | undefined] => {
      const counts = input.rows.filter((r) => r.model === m && r.profile === p).map((r) => r.tpus);
      const n = stagesAt !== undefined && counts.includes(stagesAt) ? stagesAt : Math.max(...counts);
      return [`stages-${safe(m)}-n${n}${profiles.length > 1 ? `-${safe(p)}` : ''}`, stagesSpec(input.rows, m, n, p)];
    }));
  }
  return sections.filter((s) => (s.scatter ?? []).length > 0)
    .map((s) => [`scatter-${s.name}`, scatterSpec(s.scatter!, `Predicted vs measured ms: ${s.title.split(':')[0]}`)]);
}

function sectionMarkdown(s: Section, figures: readonly string[]): string {
  return [
    `# ${s.title}`,
    '',
    ...s.notes.flatMap((n) => [n, '']),
    ...(s.headline !== undefined ? [`**${s.headline}**`, ''] : []),
    ...s.skipped.map((m) => `> Skipped: ${m}\n`),
    ...figures.flatMap((f) => [`![${f}](figures/${f}.svg)`, '']),
    ...s.blocks.flatMap((b) => [...(b.caption !== undefined ? [`## ${b.caption}`, ''] : []), markdownTable(b.table), '']),
    `All numbers: [${s.name}.csv](${s.name}.csv)`,
    '',
  ].join('\n');
}

/** The speedup band of each profile the cells name (built-in names or paths), read once; none when it cannot be read. */
function ratioBands(): (profile: string) => RatioBand | undefined {
  const seen = new Map<string, RatioBand | undefined>();
  return (name) => {
    if (!seen.has(name)) {
      const p = loadProfile(name);
      seen.set(name, E.isRight(p) ? ratioBandOf(p.right) : undefined);
    }
    return seen.get(name);
  };
}

/** Which figures a section page shows. */
const figuresOf = (s: Section, all: readonly string[]): string[] =>
  all.filter((f) => (s.name === 'multi-tpu' ? /^(speedup|stages)-/.test(f) : f === `scatter-${s.name}`));

export async function writeReport(records: readonly CellRecord[], opts: ReportOptions): Promise<ReportOutput> {
  const rows = records.map(rowOf);
  const strategyNotes = new Map(strategies().map((s) => [s.name, s.description] as const));
  strategyNotes.set('layers', 'equal numbers of layers (ops with weights or MACs) per segment');
  // Plug-ins: the description each one gave when its cells ran.
  const pluginNotes = new Map<string, string>();
  for (const r of records) if (r.strategyName !== undefined && r.strategyDescription !== undefined) pluginNotes.set(r.strategyName, r.strategyDescription);
  for (const [name, note] of pluginNotes) strategyNotes.set(name, note);
  const { problems, ...inputs } = readInputs(opts);
  const bandOf = ratioBands();
  const ratios = new Map(distinct(rows.map((r) => r.profile)).flatMap((p) => {
    const b = bandOf(p);
    return b === undefined ? [] : [[p, b] as const];
  }));
  const input: ReportInput = { rows, speedups: speedups(rows, bandOf), strategyNotes, ...(pluginNotes.size > 0 ? { pluginNotes } : {}), ratioBands: ratios, ...inputs, ...(opts.paper === true ? { paper: true } : {}) };
  const sections = opts.tables.map((t) => SECTIONS[t](input));
  const out = reportWriter(opts.outDir);

  const figureNames: string[] = [];
  const specs = new Map<string, VlSpec>();
  for (const kind of opts.figures) {
    for (const [name, spec] of figureSpecs(kind, input, sections, opts.stagesAt)) {
      if (spec === undefined) continue;
      await out.figure(name, spec);
      figureNames.push(name);
      specs.set(name, spec);
    }
  }
  for (const s of sections) {
    out.write(`${s.name}.md`, sectionMarkdown(s, figuresOf(s, figureNames)));
    out.write(`${s.name}.csv`, csvTable(s.csv));
  }
  const headlines = sections.flatMap((s) => (s.headline !== undefined ? [`${s.title.split(':')[0]}: ${s.headline}`] : []));
  const skipped = [...problems.map((p) => `calibration mapping unreadable: ${p}`), ...sections.flatMap((s) => s.skipped)];
  const index = [
    `# ${opts.title}`,
    '',
    ...(opts.description !== '' ? [opts.description, ''] : []),
    ...opts.provenance.map((p) => `- ${p}`),
    `- Results: \`${opts.resultsFile}\` (${records.length} cells)`,
    '- Interactive report: [index.html](index.html) (sortable tables, figures with tooltips, the plan view; opens from disk)',
    '',
    '## Tables',
    '',
    ...sections.map((s) => `- [${s.title}](${s.name}.md) ([CSV](${s.name}.csv))${s.headline !== undefined ? `: ${s.headline}` : ''}`),
    '',
    ...(figureNames.length > 0 ? ['## Figures', '', ...figureNames.map((f) => `- [${f}](figures/${f}.svg)`), ''] : []),
    ...(skipped.length > 0 ? ['## Skipped', '', ...skipped.map((m) => `- ${m}`), ''] : []),
  ].join('\n');
  out.write('index.md', index);
  const prefix = safe(path.basename(opts.outDir));
  const body = htmlBody(opts, records.length, input, sections, specs, figureNames, skipped, prefix);
  out.page(opts.title, body);
  return { index: path.join(opts.outDir, 'index.md'), html: path.join(opts.outDir, 'index.html'), body, files: out.files, headlines, skipped };
}

/** The ops of every model of the cells that can be loaded here (the plan view draws them). */
function modelOps(rows: ReportInput['rows']): ModelOps[] {
  return distinct(rows.filter((r) => r.segments.length > 1).map((r) => r.model)).flatMap((m) => {
    const g = loadModel(m);
    return E.isRight(g) ? [opsOf(m, g.right)] : [];
  });
}

function planView(input: ReportInput, stagesAt: number | undefined): VlSpec | undefined {
  const cells = input.rows.filter((r) => r.msPerInput !== undefined && r.segments.length > 0)
    .map((r) => ({ model: r.model, tpus: r.tpus, strategy: r.label, msPerInput: r.msPerInput!, segments: r.segments }));
  if (!cells.some((c) => c.tpus > 1)) return undefined;
  const profiles = distinct(input.rows.map((r) => r.profile));
  return planViewSpec(cells, modelOps(input.rows), {
    ...(stagesAt !== undefined ? { tpus: stagesAt } : {}),
    ...(profiles.length === 1 ? { subtitle: `profile ${profiles[0]}` } : {}),
  });
}

/** The HTML body of one report: provenance, headlines, then each table with its figures. */
function htmlBody(opts: ReportOptions, cells: number, input: ReportInput, sections: readonly Section[], specs: ReadonlyMap<string, VlSpec>,
  figureNames: readonly string[], skipped: readonly string[], prefix: string): HtmlBlock[] {
  const figure = (name: string): HtmlBlock => ({ kind: 'figure', id: `fig-${prefix}-${name}`, spec: specs.get(name)! });
  const placed = new Set(sections.flatMap((s) => figuresOf(s, figureNames)));
  const plan = planView(input, opts.stagesAt);
  const out: HtmlBlock[] = [
    ...(opts.description !== '' ? [{ kind: 'text' as const, text: opts.description }] : []),
    { kind: 'list', items: [...opts.provenance, `Results: \`${opts.resultsFile}\` (${cells} cells)`, 'Markdown version: [index.md](index.md)'] },
    ...sections.flatMap((s): HtmlBlock[] => (s.headline !== undefined ? [{ kind: 'text', text: `**${s.title.split(':')[0]}:** ${s.headline}`, className: 'headline' }] : [])),
  ];
  for (const s of sections) {
    out.push({ kind: 'heading', level: 2, text: s.title, id: `${prefix}-${s.name}` });
    out.push(...s.notes.map((n): HtmlBlock => ({ kind: 'text', text: n })));
    out.push(...s.skipped.map((m): HtmlBlock => ({ kind: 'text', text: `Skipped: ${m}`, className: 'error' })));
    const [first, ...rest] = s.blocks;
    const summaryFirst = s.summary === true && first !== undefined;
    if (summaryFirst) out.push({ kind: 'table', table: first.table, caption: first.caption!, id: `${prefix}-strategy-summary` });
    // Sub-headings, so the contents bar can take a reader straight to the figures, the plan view or the tables.
    const sub = (text: string, what: string): HtmlBlock => ({ kind: 'heading', level: 3, text, id: `${prefix}-${s.name}-${what}` });
    const figs = figuresOf(s, figureNames);
    if (figs.length > 0) out.push(sub('Figures', 'figures'), ...figs.map(figure));
    // Under the first section that shows it: an id appears once in a page.
    const planHere = plan !== undefined && s === sections.find((x) => x.planView === true);
    if (planHere) out.push(sub('Plan view', 'plan'), { kind: 'figure', id: `fig-${prefix}-plan-view`, spec: plan });
    const tables = summaryFirst ? rest : s.blocks;
    if (tables.length > 0 && (figs.length > 0 || planHere || summaryFirst)) out.push(sub('Tables', 'tables'));
    tables.forEach((b, i) =>
      out.push({ kind: 'table', table: b.table, ...(b.caption !== undefined ? { caption: b.caption } : {}), id: `${prefix}-${s.name}-${i}` }));
    out.push({ kind: 'text', text: `Markdown: [${s.name}.md](${s.name}.md); every number: [${s.name}.csv](${s.name}.csv)` });
  }
  const loose = figureNames.filter((f) => !placed.has(f));
  if (loose.length > 0) out.push({ kind: 'heading', level: 2, text: 'Figures' }, ...loose.map(figure));
  if (plan !== undefined && !sections.some((s) => s.planView === true)) out.push({ kind: 'figure', id: `fig-${prefix}-plan-view`, spec: plan });
  if (skipped.length > 0) out.push({ kind: 'heading', level: 2, text: 'Skipped' }, { kind: 'list', items: skipped });
  return out;
}
