import type { LayerGraph } from '../graph/types';
import type { SegmentResult } from '../plan/result';
import { distinct, modelName } from './data';
import { FONT, SCHEMA, type VlSpec } from './figures';

/**
 * The plan view: what Netron shows for a model, drawn for a plan. For a chosen model and N, every
 * strategy's plan as a strip of the model's ops in execution order coloured by stage, with the
 * cuts; under it the ops themselves (bar height: parameter KiB); then per-stage time bars and the
 * parameter bytes each stage keeps on chip or streams from the host. The model and N are chosen
 * in the page (select boxes bound to vega-lite parameters), so one spec holds every plan.
 */

export interface PlanCell {
  readonly model: string;
  readonly tpus: number;
  readonly strategy: string;
  readonly msPerInput: number;
  readonly segments: readonly SegmentResult[];
}

export interface OpInfo {
  readonly name: string;
  readonly type: string;
  readonly paramBytes: number;
  readonly macs: number;
}

export interface ModelOps {
  readonly model: string;
  readonly ops: readonly OpInfo[];
}

/** The ops of a layer graph as the plan view shows them (each named by its first output tensor). */
export function opsOf(model: string, graph: LayerGraph): ModelOps {
  return {
    model,
    ops: graph.ops.map((op) => ({
      name: (graph.tensors[op.outputs[0] ?? -1]?.name ?? `op ${op.index}`).slice(0, 80),
      type: op.type, paramBytes: op.paramBytes, macs: op.macs,
    })),
  };
}

const KIB = 1024;
const MIB = 1024 * 1024;
const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

export interface PlanViewOptions {
  readonly tpus?: number;
  readonly title?: string;
  /** What the plots show (the profile, the objective); the page adds how to use it. */
  readonly subtitle?: string;
}

