import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { loadProfile } from '../../cost-models';
import { ratioBandOf, speedupOf, speedupText, type RatioBand } from '../../cost-models/bands';
import type { AdviseTable, AdviseTableRow, Pick } from '../advise/table';
import { modelName } from './data';
import { faded, FONT, pick, SCHEMA, type VlSpec } from './figures';
import { csvTable, markdownTable, type Table } from './format';
import type { ReportOutput } from './generate';
import type { HtmlBlock } from './html';
import { geomean } from './summary';
import { reportWriter } from './writer';

/**
 * The advise table's report (tpuseg reproduce advise): advise.md and advise.csv, a figure of the
 * predicted throughput of each shape against the TPUs on the board, index.md and index.html.
 * Every number is the table's (src/advise/table.ts).
 */

const SERIES = ['best pipeline', 'best replication', 'best hybrid', 'advised'] as const;
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];
const DASHES = [[6, 3], [2, 2], [8, 3, 2, 3], [1, 0]];
const SHAPES = ['square', 'triangle-up', 'diamond', 'circle'];

const rate = (x: number | undefined): string => (x === undefined ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const cell = (p: Pick | undefined): string => (p === undefined ? '' : p.id);

/** The table's profile's speedup band (cost-models/bands.ts), when it has one. */
function bandOf(t: AdviseTable): RatioBand | undefined {
  const p = loadProfile(t.profile);
  return E.isRight(p) ? ratioBandOf(p.right) : undefined;
}

/** advised / pipeline throughput, with its 80% band when the two differ. */
const overPipeline = (r: AdviseTableRow, band: RatioBand | undefined): string => {
  if (!r.pipeline) return '';
  const x = r.advised.throughput / r.pipeline.throughput;
  return speedupText(speedupOf(x, Math.abs(x - 1) > 1e-9 ? band : undefined), 2, '');
};

function table(rows: readonly AdviseTableRow[], band: RatioBand | undefined): Table {
  return {
    columns: ['model', 'TPUs', 'best pipeline', 'inputs/s', 'best replication', 'inputs/s', 'best hybrid', 'inputs/s', 'advised', 'inputs/s', 'TPUs used', 'advised x pipeline'],
    rows: rows.map((r) => [
      modelName(r.model), r.tpus, cell(r.pipeline), rate(r.pipeline?.throughput), cell(r.replicas), rate(r.replicas?.throughput),
      cell(r.hybrid), rate(r.hybrid?.throughput), r.advised.id, rate(r.advised.throughput), r.advised.tpus,
      overPipeline(r, band),
    ]),
  };
}

function csv(rows: readonly AdviseTableRow[]): Table {
  const pick = (p: Pick | undefined): (string | number | undefined)[] => [p?.id, p?.kind, p?.tpus, p?.throughput];
  return {
    columns: ['model', 'tpus', 'pipeline', 'pipeline_kind', 'pipeline_tpus', 'pipeline_inputs_per_s', 'replicas', 'replicas_kind', 'replicas_tpus', 'replicas_inputs_per_s',
      'hybrid', 'hybrid_kind', 'hybrid_tpus', 'hybrid_inputs_per_s', 'advised', 'advised_kind', 'advised_tpus', 'advised_inputs_per_s', 'reasoning'],
    rows: rows.map((r) => [r.model, r.tpus, ...pick(r.pipeline), ...pick(r.replicas), ...pick(r.hybrid), ...pick(r.advised), r.reasoning]),
  };
}

/** The main finding on the largest board, computed from the rows. */
export function adviseHeadline(t: AdviseTable, band: RatioBand | undefined = bandOf(t)): string | undefined {
  const K = t.config.tpus;
  const top = t.rows.filter((r) => r.tpus === K && r.pipeline !== undefined);
  if (top.length === 0) return undefined;
  const over = top.map((r) => r.advised.throughput / r.pipeline!.throughput);
  const most = top[over.indexOf(Math.max(...over))]!;
  const reps = top.filter((r) => r.replicas !== undefined);
  const kinds = ['pipeline', 'replicas', 'hybrid'].map((k) => [k, top.filter((r) => r.advised.kind === k).length] as const).filter(([, n]) => n > 0);
  const fewer = top.filter((r) => r.advised.tpus < K).length;
  return `On ${K} TPUs the advised configuration gives a geometric mean of ${geomean(over)!.toFixed(2)}x the throughput of the best pure pipeline across ${top.length} models `
    + `(up to ${Math.max(...over).toFixed(2)}x, ${modelName(most.model)}: ${most.advised.id})`
    + (reps.length > 0 ? ` and ${geomean(reps.map((r) => r.advised.throughput / r.replicas!.throughput))!.toFixed(2)}x the best replication` : '')
    + `; it is ${kinds.map(([k, n]) => `${k === 'replicas' ? 'replicas' : `a ${k}`} for ${n}`).join(', ')}`
    + (fewer > 0 ? `, and leaves TPUs unused for ${fewer}` : '') + '.'
    + (band ? ` Each such ratio carries an 80% band of ${band.lo.toFixed(2)}-${band.hi.toFixed(2)} times its value (measured against predicted speedups of ${band.pairs} pairs of splits on ${band.from}; up to ${(Math.max(...over) * band.lo).toFixed(2)}-${(Math.max(...over) * band.hi).toFixed(2)}x).` : '');
}

export function throughputSpec(t: AdviseTable): VlSpec | undefined {
  const values = t.rows.flatMap((r) => {
    const shapes = [r.pipeline, r.replicas, r.hybrid] as const;
    // The shape the advice is, when it is one of the three best: the advised line runs on top of that one's.
    const equals = shapes.flatMap((p, i) => (p !== undefined && p.id === r.advised.id ? [SERIES[i]!] : [])).join(', ');
    return [...shapes, r.advised].flatMap((p, i) => (p === undefined ? [] : [{
      model: modelName(r.model), board: r.tpus, series: SERIES[i], configuration: p.id, used: p.tpus, throughput: p.throughput,
      equals: i === 3 ? (equals === '' ? 'none of the three' : equals) : '',
    }]));
  });
  if (values.length === 0) return undefined;
  const models = [...new Set(values.map((v) => v.model))];
  const domain = [...SERIES];
  const x = { field: 'board', type: 'quantitative', title: 'TPUs on the board', axis: { tickMinStep: 1 } };
  const y = { field: 'throughput', type: 'quantitative', title: 'inputs/s' };
  const color = { field: 'series', type: 'nominal', title: 'configuration', scale: { domain, range: COLORS } };
  const tooltip = [
    { field: 'model' }, { field: 'board', title: 'TPUs on the board' }, { field: 'series', title: 'shape' }, { field: 'configuration' },
    { field: 'used', title: 'TPUs used' }, { field: 'throughput', type: 'quantitative', title: 'inputs/s', format: '.1f' },
  ];
  return {
    $schema: SCHEMA,
    title: {
      text: 'Predicted throughput on a board of 1..K TPUs, by configuration',
      subtitle: [`profile ${t.profile}; each panel its own y scale; click a series in the legend to isolate it`,
        'best pipeline / replication / hybrid: the fastest of that shape on up to that many TPUs',
        'advised: what tpuseg advise recommends, drawn as a wide pale band under the line it equals (hover a point: "advised equals")'],
    },
    data: { values },
    facet: { field: 'model', type: 'nominal', sort: models, title: null },
    columns: Math.min(5, models.length),
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 190,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.series === 'advised'" }],
          params: [pick('series')],
          mark: { type: 'line', strokeWidth: 7, strokeOpacity: 0.35, strokeCap: 'round', point: { filled: false, size: 110, strokeWidth: 1.5 } },
          encoding: {
            x, y, color,
            strokeDash: { field: 'series', type: 'nominal', scale: { domain, range: DASHES } },
            shape: { field: 'series', type: 'nominal', scale: { domain, range: SHAPES } },
            opacity: faded('series'),
            tooltip: [...tooltip, { field: 'equals', title: 'advised equals' }],
          },
        },
        {
          transform: [{ filter: "datum.series !== 'advised'" }],
          mark: { type: 'line', point: true },
          encoding: {
            x, y, color,
            strokeDash: { field: 'series', type: 'nominal', scale: { domain, range: DASHES } },
            shape: { field: 'series', type: 'nominal', scale: { domain, range: SHAPES } },
            opacity: faded('series'),
            tooltip,
          },
        },
      ],
    },
    config: { ...FONT.config, legend: { orient: 'top' } },
  };
}

