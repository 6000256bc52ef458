import * as path from 'node:path';
import type { Contender, WorkloadTable, WorkloadTableRow } from '../workload/table';
import { csvTable, markdownTable, type Table } from './format';
import type { ReportOutput } from './generate';
import type { HtmlBlock } from './html';
import { reportWriter } from './writer';

/** Table 5 (src/workload/table.ts) as Markdown, CSV and an HTML page. */

const ratio = (c: Contender | undefined): string => (c ? c.ratio.toFixed(2) : '');
const banded = (c: Contender): string => (c.ratioLow !== undefined && c.ratioHigh !== undefined ? `${c.ratio.toFixed(2)} (${c.ratioLow.toFixed(2)}-${c.ratioHigh.toFixed(2)})` : c.ratio.toFixed(2));

function table(rows: readonly WorkloadTableRow[]): Table {
  return {
    columns: ['workload (targets)', 'TPUs', 'advised', 'TPUs used', 'lowest achieved / target (80% band)', 'targets met', 'best on all TPUs', 'each alone on K/m', 'TPUs used', 'all co-compiled on every TPU'],
    rows: rows.map((r) => [
      r.models, r.tpus, r.advised.id, r.advised.tpus, banded(r.advised), r.met ? 'yes' : 'no', ratio(r.bestOnK),
      r.alone ? `${ratio(r.alone)} (${r.alone.id})` : 'more models than TPUs', r.alone?.tpus, ratio(r.coCompiled),
    ]),
  };
}

function csv(rows: readonly WorkloadTableRow[]): Table {
  const c = (x: Contender | undefined): (string | number | undefined)[] => [x?.id, x?.tpus, x?.ratio];
  return {
    columns: ['workload', 'models', 'tpus', 'advised', 'advised_tpus', 'advised_ratio', 'advised_ratio_low', 'advised_ratio_high', 'met', 'best_on_k', 'best_on_k_tpus', 'best_on_k_ratio',
      'alone', 'alone_tpus', 'alone_ratio', 'co_compiled', 'co_compiled_tpus', 'co_compiled_ratio', 'reasoning'],
    rows: rows.map((r) => [r.workload, r.models, r.tpus, ...c(r.advised), r.advised.ratioLow, r.advised.ratioHigh, r.met ? 'yes' : 'no', ...c(r.bestOnK), ...c(r.alone), ...c(r.coCompiled), r.reasoning]),
  };
}

/** How often the advice meets the targets where neither obvious assignment does, or on fewer TPUs. */
export function workloadHeadline(t: WorkloadTable): string | undefined {
  if (t.rows.length === 0) return undefined;
  const met = t.rows.filter((r) => r.met);
  const neither = met.filter((r) => (r.alone?.ratio ?? 0) < 1 && r.coCompiled.ratio < 1).length;
  const fewer = met.filter((r) => r.advised.tpus < r.tpus).length;
  return `the advised assignment meets every target in ${met.length} of ${t.rows.length} rows, ${neither} of them where neither obvious assignment does; in ${fewer} it leaves TPUs free`;
}

const NOTES = (t: WorkloadTable): string[] => [
  'For each workload (models at target rates, inputs/s) and a board of K TPUs: the assignment `tpuseg advise --workload` recommends (the fewest TPUs on which every target is met, else the best on K), the best assignment on all K TPUs, and the two obvious ones: each of the m models alone on K / m TPUs (rounded down, the rest idle) in its best configuration on them, and all models co-compiled on every TPU (in the workload\'s order), inputs dealt round robin.',
  'Each with its lowest achieved / target ratio: every model is served that fraction of its target (at least 1: every target met). A model alone is limited by its configuration\'s steady state, a shared TPU by its invokes\' time added up (a co-compiled model caches what the ones compiled before it left and streams the rest), and all of them by what every runner shares on the host (interpreter lock, a shared link, cores).',
  `Predicted with the cost model under profile \`${t.profile}\`; no hardware was used. Assignments: \`model:pK\` a K-stage pipeline, \`rRxK\` R replicas, \`hK-abc\` a hybrid (as in table 4), \`a+b:coC\` a and b co-compiled on each of C TPUs, \`tsC\` time-shared.`,
];

export function writeWorkloadReport(t: WorkloadTable, outDir: string, provenance: readonly string[]): ReportOutput {
  const out = reportWriter(outDir);
  const title = 'Workloads: several models on one board';
  const headline = workloadHeadline(t);
  const tab = table(t.rows);
  out.write('workload.md', [`# ${title}`, '', ...NOTES(t).flatMap((n) => [n, '']), ...(headline ? [`**${headline}**`, ''] : []), markdownTable(tab), '',
    'All numbers, with the reasoning of each advice: [workload.csv](workload.csv)', ''].join('\n'));
  out.write('workload.csv', csvTable(csv(t.rows)));
  out.write('index.md', [
    `# ${title}`, '', ...(t.config.description ? [t.config.description, ''] : []), ...provenance.map((p) => `- ${p}`),
    '- Interactive report: [index.html](index.html)', '', '## Tables', '', `- [${title}](workload.md) ([CSV](workload.csv))${headline ? `: ${headline}` : ''}`, '',
  ].join('\n'));
  const body: HtmlBlock[] = [
    ...(t.config.description ? [{ kind: 'text' as const, text: t.config.description }] : []),
    { kind: 'list', items: [...provenance, 'Markdown version: [index.md](index.md)'] },
    ...(headline ? [{ kind: 'text' as const, text: `**Workloads:** ${headline}`, className: 'headline' }] : []),
    { kind: 'heading', level: 2, text: title, id: 'workload-table' },
    ...NOTES(t).map((n): HtmlBlock => ({ kind: 'text', text: n })),
    { kind: 'table', table: tab, id: 'workload-rows' },
    { kind: 'text', text: 'Markdown: [workload.md](workload.md); every number: [workload.csv](workload.csv)' },
  ];
  out.page(title, body);
  return { index: path.join(outDir, 'index.md'), html: path.join(outDir, 'index.html'), body, files: out.files, headlines: headline ? [`Workloads: ${headline}`] : [], skipped: [] };
}
