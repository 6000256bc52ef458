import * as E from 'fp-ts/Either';
import type { MeasurementEntry, Split } from '../calibrate/mapping';
import { parseSynth, synthName } from '../zoo/synth';
import { distinct, type Row } from './data';
import { fixed, mib, ms, parseCsv, percentile, type CellValue, type Table } from './format';
import { assumptions, type ReportInput, type ScatterPoint, type Section } from './section';

/**
 * Table 3: the predecessor's synthetic experiments. For every row of every measurement file,
 * the measured ms against our prediction of the same segmentation (the calibration mapping,
 * experiments/calibration/mapping.json, says which model, split and batch each file was measured
 * with), and what `dp` and `balanced` predict for the same model on the same number of TPUs;
 * then what they predict on every TPU count the experiment ran.
 */

/** A `synth:` spec in canonical form (defaults filled, fixed key order); other specs as they are. */
export function canonicalSpec(spec: string): string {
  if (!spec.startsWith('synth:')) return spec;
  const p = parseSynth(spec);
  return E.isRight(p) ? synthName(p.right) : spec;
}

const STRATEGY_OF_SPLIT: Readonly<Record<Split, string | undefined>> = { whole: undefined, compiler: 'compiler', layers: 'layers', profiling: 'profiling', fastest: 'dp' };
const SPLIT_NAME: Readonly<Record<Split, string>> = { whole: 'one segment', compiler: "compiler's split", layers: 'equal layer split', profiling: "profiling split (measured: libcoral's cuts; predicted: tpuseg's profiling strategy on the model)", fastest: 'fastest measured split (predicted: dp, the fastest under the model)' };

/** The cell of `rows` for a model spec on N TPUs by `strategy` (any strategy when undefined and N = 1). */
function cellFor(rows: readonly Row[], spec: string, tpus: number, strategy: string | undefined): Row | undefined {
  const want = canonicalSpec(spec);
  return rows.find((r) => r.tpus === tpus && (strategy === undefined || r.strategy === strategy) && canonicalSpec(r.model) === want);
}

const listSum = (cell: string | undefined): number | undefined => {
  if (cell === undefined || cell.trim() === '') return undefined;
  const xs = cell.replace(/[[\]]/g, '').split(',').map(Number);
  return xs.every(Number.isFinite) ? xs.reduce((a, b) => a + b, 0) : undefined;
};

interface FileResult {
  readonly block: { caption: string; table: Table };
  readonly summary: CellValue[];
  readonly points: ScatterPoint[];
  readonly csvRows: CellValue[][];
  readonly values: string[];
}

function fileResult(rows: readonly Row[], file: string, f: MeasurementEntry, text: string): FileResult {
  const { header, rows: raw } = parseCsv(text);
  const at = (name: string): number => header.indexOf(name);
  const errors: number[] = [];
  const points: ScatterPoint[] = [];
  const csvRows: CellValue[][] = [];
  const values: string[] = [];
  const tableRows = raw.map((line): CellValue[] => {
    const value = line[at(f.x)] ?? '';
    values.push(value);
    const spec = f.model.split('{x}').join(value);
    const measured = Number(line[at('Inference time')]);
    // Priced at the measured batch size from the recorded pipeline figures (src/pipeline/evaluate.ts):
    // fill (latency + first invokes on a fresh runner) + (B - 1) x the steady state, over B.
    const atBatch = (r: Row | undefined): number | undefined =>
      (r === undefined || r.latencyMs === undefined || r.bottleneckMs === undefined ? undefined
        : (r.latencyMs + (r.firstMs ?? 0) + (f.batch - 1) * r.bottleneckMs) / f.batch);
    const same = cellFor(rows, spec, f.tpus, f.tpus === 1 ? undefined : STRATEGY_OF_SPLIT[f.split]);
    const predicted = atBatch(same);
    const err = predicted === undefined ? undefined : (predicted - measured) / measured;
    if (err !== undefined) {
      errors.push(Math.abs(err));
      points.push({ series: file, label: `${f.model.replace(/^synth:/, '').split('?')[0]} ${f.x}=${value}, N=${f.tpus}`, measuredMs: measured, predictedMs: predicted! });
    }
    const offMeasured = listSum(line[at('Off chip mem used')]);
    const row: CellValue[] = [
      Number(value), ms(measured), ms(predicted), err === undefined ? '' : `${(err * 100).toFixed(1)}%`,
      fixed(offMeasured, 2), same?.offChipBytes === undefined ? '' : fixed(mib(same.offChipBytes), 2),
      ms(atBatch(cellFor(rows, spec, f.tpus, 'dp'))), ms(atBatch(cellFor(rows, spec, f.tpus, 'balanced'))),
    ];
    csvRows.push([file, ...row]);
    return row;
  });
  const split = SPLIT_NAME[f.split];
  return {
    block: {
      caption: `${file}: ${f.model.replace('{x}', 'x')} with x = ${f.x}, on ${f.tpus} TPU${f.tpus > 1 ? 's' : ''} (${split}${f.batch > 1 ? `, ms per input in a batch of ${f.batch}` : ''})`,
      table: { columns: [f.x, 'measured ms', `predicted ms (${split})`, 'error', 'off-chip MiB measured', 'off-chip MiB predicted', `dp ms (N=${f.tpus})`, `balanced ms (N=${f.tpus})`], rows: tableRows },
    },
    summary: [file, f.tpus, split, errors.length, errors.length === 0 ? '' : `${(percentile(errors, 50)! * 100).toFixed(1)}%`,
      errors.length === 0 ? '' : `${(percentile(errors, 90)! * 100).toFixed(1)}%`],
    points,
    csvRows,
    values,
  };
}

