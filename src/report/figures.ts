import { distinct, modelName, type Row, type Speedup } from './data';
import type { ScatterPoint } from './section';

/**
 * Figures as vega-lite specs (plain data, built here) rendered to SVG by vega in Node
 * (`renderSvg`, the only side-effecting part; vega and vega-lite are ESM-only, hence `import()`).
 */

export type VlSpec = Record<string, unknown>;

const FONT = { config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } } };

/** Per-stage time bars of every strategy on one model at one N: the picture of balance. */
export function stagesSpec(rows: readonly Row[], model: string, tpus: number, profile: string): VlSpec | undefined {
  const cells = rows.filter((r) => r.model === model && r.tpus === tpus && r.profile === profile && r.stageMs.length > 0);
  if (cells.length === 0) return undefined;
  const labels = distinct(cells.map((r) => r.label));
  const values = cells.flatMap((r) => r.stageMs.map((ms, i) => ({ strategy: r.label, stage: i + 1, ms, bottleneck: Math.max(...r.stageMs) })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${modelName(model)} on ${tpus} TPUs: time of each pipeline stage`, subtitle: `profile ${profile}; the slowest stage sets the throughput (black tick)` },
    data: { values },
    width: Math.max(320, labels.length * (tpus * 12 + 24)),
    height: 260,
    layer: [
      {
        mark: 'bar',
        encoding: {
          x: { field: 'strategy', type: 'nominal', sort: labels, title: 'strategy', axis: { labelAngle: 0 } },
          xOffset: { field: 'stage', type: 'ordinal' },
          y: { field: 'ms', type: 'quantitative', title: 'stage time (ms per input)' },
          color: { field: 'stage', type: 'ordinal', title: 'stage', scale: { scheme: 'tableau10' } },
        },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: {
          x: { field: 'strategy', type: 'nominal', sort: labels },
          y: { field: 'bottleneck', type: 'quantitative' },
        },
      },
    ],
    ...FONT,
  };
}

/** Speedup over one TPU vs number of TPUs, one panel per model, one line per strategy; dashed: linear. */
export function speedupSpec(rows: readonly Row[], speedups: ReadonlyMap<string, Speedup>, profile: string): VlSpec | undefined {
  const points = rows
    .filter((r) => r.profile === profile && speedups.get(r.id)?.overOne !== undefined)
    .map((r) => ({ model: modelName(r.model), strategy: r.label, tpus: r.tpus, speedup: speedups.get(r.id)!.overOne!, kind: 'strategy' }));
  if (points.length === 0) return undefined;
  const models = distinct(points.map((p) => p.model));
  const linear = models.flatMap((m) => distinct(points.filter((p) => p.model === m).map((p) => p.tpus))
    .map((n) => ({ model: m, strategy: 'linear', tpus: n, speedup: n, kind: 'linear' })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Speedup over one TPU vs number of TPUs', subtitle: `profile ${profile}; above the dashed line = superlinear` },
    data: { values: [...points, ...linear] },
    facet: { field: 'model', type: 'nominal', sort: models, title: null },
    columns: Math.min(4, models.length),
    spec: {
      width: 200,
      height: 160,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'linear'" }],
          mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
          encoding: { x: { field: 'tpus', type: 'quantitative' }, y: { field: 'speedup', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'strategy'" }],
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'tpus', type: 'quantitative', title: 'TPUs', axis: { tickMinStep: 1 } },
            y: { field: 'speedup', type: 'quantitative', title: 'speedup over 1 TPU', scale: { type: 'log' } },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: { domain: distinct(points.map((p) => p.strategy)) } },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    ...FONT,
  };
}

/** Predicted vs measured ms on log axes with the y = x line. */
export function scatterSpec(points: readonly ScatterPoint[], title: string): VlSpec | undefined {
  const usable = points.filter((p) => p.measuredMs > 0 && p.predictedMs > 0);
  if (usable.length === 0) return undefined;
  const lo = Math.min(...usable.flatMap((p) => [p.measuredMs, p.predictedMs]));
  const hi = Math.max(...usable.flatMap((p) => [p.measuredMs, p.predictedMs]));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'on the dashed line, prediction = measurement' },
    width: 420,
    height: 420,
    layer: [
      {
        data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] },
        mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: usable.map((p) => ({ series: p.series, label: p.label, measured: p.measuredMs, predicted: p.predictedMs })) },
        mark: { type: 'point', filled: true, opacity: 0.8 },
        encoding: {
          x: { field: 'measured', type: 'quantitative', title: 'measured ms', scale: { type: 'log' } },
          y: { field: 'predicted', type: 'quantitative', title: 'predicted ms', scale: { type: 'log' } },
          color: { field: 'series', type: 'nominal', title: 'data', legend: { labelLimit: 400 } },
        },
      },
    ],
    ...FONT,
  };
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
let libs: Promise<[Vega, VegaLite]> | undefined;

/** Renders a vega-lite spec to an SVG document string. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  libs ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vl] = await libs;
  const compiled = vl.compile(spec as unknown as Parameters<VegaLite['compile']>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
