import type { LayerGraph } from '../graph/types';
import type { SegmentReport } from '../search/segment';
import { runnerName } from './data';
import { ms } from './format';
import { renderHtml, type HtmlBlock } from './html';
import { opsOf, planViewSpec } from './planview';

/**
 * The page `tpuseg segment ... --html FILE` writes: the plan view of one search (every
 * strategy's plan of one model at one N) and the table the command prints, self-contained.
 */
export function segmentPage(r: SegmentReport, graph: LayerGraph, batch: number): string {
  const ok = r.results.flatMap((x) => ('error' in x ? [] : [x]));
  const spec = planViewSpec(
    ok.map((x) => ({ model: r.model, tpus: r.tpus, strategy: x.strategy, msPerInput: x.msPerInput, segments: x.segments })),
    [opsOf(r.model, graph)],
    { title: `${r.model} on ${r.tpus} TPUs: where each strategy cuts it`, subtitle: `profile ${r.profile}; objective ${r.objective}; batch ${batch}; hover an op or a stage for its numbers` },
  );
  const MiB = 1024 * 1024;
  const blocks: HtmlBlock[] = [
    { kind: 'heading', level: 1, text: `tpuseg segment: ${r.model} on ${r.tpus} TPUs` },
    {
      kind: 'text', className: 'headline',
      text: r.best === null ? 'Every strategy failed.' : `Best: **${r.best}**. Predicted with the cost model under profile \`${r.profile}\`, ` +
        `objective ${r.objective}, ms per input for a pipelined batch of ${batch}, runner ${runnerName(r.runner)}; no hardware was used.`,
    },
    {
      kind: 'table', id: 'results',
      table: {
        columns: ['strategy', 'bottleneck ms', `ms per input (B=${batch})`, 'latency ms', 'off-chip MiB', 'evaluations', 'search ms', 'stage ms', 'cuts', 'error'],
        rows: r.results.map((x) => ('error' in x
          ? [x.strategy, '', '', '', '', x.evaluations, x.searchMs.toFixed(1), '', '', x.error]
          : [x.strategy, ms(x.bottleneckMs), ms(x.msPerInput), ms(x.latencyMs), (x.segments.reduce((s, g) => s + g.offChipBytes, 0) / MiB).toFixed(2),
            x.evaluations, x.searchMs.toFixed(1), x.segments.map((g) => ms(g.ms)).join(' / '), x.cuts.join(', '), ''])),
      },
    },
    ...(spec !== undefined ? [{ kind: 'figure' as const, id: 'plan-view', spec }] : []),
  ];
  return renderHtml({ title: `tpuseg segment: ${r.model} on ${r.tpus} TPUs`, blocks });
}