export function planViewSpec(cells: readonly PlanCell[], models: readonly ModelOps[], o: PlanViewOptions = {}): VlSpec | undefined {
  const usable = cells.filter((c) => c.segments.length === c.tpus && c.segments.length > 0);
  if (usable.length === 0) return undefined;
  const names = distinct(usable.map((c) => modelName(c.model)));
  const counts = distinct(usable.map((c) => c.tpus)).sort((a, b) => a - b);
  const labels = distinct(usable.map((c) => c.strategy));
  const model = names[0]!;
  const atModel = usable.filter((c) => modelName(c.model) === model).map((c) => c.tpus);
  const tpus = o.tpus !== undefined && atModel.includes(o.tpus) ? o.tpus : Math.max(...atModel);

  const segments = usable.flatMap((c) => {
    const slowest = Math.max(...c.segments.map((s) => s.ms));
    return c.segments.map((s, i) => ({
      model: modelName(c.model), tpus: c.tpus, strategy: c.strategy, stage: i + 1,
      start: s.firstOp, end: s.lastOp + 1, ops: s.ops, ms: round(s.ms, 4), slowest: s.ms === slowest,
      msPerInput: round(c.msPerInput, 4),
      paramMiB: round(s.paramBytes / MIB), onChipMiB: round(s.onChipBytes / MIB), offChipMiB: round(s.offChipBytes / MIB),
      inKiB: round(s.inBytes / KIB, 1), outKiB: round(s.outBytes / KIB, 1),
    }));
  });
  const ops = models.filter((m) => names.includes(modelName(m.model))).flatMap((m) => m.ops.map((op, i) => ({
    model: modelName(m.model), i, end: i + 1, name: op.name, type: op.type, paramKiB: round(op.paramBytes / KIB, 1), mmacs: round(op.macs / 1e6, 2),
  })));
  const chosen = 'datum.model === model && datum.tpus === tpus';
  const strategyAxis = { field: 'strategy', type: 'nominal', sort: labels, title: null };
  const stage = { field: 'stage', type: 'ordinal', title: 'stage', scale: { scheme: 'tableau10' } };
  // Ops are whole numbers: integer ticks only, however few ops the model has.
  const opAxis = { type: 'quantitative', title: 'op (execution order)', scale: { nice: false, zero: true }, axis: { tickMinStep: 1, format: 'd' } };
  const segmentTooltip = [
    { field: 'strategy' }, { field: 'stage' }, { field: 'start', title: 'first op' }, { field: 'ops', title: 'ops' },
    { field: 'ms', title: 'stage ms', format: '.3f' }, { field: 'paramMiB', title: 'params MiB' },
    { field: 'onChipMiB', title: 'on-chip MiB' }, { field: 'offChipMiB', title: 'off-chip MiB' },
    { field: 'inKiB', title: 'in KiB' }, { field: 'outKiB', title: 'out KiB' }, { field: 'msPerInput', title: 'plan ms per input' },
  ];
  const select = (name: string, value: string | number, options: readonly (string | number)[], label: string): Record<string, unknown> => ({
    name, value, ...(options.length > 1 ? { bind: { input: 'select', options, name: label } } : {}),
  });

  return {
    $schema: SCHEMA,
    title: {
      text: o.title ?? 'Plan view: where each strategy cuts the model',
      // The select boxes sit above the figure (.vega-bindings in src/report/html.ts), and only when there is a choice.
      subtitle: [o.subtitle, names.length > 1 || counts.length > 1 ? `choose the ${[names.length > 1 ? 'model' : '', counts.length > 1 ? 'N' : ''].filter((x) => x !== '').join(' and ')} above` : '',
        'hover an op or a stage for its numbers'].filter((x) => x !== undefined && x !== '').join('; '),
    },
    params: [select('model', model, names, 'model '), select('tpus', tpus, counts, 'TPUs (N) ')],
    datasets: { segments, ops },
    vconcat: [
      {
        vconcat: [
          {
            title: { text: 'ops in execution order, coloured by stage; black ticks: the cuts', fontSize: 12, anchor: 'start' },
            width: 880,
            height: { step: 20 },
            data: { name: 'segments' },
            transform: [{ filter: chosen }],
            layer: [
              {
                mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
                encoding: { x: { field: 'start', ...opAxis }, x2: { field: 'end' }, y: strategyAxis, color: stage, tooltip: segmentTooltip },
              },
              {
                transform: [{ filter: 'datum.stage > 1' }],
                mark: { type: 'tick', color: 'black', thickness: 2.5, orient: 'vertical' },
                encoding: { x: { field: 'start', type: 'quantitative' }, y: strategyAxis, tooltip: [{ field: 'start', title: 'cut before op' }, { field: 'strategy' }] },
              },
            ],
          },
          {
            title: { text: 'the ops (layers) of the model: bar height = parameter KiB', fontSize: 12, anchor: 'start' },
            width: 880,
            height: 70,
            data: { name: 'ops' },
            transform: [{ filter: 'datum.model === model' }],
            mark: { type: 'rect', color: '#5a6b7b' },
            encoding: {
              x: { field: 'i', ...opAxis }, x2: { field: 'end' },
              y: { field: 'paramKiB', type: 'quantitative', title: 'params KiB', scale: { type: 'sqrt' } },
              tooltip: [{ field: 'i', title: 'op' }, { field: 'name' }, { field: 'type' }, { field: 'paramKiB', title: 'params KiB' }, { field: 'mmacs', title: 'MMACs' }],
            },
          },
        ],
        resolve: { scale: { x: 'shared' } },
      },
      {
        hconcat: [
          {
            title: { text: 'time of each stage (black tick: the slowest)', fontSize: 12, anchor: 'start' },
            width: 400,
            height: 200,
            data: { name: 'segments' },
            transform: [{ filter: chosen }],
            layer: [
              {
                mark: 'bar',
                encoding: {
                  x: { ...strategyAxis, axis: { labelAngle: -30 } }, xOffset: { field: 'stage', type: 'ordinal' },
                  y: { field: 'ms', type: 'quantitative', title: 'stage ms' }, color: stage, tooltip: segmentTooltip,
                },
              },
              {
                transform: [{ filter: 'datum.slowest' }],
                mark: { type: 'tick', color: 'black', thickness: 2 },
                encoding: { x: { ...strategyAxis, axis: { labelAngle: -30 } }, y: { field: 'ms', type: 'quantitative' } },
              },
            ],
          },
          {
            title: { text: 'parameter MiB per stage: cached on chip or streamed from the host', fontSize: 12, anchor: 'start' },
            width: 400,
            height: 200,
            data: { name: 'segments' },
            transform: [{ filter: chosen }, { fold: ['onChipMiB', 'offChipMiB'], as: ['where', 'MiB'] },
              { calculate: "datum.where === 'onChipMiB' ? 'on chip' : 'off chip (streamed)'", as: 'memory' }],
            mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
            encoding: {
              x: { ...strategyAxis, axis: { labelAngle: -30 } }, xOffset: { field: 'stage', type: 'ordinal' },
              y: { field: 'MiB', type: 'quantitative', title: 'parameter MiB', stack: 'zero' },
              color: { field: 'memory', type: 'nominal', title: 'parameters', scale: { domain: ['on chip', 'off chip (streamed)'], range: ['#54a24b', '#e45756'] } },
              tooltip: [{ field: 'strategy' }, { field: 'stage' }, { field: 'memory', title: 'parameters' }, { field: 'MiB', format: '.3f' }],
            },
          },
        ],
        resolve: { scale: { x: 'independent', xOffset: 'independent', color: 'independent' } },
      },
    ],
    resolve: { scale: { color: 'independent' } },
    ...FONT,
  };
}
