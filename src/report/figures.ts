import { distinct, modelName, type Row, type Speedup } from './data';
import { placeLabels, type Box } from './labels';
import type { ScatterPoint } from './section';

/**
 * Figures as vega-lite specs (plain data, built here) rendered to SVG by vega in Node
 * (`renderSvg`, the only side-effecting part; vega and vega-lite are ESM-only, hence `import()`).
 */

export type VlSpec = Record<string, unknown>;

export const FONT = { config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } } };
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Colours, dash patterns and point shapes by series, so overlapping lines stay apart in print too. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#54a24b', '#b279a2', '#9d755d', '#eeca3b', '#72b7b2', '#ff9da6', '#bab0ac'];
const DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [12, 3], [4, 2, 1, 2], [3, 5], [10, 2, 2, 2, 2, 2]];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left', 'wedge'];
const cycle = <A>(xs: readonly A[], i: number): A => xs[i % xs.length]!;

/** The legend-bound selection that isolates a series on click (shift-click adds one). */
export const pick = (field: string): Record<string, unknown> => ({ name: `pick_${field}`, select: { type: 'point', fields: [field] }, bind: 'legend' });
export const faded = (field: string): Record<string, unknown> => ({ condition: { param: `pick_${field}`, value: 1, empty: true }, value: 0.12 });

/** Per-stage time bars of every strategy on one model at one N: the picture of balance. */
export function stagesSpec(rows: readonly Row[], model: string, tpus: number, profile: string): VlSpec | undefined {
  const cells = rows.filter((r) => r.model === model && r.tpus === tpus && r.profile === profile && r.stageMs.length > 0);
  if (cells.length === 0) return undefined;
  const labels = distinct(cells.map((r) => r.label));
  const values = cells.flatMap((r) => r.stageMs.map((ms, i) => ({
    strategy: r.label, stage: i + 1, ms, bottleneck: Math.max(...r.stageMs),
    ops: `${i === 0 ? 0 : r.cuts[i - 1]}..${(r.cuts[i] ?? r.modelOps ?? 0) - 1}`,
  })));
  const x = { field: 'strategy', type: 'nominal', sort: labels, title: 'strategy', axis: { labelAngle: 0 } };
  return {
    $schema: SCHEMA,
    title: { text: `${modelName(model)} on ${tpus} TPUs: time of each pipeline stage`, subtitle: `profile ${profile}; black tick: the slowest stage, which sets the throughput; click a stage in the legend to isolate it` },
    data: { values },
    width: Math.max(320, labels.length * (tpus * 12 + 24)),
    height: 260,
    layer: [
      {
        params: [pick('stage')],
        mark: 'bar',
        encoding: {
          x,
          xOffset: { field: 'stage', type: 'ordinal' },
          y: { field: 'ms', type: 'quantitative', title: 'stage time (ms per input)' },
          color: { field: 'stage', type: 'ordinal', title: 'stage', scale: { scheme: 'tableau10' } },
          opacity: faded('stage'),
          tooltip: [
            { field: 'strategy' }, { field: 'stage' }, { field: 'ops', title: 'ops' },
            { field: 'ms', type: 'quantitative', title: 'stage ms', format: '.3f' },
            { field: 'bottleneck', type: 'quantitative', title: 'slowest stage ms', format: '.3f' },
          ],
        },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { x, y: { field: 'bottleneck', type: 'quantitative' } },
      },
    ],
    ...FONT,
  };
}

export const LINEAR = 'linear: N x one TPU';

/**
 * Speedup over one TPU vs number of TPUs, one panel per model, one line per strategy (colour,
 * dash and marker shape each tell them apart), the dashed grey line the linear speedup. Each
 * panel has its own y scale: the models' speedups differ by an order of magnitude, and a shared
 * scale would flatten the panels of the models that gain least. The linear line stops at the
 * panel's largest speedup so it does not stretch the scale. Axes are drawn per panel, so a
 * partly filled last row leaves no empty axes.
 */