/** compiler, dp and balanced predictions on every TPU count run, one row per model of the family. */
function whatIf(rows: readonly Row[], template: string, x: string, values: readonly string[]): Table {
  const strategies = ['compiler', 'dp', 'balanced'];
  const specs = values.map((v) => canonicalSpec(template.split('{x}').join(v)));
  const tpus = distinct(rows.filter((r) => specs.includes(canonicalSpec(r.model))).map((r) => r.tpus)).sort((a, b) => a - b);
  return {
    columns: [x, ...strategies.flatMap((s) => tpus.map((n) => `${s} N=${n}`))],
    rows: values.map((v) => [Number(v), ...strategies.flatMap((s) => tpus.map((n) =>
      ms(cellFor(rows, template.split('{x}').join(v), n, n === 1 ? undefined : s)?.msPerInput)))]),
  };
}

export function syntheticSection(input: ReportInput): Section {
  const files = input.measurements === undefined ? [] : [...input.measurements.files.entries()].sort(([a], [b]) => a.localeCompare(b));
  const entries = input.mapping?.measurements ?? {};
  const skipped = input.measurements === undefined
    ? input.missing.map((m) => `measurement files not found at ${m}: the measured columns are left out`)
    : files.filter(([name]) => entries[name] === undefined).map(([name]) => `${name}: not in the calibration mapping file, skipped`);
  const results = files.flatMap(([name, text]) => {
    const f = entries[name];
    return f === undefined ? [] : [{ name, f, r: fileResult(input.rows, name, f, text) }];
  });
  const families = new Map<string, { x: string; values: string[] }>();
  for (const { f, r } of results) {
    const prior = families.get(f.model);
    const values = distinct([...(prior?.values ?? []), ...r.values]).sort((a, b) => Number(a) - Number(b));
    families.set(f.model, { x: f.x, values });
  }
  return {
    name: 'synthetic',
    title: "The predecessor's synthetic models: measured against predicted, and what dp and balanced would give",
    notes: [
      assumptions(input.rows),
      'Models and segmentations per measurement file as the calibration mapping states them (experiments/calibration/mapping.json ' +
      'and its README: conv = 5 conv layers 3x3 at 64x64; fc = dense layers + Dense(10); fc-L5-1tpu.csv was measured on an fc model ' +
      'with 6912 inputs; the multi-TPU fc files chain sub-models with int8 boundaries and output). Measured: median ms per inference ' +
      'on one TPU, or wall time / inputs of a pipelined batch on 2-4 TPUs: the conv pipelines on pycoral\'s C++ runner, a fresh runner per ' +
      'batch (first invokes inside it); the fc pipelines on one Python thread per stage. The cells price each family the way it was run ' +
      "(experiments/synthetic.json). Predictions of a file's rows (including dp and balanced) are priced at that file's batch size, " +
      "(latency + first invokes + (B-1) x steady state) / B; the per-family tables below use the config's batch.",
      'Error = (predicted - measured) / measured. Off-chip MiB measured: the compiler\'s report (summed over segments).',
    ],
    ...(results.length > 0 ? { headline: `Median absolute error per file: ${results.map(({ name, r }) => `${name} ${r.summary[4] || 'n/a'}`).join('; ')}` } : {}),
    blocks: [
      ...(results.length > 0 ? [{ caption: 'Prediction error per measurement file', table: { columns: ['file', 'TPUs', 'segmentation', 'rows', 'median |error|', 'p90 |error|'], rows: results.map(({ r }) => r.summary) } }] : []),
      ...results.map(({ r }) => r.block),
      ...[...families.entries()].map(([template, { x, values }]) => ({
        caption: `What the strategies predict for ${template.replace('{x}', 'x')} (x = ${x}; ms per input)`,
        table: whatIf(input.rows, template, x, values),
      })),
    ],
    csv: {
      columns: ['file', 'x', 'measured_ms', 'predicted_ms', 'error', 'off_chip_mib_measured', 'off_chip_mib_predicted', 'dp_ms', 'balanced_ms'],
      rows: results.flatMap(({ r }) => r.csvRows),
    },
    skipped,
    scatter: results.flatMap(({ r }) => r.points),
  };
}
