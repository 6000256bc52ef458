import * as path from 'node:path';
import type { PublishedEntry } from '../calibrate/mapping';
import { zooEntry } from '../zoo';
import { distinct, modelName, type Row } from './data';
import { fixed, mib, ms, parseCsv, percentile, type CellValue } from './format';
import { assumptions, type ReportInput, type ScatterPoint, type Section } from './section';

/**
 * Table 1: every model on one TPU: parameter MiB, predicted on-chip / off-chip MiB, predicted
 * ms under each profile, and the published measured ms where the benchmark table has the model
 * at the same input size.
 */

export interface PublishedRow {
  readonly model: string;
  readonly input: number;
  /** Measured ms by column name (`usb3_ms`, `devboard_pcie_ms`). */
  readonly ms: Readonly<Record<string, number>>;
  readonly source: string;
}

export function parsePublished(text: string): PublishedRow[] {
  const { header, rows } = parseCsv(text);
  const col = (name: string): number => header.indexOf(name);
  return rows.map((r) => ({
    model: r[col('model')] ?? '',
    input: Number(r[col('input')]),
    ms: Object.fromEntries(header.filter((h) => h.endsWith('_ms')).map((h) => [h, Number(r[col(h)])]).filter(([, v]) => Number.isFinite(v))),
    source: r[col('source')] ?? '',
  }));
}

/**
 * Which published column a profile predicts: the calibration mapping's `columns` when it has the
 * file, else by name (USB 3 accelerator, or a PCIe-attached TPU).
 */
export function publishedColumn(profile: string, entry?: PublishedEntry): string | undefined {
  if (entry !== undefined) return Object.entries(entry.columns).find(([, p]) => p === profile)?.[0];
  return /usb3/.test(profile) ? 'usb3_ms' : /pcie/.test(profile) ? 'devboard_pcie_ms' : undefined;
}

/** `NAME@SIZE` of a zoo spec, the size defaulting to the model's own; undefined for other specs. */
function zooKey(spec: string, size?: number): string | undefined {
  const m = /^zoo:([^@]+)(?:@(\d+))?$/.exec(spec);
  if (m === null) return undefined;
  return `${m[1]}@${m[2] ?? size ?? zooEntry(m[1]!)?.inputSize}`;
}

/**
 * The published row measured on a cell's model: through the calibration mapping's `models`
 * (published name -> zoo spec, `{input}` standing for the row's input size) when it has the file,
 * else by base name (`mobilenet_v1_1.0` is `mobilenet_v1`); the input size must match either way.
 */
export function findPublished(published: readonly PublishedRow[], r: Row, entry?: PublishedEntry): PublishedRow | undefined {
  const size = r.modelInput?.[0];
  if (entry !== undefined) {
    const key = zooKey(r.model, size);
    return published.find((p) => {
      const spec = entry.models[p.model]?.split('{input}').join(String(p.input));
      return spec !== undefined && key !== undefined && zooKey(spec) === key && p.input === size;
    });
  }
  const name = modelName(r.model).split('@')[0]!;
  return published.find((p) => p.model.replace(/_1\.0$/, '') === name && p.input === size);
}

export function singleTpuSection(input: ReportInput): Section {
  const rows = input.rows.filter((r) => r.tpus === 1);
  const profiles = distinct(rows.map((r) => r.profile));
  const models = distinct(rows.map((r) => r.model));
  const published = input.published === undefined ? [] : parsePublished(input.published.text);
  const entry = input.published === undefined ? undefined : input.mapping?.published[path.basename(input.published.file)];
  const skipped = input.published === undefined ? input.missing.map((m) => `published figures not found at ${m}: the measured columns are left out`) : [];
  const errors = new Map<string, number[]>(profiles.map((p) => [p, []]));
  const scatter: ScatterPoint[] = [];

  const tableRows = models.map((m): CellValue[] => {
    const byProfile = profiles.map((p) => rows.find((r) => r.model === m && r.profile === p && r.msPerInput !== undefined));
    const first = byProfile.find((r) => r !== undefined);
    const cells: CellValue[] = [
      modelName(m), first?.modelInput?.join('x') ?? '', first?.modelParamBytes === undefined ? '' : fixed(mib(first.modelParamBytes), 2),
      first?.onChipBytes === undefined ? '' : fixed(mib(first.onChipBytes), 2), first?.offChipBytes === undefined ? '' : fixed(mib(first.offChipBytes), 2),
    ];
    profiles.forEach((p, i) => {
      const r = byProfile[i];
      cells.push(r === undefined ? '' : ms(r.msPerInput));
      if (published.length > 0) {
        const column = publishedColumn(p, entry);
        const pub = r === undefined || column === undefined ? undefined : findPublished(published, r, entry)?.ms[column];
        cells.push(pub === undefined ? '' : ms(pub));
        const err = pub === undefined || r?.msPerInput === undefined ? undefined : (r.msPerInput - pub) / pub;
        cells.push(err === undefined ? '' : `${(err * 100).toFixed(1)}%`);
        if (err !== undefined) errors.get(p)!.push(Math.abs(err));
        if (pub !== undefined && r?.msPerInput !== undefined) scatter.push({ series: `published ${column} (${p})`, label: modelName(m), measuredMs: pub, predictedMs: r.msPerInput });
      }
    });
    return cells;
  });

  const columns = ['model', 'input', 'params MiB', 'on-chip MiB', 'off-chip MiB', ...profiles.flatMap((p) =>
    published.length > 0 ? [`ms (${p})`, `measured ms (${publishedColumn(p, entry) ?? 'n/a'})`, 'error'] : [`ms (${p})`])];
  const errorLines = profiles.filter((p) => errors.get(p)!.length > 0).map((p) => {
    const e = errors.get(p)!;
    return `${p}: median absolute error ${(percentile(e, 50)! * 100).toFixed(1)}% over ${e.length} published models (max ${(Math.max(...e) * 100).toFixed(1)}%)`;
  });
  const onChipNote = profiles.length > 1 ? ` On-chip and off-chip MiB are those predicted under \`${profiles[0]}\`.` : '';
  return {
    name: 'single-tpu',
    title: 'Single Edge TPU: parameters, predicted caching and time per inference',
    notes: [
      assumptions(rows) + onChipNote,
      'Parameter MiB: bytes of the int8 weights and int32 biases in the graph. On-chip: bytes the cost model caches in the TPU\'s ' +
      'parameter memory (layer by layer in execution order, the first conv that does not fit cached in part when its weights outweigh its activations); off-chip: bytes streamed from the host on every inference.',
      ...(published.length > 0 ? [`Measured: ${input.published!.file} (Coral's published benchmark table; USB 3 accelerator on a desktop, ` +
        `Dev Board over PCIe); a model is matched ${entry !== undefined ? 'through the calibration mapping' : 'by name'} and input size. Error = (predicted - measured) / measured.`] : []),
    ],
    ...(errorLines.length > 0 ? { headline: errorLines.join('; ') } : {}),
    blocks: [{ table: { columns, rows: tableRows } }],
    csv: { columns: columns.map((c) => c.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase()), rows: tableRows },
    skipped,
    scatter,
  };
}
