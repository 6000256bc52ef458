import { distinct, modelName, type Row } from './data';
import { fixed, mib, ms, type CellValue, type Table } from './format';
import { assumptions, type ReportInput, type Section } from './section';

/**
 * The paper's main table: per model, ms per input for each TPU count and strategy, with the
 * speedup over one TPU (`*` when superlinear: more than N) and over the compiler's split at the
 * same N; a headline with the largest speedup over the compiler.
 */

const speedText = (v: number | undefined, n: number): string => (v === undefined ? '-' : `${v.toFixed(2)}x${v > n + 1e-9 ? '*' : ''}`);

/** The full flat table: one line per cell. */
export function cellsCsv(input: ReportInput): Table {
  const columns = ['model', 'tpus', 'strategy', 'label', 'profile', 'seed', 'batch', 'ms_per_input', 'bottleneck_ms', 'latency_ms',
    'speedup_over_1tpu', 'superlinear', 'speedup_over_compiler', 'stage_ms', 'cuts', 'on_chip_mib', 'off_chip_mib', 'model_param_mib', 'error'];
  const rows = input.rows.map((r): CellValue[] => {
    const s = input.speedups.get(r.id);
    return [
      r.model, r.tpus, r.strategy, r.label, r.profile, r.seed, r.batch, fixed(r.msPerInput, 4), fixed(r.bottleneckMs, 4), fixed(r.latencyMs, 4),
      fixed(s?.overOne, 4), s?.overOne === undefined ? '' : s.overOne > r.tpus + 1e-9 ? 'yes' : 'no', fixed(s?.overCompiler, 4),
      r.stageMs.map((x) => x.toFixed(4)).join(';'), r.cuts.join(';'),
      r.onChipBytes === undefined ? '' : fixed(mib(r.onChipBytes), 3), r.offChipBytes === undefined ? '' : fixed(mib(r.offChipBytes), 3),
      r.modelParamBytes === undefined ? '' : fixed(mib(r.modelParamBytes), 3), r.error ?? '',
    ];
  });
  return { columns, rows };
}

export interface Best {
  readonly row: Row;
  readonly value: number;
}

/** The largest speedup over the compiler's split at N >= 2 (ties: first in cell order). */
export function bestOverCompiler(input: ReportInput): Best | undefined {
  let best: Best | undefined;
  for (const r of input.rows) {
    const v = input.speedups.get(r.id)?.overCompiler;
    if (r.tpus < 2 || v === undefined) continue;
    if (best === undefined || v > best.value + 1e-12) best = { row: r, value: v };
  }
  return best;
}

function modelBlock(input: ReportInput, model: string, profile: string): Table {
  const rows = input.rows.filter((r) => r.model === model && r.profile === profile);
  const labels = distinct(rows.map((r) => r.label));
  const tpus = distinct(rows.map((r) => r.tpus)).sort((a, b) => a - b);
  return {
    columns: ['N', ...labels],
    rows: tpus.map((n) => {
      const atN = rows.filter((r) => r.tpus === n);
      const fastest = Math.min(...atN.map((r) => r.msPerInput ?? Infinity));
      return [n, ...labels.map((l) => {
        const r = atN.find((x) => x.label === l);
        if (r === undefined) return '';
        if (r.msPerInput === undefined) return `failed: ${r.error ?? 'no result'}`;
        const s = input.speedups.get(r.id);
        const text = `${ms(r.msPerInput)} (${speedText(s?.overOne, n)}, ${s?.overCompiler === undefined ? '-' : `${s.overCompiler.toFixed(2)}x`})`;
        return r.msPerInput <= fastest + 1e-9 ? `**${text}**` : text;
      })];
    }),
  };
}

function summary(input: ReportInput, models: readonly string[], profile: string): Table {
  return {
    columns: ['model', 'params MiB', '1 TPU ms', 'best ms (N, strategy)', 'max speedup over 1 TPU (N, strategy)', 'max speedup over compiler (N, strategy)'],
    rows: models.map((m) => {
      const rows = input.rows.filter((r) => r.model === m && r.profile === profile && r.msPerInput !== undefined);
      const one = rows.find((r) => r.tpus === 1);
      const fastest = rows.reduce<Row | undefined>((b, r) => (b === undefined || r.msPerInput! < b.msPerInput! - 1e-12 ? r : b), undefined);
      const maxBy = (pick: (r: Row) => number | undefined): string => {
        let best: [number, Row] | undefined;
        for (const r of rows) {
          const v = pick(r);
          if (v !== undefined && (best === undefined || v > best[0] + 1e-12)) best = [v, r];
        }
        return best === undefined ? '-' : `${best[0].toFixed(2)}x (${best[1].tpus}, ${best[1].label})`;
      };
      return [
        modelName(m), fixed(one?.modelParamBytes === undefined ? undefined : mib(one.modelParamBytes), 1), ms(one?.msPerInput),
        fastest === undefined ? '-' : `${ms(fastest.msPerInput)} (${fastest.tpus}, ${fastest.label})`,
        maxBy((r) => input.speedups.get(r.id)?.overOne),
        maxBy((r) => (r.tpus >= 2 ? input.speedups.get(r.id)?.overCompiler : undefined)),
      ];
    }),
  };
}

function strategyLines(input: ReportInput): string[] {
  const names = distinct(input.rows.map((r) => r.strategy));
  const known = names.filter((n) => input.strategyNotes?.has(n));
  return known.length === 0 ? [] : [`Strategies (the cost model stands in for hardware measurements wherever a strategy would measure): ${
    known.map((n) => `**${n}**: ${input.strategyNotes!.get(n)}`).join('; ')}.`];
}

export function multiTpuSection(input: ReportInput): Section {
  const profiles = distinct(input.rows.map((r) => r.profile));
  const models = distinct(input.rows.map((r) => r.model));
  const best = bestOverCompiler(input);
  const headline = best === undefined
    ? 'No multi-TPU cell with a compiler reference: no speedup over the compiler to report.'
    : `Largest speedup over the compiler's split: ${best.value.toFixed(2)}x, by ${best.row.label} on ${modelName(best.row.model)} with N = ${best.row.tpus} ` +
      `(${ms(best.row.msPerInput)} ms per input; profile ${best.row.profile}). The paper reports up to 2.60x measured on a PCIe board with 8 Edge TPUs.`;
  const superlinear = input.rows.filter((r) => r.tpus > 1 && (input.speedups.get(r.id)?.overOne ?? 0) > r.tpus + 1e-9);
  const failed = input.rows.filter((r) => r.error !== undefined);
  return {
    name: 'multi-tpu',
    title: 'Multi-TPU pipelines: ms per input, speedup over 1 TPU and over the compiler\'s split',
    notes: [
      assumptions(input.rows),
      'Each cell: ms per input (speedup over 1 TPU, speedup over the compiler\'s split at the same N). `*` marks a superlinear speedup ' +
      '(more than N times faster than one TPU: the segments now fit the on-chip parameter caches). Bold: the fastest strategy at that N.',
      ...strategyLines(input),
      `Superlinear cells: ${superlinear.length} of ${input.rows.filter((r) => r.tpus > 1).length} multi-TPU cells.` +
      (failed.length > 0 ? ` Failed cells: ${failed.length} (see the CSV's error column).` : ''),
    ],
    headline,
    blocks: profiles.flatMap((p) => [
      { caption: `Summary (profile ${p})`, table: summary(input, models, p) },
      ...models.map((m) => ({ caption: `${modelName(m)} (profile ${p})`, table: modelBlock(input, m, p) })),
    ]),
    csv: cellsCsv(input),
    skipped: [],
  };
}