const NOTES = (t: AdviseTable): string[] => [
  `For each model and a board of m = 1..${t.config.tpus} TPUs: the best pure pipeline, the best replication (r copies of a k-stage pipeline, inputs dealt round robin) and the best hybrid (a pipeline whose slowest stages run on several TPUs) on up to m TPUs, and what \`tpuseg advise --tpus m\` recommends, with the predicted throughput of each (inputs per second in steady state).`,
  `Predicted with the cost model under profile \`${t.profile}\`, objective ${t.config.objective ?? 'throughput'}, including what the stages share (the host's interpreter lock, a shared link, its CPU cores) and the handoffs of a hybrid; no hardware was used.`,
  'Configurations: `pK` a K-stage pipeline; `rRxK` R replicas of a K-stage pipeline; `hK-abc` a K-stage hybrid whose stages run on a, b, c, ... TPUs. The advised configuration is the one on fewest TPUs within 2% of the best; "TPUs used" can be below m when more TPUs buy less.',
];

export async function writeAdviseReport(t: AdviseTable, outDir: string, provenance: readonly string[]): Promise<ReportOutput> {
  const out = reportWriter(outDir);
  const title = `Advise: what to run on 1..${t.config.tpus} TPUs`;
  const band = bandOf(t);
  const headline = adviseHeadline(t, band);
  const spec = throughputSpec(t);
  if (spec) await out.figure('advise-throughput', spec);
  const tab = table(t.rows, band);
  out.write('advise.md', [
    `# ${title}`, '', ...NOTES(t).flatMap((n) => [n, '']), ...(headline ? [`**${headline}**`, ''] : []),
    ...(spec ? ['![advise-throughput](figures/advise-throughput.svg)', ''] : []),
    markdownTable(tab), '', 'All numbers, with each configuration\'s shape and the reasoning on the largest board: [advise.csv](advise.csv)', '',
  ].join('\n'));
  out.write('advise.csv', csvTable(csv(t.rows)));
  out.write('index.md', [
    `# ${title}`, '', ...(t.config.description ? [t.config.description, ''] : []), ...provenance.map((p) => `- ${p}`),
    '- Interactive report: [index.html](index.html)', '', '## Tables', '', `- [${title}](advise.md) ([CSV](advise.csv))${headline ? `: ${headline}` : ''}`, '',
    ...(spec ? ['## Figures', '', '- [advise-throughput](figures/advise-throughput.svg)', ''] : []),
  ].join('\n'));
  const body: HtmlBlock[] = [
    ...(t.config.description ? [{ kind: 'text' as const, text: t.config.description }] : []),
    { kind: 'list', items: [...provenance, 'Markdown version: [index.md](index.md)'] },
    ...(headline ? [{ kind: 'text' as const, text: `**Advise:** ${headline}`, className: 'headline' }] : []),
    { kind: 'heading', level: 2, text: title, id: 'advise-table' },
    ...NOTES(t).map((n): HtmlBlock => ({ kind: 'text', text: n })),
    ...(spec ? [{ kind: 'figure' as const, id: 'fig-advise-throughput', spec }] : []),
    { kind: 'table', table: tab, id: 'advise-rows', collapse: false },
    { kind: 'text', text: 'Markdown: [advise.md](advise.md); every number: [advise.csv](advise.csv)' },
  ];
  out.page(title, body);
  return { index: path.join(outDir, 'index.md'), html: path.join(outDir, 'index.html'), body, files: out.files, headlines: headline ? [`Advise: ${headline}`] : [], skipped: [] };
}
