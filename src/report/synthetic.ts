import { batchMsPerInput } from '../pipeline/evaluate';
import { distinct, type Row } from './data';
import { fixed, mib, ms, parseCsv, percentile, type CellValue, type Table } from './format';
import { assumptions, type ReportInput, type ScatterPoint, type Section } from './section';

/**
 * Table 3: the predecessor's synthetic experiments. For every row of every measurement file,
 * the measured ms against our prediction of the same segmentation (one segment; the compiler's
 * split for the conv 2-TPU files; the equal layer split for the fc 2-TPU file), and what `dp`
 * and `balanced` predict for the same model on the same number of TPUs; then what they
 * predict on 1..4 TPUs.
 */

export interface MeasurementFile {
  readonly family: 'conv' | 'fc';
  /** Fixed model parameters (fc: layers; conv: layers 5 at 64x64 as in ../shared/data/README.md). */
  readonly fixed: Readonly<Record<string, number>>;
  /** CSV column of the swept parameter and the synth query key it maps to. */
  readonly sweepKey: 'filters' | 'neurons';
  readonly tpus: number;
  /** Strategy that reproduces how the measured run was segmented. */
  readonly split: string;
  /** Inputs per measured pipelined batch (1 for single-TPU files). */
  readonly batch: number;
}

/** What a measurement file holds, from its name (conv-1tpu, conv-2tpu-compiler-*, fc-L4-2tpu-layersplit-*). */
export function describeFile(name: string): MeasurementFile | undefined {
  const m = /^(conv|fc)(?:-L(\d+))?-(\d+)tpu(?:-(compiler|layersplit))?(?:-batch(\d+))?.*\.csv$/.exec(name);
  if (m === null) return undefined;
  const family = m[1] as 'conv' | 'fc';
  const tpus = Number(m[3]);
  const fixedParams: Record<string, number> = family === 'conv' ? { layers: 5, size: 64 } : { layers: Number(m[2] ?? 5) };
  return {
    family, fixed: fixedParams, sweepKey: family === 'conv' ? 'filters' : 'neurons', tpus,
    split: tpus === 1 ? '' : m[4] === 'layersplit' ? 'layers' : 'compiler', batch: m[5] === undefined ? 1 : Number(m[5]),
  };
}

/** Family and numeric parameters of a `synth:` spec. */
export function parseSynth(spec: string): { family: string; params: Record<string, number> } | undefined {
  const m = /^synth:([a-z]+)(?:\?(.*))?$/.exec(spec);
  if (m === null) return undefined;
  const params: Record<string, number> = {};
  for (const [k, v] of new URLSearchParams(m[2] ?? '')) params[k] = Number(v);
  return { family: m[1]!, params };
}

const matches = (r: Row, f: MeasurementFile, value: number): boolean => {
  const s = parseSynth(r.model);
  if (s === undefined || s.family !== f.family || s.params[f.sweepKey] !== value) return false;
  return Object.entries(f.fixed).every(([k, v]) => s.params[k] === undefined || s.params[k] === v);
};

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
}

function fileResult(input: ReportInput, file: string, f: MeasurementFile, text: string): FileResult {
  const { header, rows } = parseCsv(text);
  const at = (name: string): number => header.indexOf(name);
  const errors: number[] = [];
  const points: ScatterPoint[] = [];
  const csvRows: CellValue[][] = [];
  const tableRows = rows.map((raw): CellValue[] => {
    const value = Number(raw[0]);
    const measured = Number(raw[at('Inference time')]);
    const cells = input.rows.filter((r) => r.tpus === f.tpus && matches(r, f, value));
    const same = cells.find((r) => f.split === '' || r.strategy === f.split);
    const dp = cells.find((r) => r.strategy === 'dp');
    const balanced = cells.find((r) => r.strategy === 'balanced');
    // Priced at the measured batch size from the recorded stage times (the closed form).
    const atBatch = (r: Row | undefined): number | undefined => (r === undefined || r.stageMs.length === 0 ? undefined : batchMsPerInput(r.stageMs, f.batch));
    const predicted = atBatch(same);
    const err = predicted === undefined ? undefined : (predicted - measured) / measured;
    if (err !== undefined) {
      errors.push(Math.abs(err));
      points.push({ series: file, label: `${f.sweepKey}=${value}`, measuredMs: measured, predictedMs: predicted! });
    }
    const offMeasured = listSum(raw[at('Off chip mem used')]);
    const row: CellValue[] = [
      value, ms(measured), ms(predicted), err === undefined ? '' : `${(err * 100).toFixed(1)}%`,
      fixed(offMeasured, 2), same?.offChipBytes === undefined ? '' : fixed(mib(same.offChipBytes), 2), ms(atBatch(dp)), ms(atBatch(balanced)),
    ];
    csvRows.push([file, ...row]);
    return row;
  });
  const splitName = f.split === '' ? 'one segment' : f.split === 'layers' ? 'equal layer split' : "compiler's split";
  return {
    block: {
      caption: `${file}: ${f.family} ${Object.entries(f.fixed).map(([k, v]) => `${k}=${v}`).join(' ')} on ${f.tpus} TPU${f.tpus > 1 ? 's' : ''} ` +
        `(${splitName}${f.batch > 1 ? `, ms per input in a batch of ${f.batch}` : ''})`,
      table: { columns: [f.sweepKey, 'measured ms', `predicted ms (${splitName})`, 'error', 'off-chip MiB measured', 'off-chip MiB predicted', `dp ms (N=${f.tpus})`, `balanced ms (N=${f.tpus})`], rows: tableRows },
    },
    summary: [file, f.tpus, splitName, errors.length, errors.length === 0 ? '' : `${(percentile(errors, 50)! * 100).toFixed(1)}%`,
      errors.length === 0 ? '' : `${(percentile(errors, 90)! * 100).toFixed(1)}%`],
    points,
    csvRows,
  };
}

