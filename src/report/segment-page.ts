import type { LayerGraph } from '../graph/types';
import type { SegmentReport } from '../search/segment';
import { runnerName } from './data';
import { ms } from './format';
import { renderHtml, type HtmlBlock } from './html';
import { opsOf, planViewSpec } from './planview';

const MiB = 1024 * 1024;
type Planned = Exclude<SegmentReport['results'][number], { error: string }>;

/** The figure a search minimised (the objective's primary), as the table shows it. */
const objectiveMs = (r: SegmentReport, x: Planned): number =>
  (r.objective === 'latency' ? x.latencyMs : r.objective === 'batch' ? x.msPerInput : x.bottleneckMs);

/**
 * How the best was chosen when other strategies reach the same objective value: ties go to fewer
 * off-chip bytes, then to lower latency (src/search/objective.ts). Empty when nothing ties.
 */
export function tieNote(r: SegmentReport): string {
  const ok = r.results.flatMap((x) => ('error' in x ? [] : [x]));
  const best = ok.find((x) => x.strategy === r.best);
  if (best === undefined) return '';
  const value = objectiveMs(r, best);
  const tied = ok.filter((x) => x !== best && Math.abs(objectiveMs(r, x) - value) <= 1e-9 * Math.max(1, value));
  if (tied.length === 0) return '';
  const off = (x: Planned): number => x.segments.reduce((s, g) => s + g.offChipBytes, 0);
  const names = (xs: readonly Planned[]): string => xs.map((x) => x.strategy).join(', ');
  const more = tied.filter((x) => off(x) > off(best));
  const slower = tied.filter((x) => off(x) === off(best) && x.latencyMs > best.latencyMs);
  const even = tied.filter((x) => !more.includes(x) && !slower.includes(x));
  const verb = (xs: readonly Planned[], one: string, many: string): string => `${names(xs)} ${xs.length > 1 ? many : one}`;
  const clauses = [
    ...(more.length > 0 ? [`${verb(more, 'streams', 'stream')} more from the host (${more.map((x) => (off(x) / MiB).toFixed(2)).join(', ')} MiB against ${(off(best) / MiB).toFixed(2)})`] : []),
    ...(slower.length > 0 ? [`${verb(slower, 'streams the same and takes', 'stream the same and take')} longer for one input (${slower.map((x) => ms(x.latencyMs)).join(', ')} ms against ${ms(best.latencyMs)})`] : []),
    ...(even.length > 0 ? [`${names(even)} ${even.every((x) => x.cuts.join() === best.cuts.join()) ? 'found the same plan' : 'score the same on all three'} and ${even.length > 1 ? 'are' : 'is'} listed after it`] : []),
  ];
  return `, tied on the ${r.objective} objective (${ms(value)} ms${r.objective === 'latency' ? ' for one input' : ' per input'}) with ${names(tied)}. Ties go to fewer off-chip bytes, then lower latency, then the strategy listed first: ${clauses.join('; ')}`;
}

/**
 * The page `tpuseg segment ... --html FILE` writes: the plan view of one search (every
 * strategy's plan of one model at one N) and the table the command prints, self-contained.
 */
export function segmentPage(r: SegmentReport, graph: LayerGraph, batch: number): string {
  const ok = r.results.flatMap((x) => ('error' in x ? [] : [x]));
  const spec = planViewSpec(
    ok.map((x) => ({ model: r.model, tpus: r.tpus, strategy: x.strategy, msPerInput: x.msPerInput, segments: x.segments })),
    [opsOf(r.model, graph)],
    { title: `${r.model} on ${r.tpus} TPUs: where each strategy cuts it`, subtitle: `profile ${r.profile}; objective ${r.objective}; batch ${batch}` },
  );
  const blocks: HtmlBlock[] = [
    { kind: 'heading', level: 1, text: `tpuseg segment: ${r.model} on ${r.tpus} TPUs` },
    {
      kind: 'text', className: 'headline',
      text: r.best === null ? 'Every strategy failed.' : `Best: **${r.best}**${tieNote(r)}. Predicted with the cost model under profile \`${r.profile}\`, ` +
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
