import { bandsBlock } from './bands';
import { distinct, modelName } from './data';
import { fixed, mib, ms } from './format';
import { cellsCsv, headline, overCompilerText, SPEEDUP_BAND_NOTE } from './multi-tpu';
import { assumptions, type ReportInput, type Section } from './section';
import { strategySummaries, summaryTable } from './summary';

/**
 * The generic table of any experiment: one line per cell, with stage times and speedups; when
 * there are multi-TPU cells, the per-strategy summary and a headline about these cells alone.
 */
export function cellsSection(input: ReportInput): Section {
  const failed = input.rows.filter((r) => r.error !== undefined).length;
  const summaries = strategySummaries(input.rows, input.speedups);
  const profiles = distinct(summaries.map((s) => s.profile));
  const bands = bandsBlock(input);
  return {
    name: 'cells',
    title: 'Every cell of the experiment',
    notes: [assumptions(input.rows), `${input.rows.length} cells${failed > 0 ? `, ${failed} failed (see the error column)` : ''}. `
      + '80% band: the time per input scaled by the 10th and 90th percentiles of measured / predicted on the profile\'s calibration rows of the prediction\'s regime (cost-models/bands.ts). '
      + SPEEDUP_BAND_NOTE,
    ...(input.pluginNotes ? [`Plug-in strategies: ${[...input.pluginNotes].map(([name, note]) => `**${name}**: ${note}`).join('; ')}.`] : [])],
    ...(summaries.length > 0 ? { headline: headline({ ...input, paper: false }, summaries) } : {}),
    blocks: [...profiles.map((p) => ({ caption: `Per-strategy summary (profile ${p})`, table: summaryTable(summaries.filter((s) => s.profile === p)) })),
      ...(bands !== undefined ? [bands] : []), {
      table: {
        columns: ['model', 'N', 'strategy', 'profile', 'ms per input', '80% band', 'bottleneck ms', 'latency ms', 'x 1 TPU', 'x compiler', 'stage ms', 'off-chip MiB', 'error'],
        rows: input.rows.map((r) => {
          const s = input.speedups.get(r.id);
          return [
            modelName(r.model), r.tpus, r.label, r.profile, ms(r.msPerInput),
            r.msPerInputLow === undefined || r.msPerInputHigh === undefined ? '' : `${ms(r.msPerInputLow)}-${ms(r.msPerInputHigh)}`,
            ms(r.bottleneckMs), ms(r.latencyMs),
            s?.overOne === undefined ? '' : `${s.overOne.toFixed(2)}x${s.overOne > r.tpus + 1e-9 ? '*' : ''}`,
            overCompilerText(s),
            r.stageMs.map((x) => ms(x)).join(' / '), r.offChipBytes === undefined ? '' : fixed(mib(r.offChipBytes), 2), r.error ?? '',
          ];
        }),
      },
    }],
    ...(profiles.length > 0 ? { summary: true } : {}),
    planView: true,
    csv: cellsCsv(input),
    skipped: [],
  };
}