/** dp, balanced and compiler predictions on 1..4 TPUs for one family, one row per swept value. */
function whatIf(input: ReportInput, f: MeasurementFile, values: readonly number[]): Table {
  const strategies = ['compiler', 'dp', 'balanced'];
  const tpus = distinct(input.rows.filter((r) => values.some((v) => matches(r, f, v))).map((r) => r.tpus)).sort((a, b) => a - b);
  return {
    columns: [f.sweepKey, ...strategies.flatMap((s) => tpus.map((n) => `${s} N=${n}`))],
    rows: values.map((v) => [v, ...strategies.flatMap((s) => tpus.map((n) => {
      const r = input.rows.find((x) => x.tpus === n && (x.strategy === s || n === 1) && matches(x, f, v));
      return ms(r?.msPerInput);
    }))]),
  };
}

export function syntheticSection(input: ReportInput): Section {
  const files = input.measurements === undefined ? [] : [...input.measurements.files.entries()].sort(([a], [b]) => a.localeCompare(b));
  const skipped = input.measurements === undefined
    ? input.missing.map((m) => `measurement files not found at ${m}: the measured columns are left out, predictions are still listed`)
    : files.filter(([name]) => describeFile(name) === undefined).map(([name]) => `${name}: not a known measurement file name, skipped`);
  const results = files.flatMap(([name, text]) => {
    const f = describeFile(name);
    return f === undefined ? [] : [{ name, f, r: fileResult(input, name, f, text) }];
  });
  const families = new Map<string, { f: MeasurementFile; values: number[] }>();
  for (const { f, name } of results) {
    const key = `${f.family} ${JSON.stringify(f.fixed)}`;
    const values = parseCsv(input.measurements!.files.get(name)!).rows.map((r) => Number(r[0]));
    const prior = families.get(key);
    families.set(key, { f, values: [...new Set([...(prior?.values ?? []), ...values])].sort((a, b) => a - b) });
  }
  return {
    name: 'synthetic',
    title: "The predecessor's synthetic models: measured against predicted, and what dp and balanced would give",
    notes: [
      assumptions(input.rows),
      'Models: `synth:conv` (5 conv layers 3x3, 64x64x3 float input) and `synth:fc` (L dense layers + Dense(10), 64 float inputs), ' +
      'as described in ../shared/data/README.md. Measured: median ms per inference on one TPU, or wall time / inputs of a pipelined ' +
      'batch (100 conv, 50 fc) on 2 TPUs. Predictions of a file\'s rows (including dp and balanced) are priced at that file\'s batch ' +
      'size from the predicted stage times, (sum + (B-1) x max) / B; the 1..4-TPU tables use the config\'s batch.',
      'Error = (predicted - measured) / measured. Off-chip MiB measured: the compiler\'s report (summed over segments).',
    ],
    ...(results.length > 0 ? { headline: `Median absolute error per file: ${results.map(({ name, r }) => `${name} ${r.summary[4] || 'n/a'}`).join('; ')}` } : {}),
    blocks: [
      ...(results.length > 0 ? [{ caption: 'Prediction error per measurement file', table: { columns: ['file', 'TPUs', 'segmentation', 'rows', 'median |error|', 'p90 |error|'], rows: results.map(({ r }) => r.summary) } }] : []),
      ...results.map(({ r }) => r.block),
      ...[...families.values()].map(({ f, values }) => ({
        caption: `What the strategies predict on 1..4 TPUs: ${f.family} ${Object.entries(f.fixed).map(([k, v]) => `${k}=${v}`).join(' ')} (ms per input)`,
        table: whatIf(input, f, values),
      })),
    ],
    csv: {
      columns: ['file', 'param', 'measured_ms', 'predicted_ms', 'error', 'off_chip_mib_measured', 'off_chip_mib_predicted', 'dp_ms', 'balanced_ms'],
      rows: results.flatMap(({ r }) => r.csvRows),
    },
    skipped,
    scatter: results.flatMap(({ r }) => r.points),
  };
}