export function speedupSpec(rows: readonly Row[], speedups: ReadonlyMap<string, Speedup>, profile: string): VlSpec | undefined {
  const points = rows
    .filter((r) => r.profile === profile && speedups.get(r.id)?.overOne !== undefined)
    .map((r) => {
      const s = speedups.get(r.id)!;
      return { model: modelName(r.model), strategy: r.label, tpus: r.tpus, x: r.tpus, speedup: s.overOne!, ms: r.msPerInput, overCompiler: s.overCompiler ?? null, kind: 'strategy' };
    });
  if (points.length === 0) return undefined;
  const models = distinct(points.map((p) => p.model));
  const labels = distinct(points.map((p) => p.strategy));
  // Strategies that tie sit a little apart along x (0.06 TPU each), so every marker shows.
  for (const p of points) p.x = p.tpus + (labels.indexOf(p.strategy) - (labels.length - 1) / 2) * 0.06;
  const linear = models.flatMap((m) => {
    const mine = points.filter((p) => p.model === m);
    const top = Math.max(...mine.map((p) => p.speedup));
    const ns = distinct(mine.map((p) => p.tpus)).sort((a, b) => a - b);
    const below = ns.filter((n) => n <= top);
    const ends = below.length < ns.length && top > (below[below.length - 1] ?? 0) ? [...below, top] : below;
    return ends.map((n) => ({ model: m, strategy: LINEAR, tpus: n, x: n, speedup: n, kind: 'linear' }));
  });
  const domain = [...labels, LINEAR];
  const scales = {
    color: { domain, range: [...labels.map((_, i) => cycle(PALETTE, i)), '#888888'] },
    strokeDash: { domain, range: [...labels.map((_, i) => cycle(DASHES, i)), [5, 5]] },
    shape: { domain, range: [...labels.map((_, i) => cycle(SHAPES, i)), 'stroke'] },
  };
  const x = { field: 'x', type: 'quantitative', title: 'TPUs', axis: { tickMinStep: 1 } };
  const y = { field: 'speedup', type: 'quantitative', title: 'speedup over 1 TPU' };
  const series = { field: 'strategy', type: 'nominal', title: 'strategy' };
  const spread = points.filter((p) => p.tpus > 1).map((p) => p.speedup);
  return {
    $schema: SCHEMA,
    title: {
      text: 'Speedup over one TPU vs number of TPUs',
      subtitle: [
        `profile ${profile}; dashed grey: linear speedup (N times one TPU), above it = superlinear; click a strategy in the legend to isolate it`,
        'strategies that tie are drawn slightly apart along x so each marker shows',
        `each panel has its own y scale: the speedups run from ${Math.min(...spread, 1).toFixed(2)}x to ${Math.max(...spread, 1).toFixed(2)}x, and one scale would flatten the panels that gain least`,
      ],
    },
    data: { values: [...points, ...linear] },
    facet: { field: 'model', type: 'nominal', sort: models, title: null },
    columns: Math.min(5, models.length),
    spec: {
      width: 190,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'linear'" }],
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: { x, y, color: { ...series, scale: scales.color }, strokeDash: { ...series, scale: scales.strokeDash } },
        },
        {
          transform: [{ filter: "datum.kind === 'strategy'" }],
          params: [pick('strategy')],
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: { x, y, color: { ...series, scale: scales.color }, strokeDash: { ...series, scale: scales.strokeDash }, opacity: faded('strategy') },
        },
        {
          transform: [{ filter: "datum.kind === 'strategy'" }],
          mark: { type: 'point', filled: true, size: 42 },
          encoding: {
            x, y, color: { ...series, scale: scales.color }, shape: { ...series, scale: scales.shape }, opacity: faded('strategy'),
            tooltip: [
              { field: 'model' }, { field: 'tpus', title: 'N' }, { field: 'strategy' },
              { field: 'ms', type: 'quantitative', title: 'ms per input', format: '.3f' },
              { field: 'speedup', type: 'quantitative', title: 'x 1 TPU', format: '.2f' },
              { field: 'overCompiler', type: 'quantitative', title: 'x compiler', format: '.2f' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent', y: 'independent' } },
    ...FONT,
  };
}

/** Points labelled on the figure per series: the worst predicted (every point names its model and N in its tooltip). */
export const LABELLED_PER_SERIES = 2;

/** Twelve colours told apart on screen and in print, each series also with a shape of its own (the synthetic table has 12 files). */
export const SERIES_COLORS = ['#4c78a8', '#f58518', '#e45756', '#54a24b', '#b279a2', '#9d755d', '#eeca3b', '#72b7b2', '#222222', '#ff9da6', '#7b4173', '#bab0ac'];
export const SERIES_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right'];

const SCATTER_SIZE = 460;
const LABEL_FONT = 9;

/**
 * Predicted vs measured ms on log axes with the y = x line. Every point carries its label (model
 * and N) in its tooltip; the worst-predicted points of each series also show it on the figure,
 * placed here (src/report/labels.ts) so that no label overprints another label, a point where it
 * can be helped, or the legend; labels that find no room are counted in the subtitle.
 */
export function scatterSpec(points: readonly ScatterPoint[], title: string): VlSpec | undefined {
  const usable = points.filter((p) => p.measuredMs > 0 && p.predictedMs > 0);
  if (usable.length === 0) return undefined;
  const lo = Math.min(...usable.flatMap((p) => [p.measuredMs, p.predictedMs])) / 1.3;
  const hi = Math.max(...usable.flatMap((p) => [p.measuredMs, p.predictedMs])) * 1.3;
  const axis = (field: string, t: string): Record<string, unknown> => ({ field, type: 'quantitative', title: t, scale: { type: 'log', domain: [lo, hi], nice: false } });
  const error = (p: ScatterPoint): number => (p.predictedMs - p.measuredMs) / p.measuredMs;
  const series = distinct(usable.map((p) => p.series));
  // The worst of every series first, then the second worst of every series, and so on.
  const wanted = series.flatMap((s) => usable.filter((p) => p.series === s).sort((a, b) => Math.abs(error(b)) - Math.abs(error(a))).slice(0, LABELLED_PER_SERIES)
    .map((p, rank) => ({ p, rank }))).sort((a, b) => a.rank - b.rank || Math.abs(error(b.p)) - Math.abs(error(a.p))).map((x) => x.p);
  const span = Math.log(hi) - Math.log(lo);
  const px = (ms: number): number => (SCATTER_SIZE * (Math.log(ms) - Math.log(lo))) / span;
  const py = (ms: number): number => SCATTER_SIZE - px(ms);
  const ms = (pixel: number): number => Math.exp(Math.log(lo) + (pixel / SCATTER_SIZE) * span);
  const dot = (p: ScatterPoint): Box => ({ x0: px(p.measuredMs) - 4, y0: py(p.predictedMs) - 4, x1: px(p.measuredMs) + 4, y1: py(p.predictedMs) + 4 });
  const placed = placeLabels(wanted.map((p) => ({ x: px(p.measuredMs), y: py(p.predictedMs), text: p.label })),
    { width: SCATTER_SIZE, height: SCATTER_SIZE, fontSize: LABEL_FONT, avoid: usable.map(dot) });
  const at = new Map(placed.map((l) => [wanted[l.index]!, l] as const));
  const values = usable.map((p) => {
    const l = at.get(p);
    // The leader runs from the point to the nearest point of the label's box.
    const near = l === undefined ? undefined : { x: Math.min(Math.max(px(p.measuredMs), l.box.x0), l.box.x1), y: Math.min(Math.max(py(p.predictedMs), l.box.y0), l.box.y1) };
    return {
      series: p.series, label: p.label, measured: p.measuredMs, predicted: p.predictedMs, error: error(p), labelled: l !== undefined,
      ...(l !== undefined ? { labelX: ms(l.x), labelY: ms(SCATTER_SIZE - l.y), leader: l.leader, leaderX: ms(near!.x), leaderY: ms(SCATTER_SIZE - near!.y) } : {}),
    };
  });
  const left = wanted.length - placed.length;
  const scales = { color: { domain: series, range: series.map((_, i) => cycle(SERIES_COLORS, i)) }, shape: { domain: series, range: series.map((_, i) => cycle(SERIES_SHAPES, i)) } };
  return {
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: [
        'log axes fitted to the points; dashed: prediction = measurement (above it: predicted slower than measured)',
        `labelled: the ${LABELLED_PER_SERIES} worst-predicted points of each series${left > 0 ? ` where a label fits (${placed.length} of ${wanted.length})` : ''}; hover any point for its model, N and error`,
      ],
    },
    width: SCATTER_SIZE,
    height: SCATTER_SIZE,
    layer: [
      {
        data: { values: [{ x: lo, y: lo, line: 'prediction = measurement' }, { x: hi, y: hi, line: 'prediction = measurement' }] },
        mark: { type: 'line', color: '#888' },
        encoding: {
          x: axis('x', 'measured ms'), y: axis('y', 'predicted ms'),
          strokeDash: { field: 'line', type: 'nominal', title: 'reference', scale: { range: [[4, 4]] } },
        },
      },
      {
        data: { values },
        layer: [
          {
            params: [pick('series')],
            mark: { type: 'point', filled: true, size: 40 },
            encoding: {
              x: axis('measured', 'measured ms'), y: axis('predicted', 'predicted ms'),
              color: { field: 'series', type: 'nominal', title: 'data', legend: { labelLimit: 400 }, scale: scales.color },
              shape: { field: 'series', type: 'nominal', title: 'data', scale: scales.shape },
              opacity: faded('series'),
              tooltip: [
                { field: 'label', title: 'point' }, { field: 'series', title: 'data' },
                { field: 'measured', type: 'quantitative', title: 'measured ms', format: '.3f' },
                { field: 'predicted', type: 'quantitative', title: 'predicted ms', format: '.3f' },
                { field: 'error', type: 'quantitative', title: 'error', format: '+.1%' },
              ],
            },
          },
          {
            transform: [{ filter: 'datum.labelled && datum.leader' }],
            mark: { type: 'rule', color: '#999', strokeWidth: 0.7 },
            encoding: { x: axis('measured', 'measured ms'), y: axis('predicted', 'predicted ms'), x2: { field: 'leaderX' }, y2: { field: 'leaderY' }, opacity: faded('series') },
          },
          {
            transform: [{ filter: 'datum.labelled' }],
            mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: LABEL_FONT, color: '#333' },
            encoding: { x: axis('labelX', 'measured ms'), y: axis('labelY', 'predicted ms'), text: { field: 'label' }, opacity: faded('series') },
          },
        ],
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
