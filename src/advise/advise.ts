import * as E from 'fp-ts/Either';
import { ratioBandOf } from '../../cost-models/bands';
import { bandFor, familyOf, regimeKey, type Band, type Regime } from '../../cost-models/bands';
import type { CostProfile, RunnerName } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import type { ObjectiveKind } from '../../strategies/types';
import { infeasible, usage, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { MAX_ADVISE_TPUS } from '../limits';
import { loadModelToPlan } from '../model/load';
import type { LayoutEvaluation, LayoutKind } from '../pipeline/layout';
import { madeFor, type MadeFor } from '../plan/made-for';
import { bandSpread } from '../plan/result';
import { requestCost } from '../search/request-cost';
import { DEFAULT_TOLERANCE } from '../search/tolerance';
import { choose, type Knee } from './choose';
import { reasoning, streamingStopsAt } from './reasoning';
import { searchLayouts, type LayoutProof, type OrderSearch } from './search';

/**
 * `tpuseg advise`: what to run on up to K Edge TPUs. Searches the configurations (search.ts),
 * prices each with everything its stages share (src/pipeline/layout.ts), and reports the Pareto
 * front of throughput vs latency vs TPUs used, throughput per TPU, the best on up to m TPUs for
 * every m, the knee and a recommendation with its reasoning (choose.ts, reasoning.ts). Each figure
 * carries the 80% band of its regime when the profile has one (cost-models/bands.ts).
 */
export interface AdviseRequest {
  /** A model spec as `loadModel` takes it. */
  readonly model: string;
  /** K; with `devices`, defaults to their number. */
  readonly tpus?: number;
  /** The host profile (and every TPU's, without `devices`). */
  readonly profile?: string;
  /** One profile per TPU position (a board whose TPUs differ), names or paths already resolved. */
  readonly devices?: string;
  readonly runner?: RunnerName;
  readonly objective?: ObjectiveKind;
  readonly batch?: number;
  /** Configurations within this fraction of the best count as good as it (default 0.02). */
  readonly tolerance?: number;
  /** The knee's fraction (default 0.5). */
  readonly knee?: number;
}

export const DEFAULT_KNEE = 0.5;

export interface AdvisedConfiguration {
  readonly id: string;
  readonly kind: LayoutKind;
  readonly stages: number;
  /** TPUs used. */
  readonly tpus: number;
  /** Per stage, how many TPUs run it, and which (board positions). */
  readonly copies: readonly number[];
  readonly assignment: readonly (readonly number[])[];
  readonly cuts: readonly number[];
  /** Steady-state ms per input and what sets it; inputs per second; per TPU. */
  readonly steadyMs: number;
  readonly steadyMsLow?: number;
  readonly steadyMsHigh?: number;
  readonly limitedBy: string;
  readonly throughput: number;
  readonly throughputLow?: number;
  readonly throughputHigh?: number;
  readonly throughputPerTpu: number;
  readonly latencyMs: number;
  readonly latencyMsLow?: number;
  readonly latencyMsHigh?: number;
  readonly batch: number;
  readonly msPerInput: number;
  readonly msPerInputLow?: number;
  readonly msPerInputHigh?: number;
  /** Parameter bytes streamed per input; whether any stage copy streams. */
  readonly offChipBytes: number;
  readonly streams: boolean;
  /** Per stage, its slowest copy's ms; handoffs between runners, ms per input. */
  readonly stageMs: readonly number[];
  readonly handoffMs: readonly number[];
  readonly onFront: boolean;
  readonly uncertainty?: { readonly regime: string; readonly band?: Band };
}

export interface AdviseReport {
  readonly tool: 'tpuseg advise';
  readonly model: string;
  readonly tpus: number;
  readonly profile: string;
  /** One profile name per TPU position, for a board whose TPUs differ. */
  readonly devices?: readonly string[];
  readonly runner: RunnerName;
  readonly objective: ObjectiveKind;
  readonly batch: number;
  readonly tolerance: number;
  readonly fitsOnOneTpu: boolean;
  /** The fewest stages whose pipeline streams nothing, or null. */
  readonly streamingStopsAt: number | null;
  readonly configurations: readonly AdvisedConfiguration[];
  /** Ids of the configurations on the Pareto front (throughput, latency, TPUs used). */
  readonly front: readonly string[];
  /** The best configuration on up to m TPUs, m = 1..K. */
  readonly bestByTpus: readonly { readonly tpus: number; readonly id: string }[];
  readonly knee: Knee;
  readonly recommended: string;
  readonly reasoning: string;
  /** How the order of a board's TPUs was searched, when they differ. */
  readonly orders?: OrderSearch;
  /** On a board whose TPUs differ: the best found on up to m TPUs against the least slowest stage any layout can have. */
  readonly layouts?: LayoutProof;
  readonly madeFor: MadeFor;
}

/** What the advice rests on, for callers that go on with it (export, the reproduce table). */
export interface Advice {
  readonly report: AdviseReport;
  readonly graph: LayerGraph;
  readonly cost: CostModel;
  readonly evaluations: readonly LayoutEvaluation[];
  readonly host: CostProfile;
  readonly devices?: readonly CostProfile[];
}

/** The cost model of the request's board: K TPUs of one profile, or one profile per TPU position. */
export function boardOf(req: Pick<AdviseRequest, 'tpus' | 'profile' | 'devices' | 'runner'>, graph: LayerGraph, command = 'advise'):
  E.Either<TpusegError, { cost: CostModel; tpus: number; host: CostProfile; devices?: CostProfile[] }> {
  const priced = requestCost(req, graph);
  if (E.isLeft(priced)) return priced;
  const { cost, profile, devices } = priced.right;
  const K = req.tpus ?? devices?.length;
  if (K === undefined) return E.left(usage(`${command}: --tpus K is required (or --devices D1,...,DK)`));
  if (devices && devices.length !== K) return E.left(usage(`${command}: --tpus ${K} but --devices lists ${devices.length} TPUs; give one profile per TPU`));
  return E.right({ cost, tpus: K, host: profile, ...(devices ? { devices } : {}) });
}

const idOf = (ev: LayoutEvaluation): string =>
  ev.kind === 'pipeline' ? `p${ev.copies.length}` : ev.kind === 'replicas' ? `r${ev.copies[0]}x${ev.copies.length}` : `h${ev.copies.length}-${ev.copies.join('')}`;

/** The band of a configuration's regime; on a board whose TPUs differ, only when every device's profile gives the same one. */
function bandOf(graph: LayerGraph, ev: LayoutEvaluation, profiles: readonly CostProfile[]): { regime: string; band?: Band } {
  const regime: Regime = { stages: ev.copies.length > 1 ? 'pipeline' : 'single', family: familyOf(graph), residency: ev.streams ? 'streaming' : 'on-chip' };
  const bands = profiles.map((p) => bandFor(p, regime));
  const first = bands[0];
  const same = first !== undefined && bands.every((b) => b !== undefined && b.lo === first.lo && b.hi === first.hi);
  return { regime: regimeKey(regime), ...(same ? { band: first } : {}) };
}

function configuration(graph: LayerGraph, ev: LayoutEvaluation, id: string, onFront: boolean, profiles: readonly CostProfile[]): AdvisedConfiguration {
  const u = bandOf(graph, ev, profiles);
  const b = u.band;
  const spread = <K extends string>(key: K, ms: number): Partial<Record<`${K}Low` | `${K}High`, number>> => bandSpread(b, key, ms);
  return {
    id,
    kind: ev.kind,
    stages: ev.copies.length,
    tpus: ev.tpuCount,
    copies: ev.copies,
    assignment: ev.tpus,
    cuts: ev.cuts,
    steadyMs: ev.bottleneckMs,
    ...spread('steadyMs', ev.bottleneckMs),
    limitedBy: ev.limitedBy,
    throughput: 1000 / ev.bottleneckMs,
    ...(b ? { throughputLow: 1000 / (ev.bottleneckMs * b.hi), throughputHigh: 1000 / (ev.bottleneckMs * b.lo) } : {}),
    throughputPerTpu: 1000 / ev.bottleneckMs / ev.tpuCount,
    latencyMs: ev.latencyMs,
    ...spread('latencyMs', ev.latencyMs),
    batch: ev.batch,
    msPerInput: ev.msPerInput,
    ...spread('msPerInput', ev.msPerInput),
    offChipBytes: ev.offChipBytes,
    streams: ev.streams,
    stageMs: ev.segments.map((s) => s.ms),
    handoffMs: ev.handoffs.map((h) => h.ms),
    onFront,
    uncertainty: u,
  };
}

/** Advice on a model already loaded, for a board already built. */
export function adviseOn(graph: LayerGraph, spec: string, board: { cost: CostModel; tpus: number; host: CostProfile; devices?: readonly CostProfile[] },
  opts: { objective: ObjectiveKind; batch: number; tolerance: number; knee: number }): E.Either<TpusegError, Advice> {
  const K = board.tpus;
  if (!Number.isInteger(K) || K < 1 || K > MAX_ADVISE_TPUS) return E.left(usage(`advise: --tpus expects an integer from 1 to ${MAX_ADVISE_TPUS}, got ${K}`));
  // As segment says it (src/search/problem.ts): no configuration exists to choose from.
  if (graph.ops.length === 0) return E.left(infeasible(`${graph.name} has 0 ops: it cannot be cut into non-empty segments on any number of TPUs`));
  const found = searchLayouts({ cost: board.cost, tpus: K, objective: opts.objective, batch: opts.batch });
  if (E.isLeft(found)) return found;
  const evs = found.right.candidates;
  const c = choose(evs, K, opts.objective, opts.tolerance, opts.knee);
  const onFront = new Set(c.front);
  // Ids by shape; the same shape twice (cut for another objective) gets a suffix.
  const ids: string[] = [];
  for (const ev of evs) {
    const base = idOf(ev);
    let id = base;
    for (let i = 2; ids.includes(id); i++) id = `${base}.${i}`;
    ids.push(id);
  }
  const profiles = board.devices ?? [board.host];
  const configurations = evs.map((ev, i) => configuration(graph, ev, ids[i]!, onFront.has(i), profiles));
  const rec = evs[c.recommended]!;
  const stops = streamingStopsAt(evs);
  const one = evs.find((e) => e.kind === 'pipeline' && e.tpuCount === 1)!;
  const report: AdviseReport = {
    tool: 'tpuseg advise',
    model: spec,
    tpus: K,
    profile: board.host.name,
    ...(board.devices ? { devices: board.devices.map((d) => d.name) } : {}),
    runner: board.cost.pipeline?.runner ?? 'pycoral',
    objective: opts.objective,
    batch: opts.batch,
    tolerance: opts.tolerance,
    fitsOnOneTpu: !one.streams,
    streamingStopsAt: stops ?? null,
    configurations,
    front: c.front.map((i) => ids[i]!),
    bestByTpus: c.bestUpTo.flatMap((i, m) => (i === undefined ? [] : [{ tpus: m + 1, id: ids[i]! }])),
    knee: c.knee,
    recommended: ids[c.recommended]!,
    reasoning: reasoning({ candidates: evs, recommended: rec, tpus: K, objective: opts.objective, tolerance: opts.tolerance, oneTpu: one, streamingStopsAt: stops, band: ratioBandOf(board.host) }),
    ...(found.right.orders ? { orders: found.right.orders } : {}),
    ...(found.right.layouts ? { layouts: found.right.layouts } : {}),
    madeFor: madeFor(graph),
  };
  return E.right({ report, graph, cost: board.cost, evaluations: evs, host: board.host, ...(board.devices ? { devices: board.devices } : {}) });
}

export function advise(req: AdviseRequest): E.Either<TpusegError, Advice> {
  const graph = loadModelToPlan(req.model);
  if (E.isLeft(graph)) return graph;
  const board = boardOf(req, graph.right);
  if (E.isLeft(board)) return board;
  return adviseOn(graph.right, req.model, board.right, {
    objective: req.objective ?? 'throughput', batch: req.batch ?? 15,
    tolerance: req.tolerance ?? DEFAULT_TOLERANCE, knee: req.knee ?? DEFAULT_KNEE,
  });
}

