import * as E from 'fp-ts/Either';
import { bandFor, familyOf, regimeKey, type Band, type Regime } from '../../cost-models/bands';
import type { RunnerName } from '../../cost-models';
import { adviseOn, boardOf, type Advice, type AdvisedConfiguration } from '../advise/advise';
import { describe } from '../advise/reasoning';
import { usage, type TpusegError } from '../errors';
import { MAX_ADVISE_TPUS } from '../limits';
import { loadModelToPlan } from '../model/load';
import { madeFor, type MadeFor } from '../plan/made-for';
import { DEFAULT_TOLERANCE } from '../search/tolerance';
import { DEFAULT_KNEE } from '../advise/advise';
import { compareAssignments, searchWorkload, type Assignment, type Option, type SearchStats, type WorkloadModelData } from './search';
import { HOST_RESOURCES, hostFacts, sharedLatencyMs, tpuLoadMs, type HostFacts, type SharedUnit } from './share';
import { MAX_WORKLOAD_MODELS, type Workload } from './spec';

/**
 * `tpuseg advise --workload`: which of the board's TPUs run which models, and how (search.ts,
 * share.ts). The answer as `advise` gives it for one model: the front (TPUs used against the
 * lowest achieved / target ratio), the assignment recommended with its reasoning, and every figure
 * with its 80% band when the profile has one.
 *
 * Recommended: with target rates, the fewest TPUs on which every target is met (the best
 * assignment on them); when K TPUs cannot meet them, the best on K and by how much each model
 * falls short. With weights, like `advise`: among the assignments within the tolerance of the best
 * ratio on K, the one on fewest TPUs.
 */

export interface WorkloadRequest {
  readonly workload: Workload;
  readonly tpus: number;
  readonly profile?: string;
  readonly runner?: RunnerName;
  readonly batch?: number;
  readonly tolerance?: number;
  /**
   * `tpus`: meet every target on the fewest TPUs (rates only; their default). `ratio`: the largest
   * lowest achieved / target (or / weight) ratio on K, on the fewest TPUs within the tolerance of it
   * (the default with weights).
   */
  readonly objective?: WorkloadObjective;
}

export type WorkloadObjective = 'tpus' | 'ratio';
export const WORKLOAD_OBJECTIVES: readonly WorkloadObjective[] = ['tpus', 'ratio'];

export interface ModelFigure {
  readonly name: string;
  readonly model: string;
  readonly rate?: number;
  readonly weight?: number;
  /** Inputs/s the assignment serves it at the plan's ratio, with its band. */
  readonly achieved: number;
  readonly achievedLow?: number;
  readonly achievedHigh?: number;
  /** What its own unit could serve it, the others at their share (inputs/s). */
  readonly unitCapacity: number;
  readonly latencyMs: number;
  readonly latencyMsLow?: number;
  readonly latencyMsHigh?: number;
  /** Parameter bytes streamed per input. */
  readonly offChipBytes: number;
  readonly unit: number;
  readonly regime: string;
  readonly band?: Band;
}

export interface UnitReport {
  readonly kind: 'alone' | 'co-compiled' | 'time-shared';
  /** Model names, in compile order for co-compiled ones. */
  readonly models: readonly string[];
  /** Board positions of its TPUs. */
  readonly positions: readonly number[];
  /** A model alone: its configuration as `advise` reports it, assignment on board positions. */
  readonly configuration?: AdvisedConfiguration;
  /** A shared unit: per model, in order, its invoke and what it caches, streams and reloads. */
  readonly parts?: readonly {
    readonly model: string;
    readonly invokeMs: number;
    readonly capacityMiB: number;
    readonly onChipMiB: number;
    readonly offChipMiB: number;
    readonly reloadMs: number;
  }[];
  /** The unit's TPUs: the busy fraction at the assignment's rates (shared), or its configuration's inputs/s. */
  readonly busy?: number;
  /** The factor of every rate this unit alone could serve. */
  readonly ratio: number;
  readonly text: string;
}

export interface AssignmentReport {
  readonly id: string;
  readonly tpus: number;
  /** Lowest achieved / target (or / weight) ratio over the models, with its band. */
  readonly ratio: number;
  readonly ratioLow?: number;
  readonly ratioHigh?: number;
  /** What sets the ratio: a unit's TPUs, or one of the host's shared resources. */
  readonly limitedBy: string;
  /** Per host resource, its busy fraction at the assignment's rates. */
  readonly host: { readonly interpreterLock: number; readonly sharedLink: number; readonly hostCpu: number };
  readonly units: readonly UnitReport[];
  readonly models: readonly ModelFigure[];
  readonly meetsTargets?: boolean;
  readonly onFront: boolean;
}

export interface WorkloadReport {
  readonly tool: 'tpuseg advise --workload';
  readonly models: readonly { readonly name: string; readonly model: string; readonly rate?: number; readonly weight?: number }[];
  readonly mode: 'rates' | 'weights';
  readonly objective: WorkloadObjective;
  readonly objectiveText: string;
  readonly tpus: number;
  readonly profile: string;
  readonly runner: RunnerName;
  readonly batch: number;
  readonly tolerance: number;
  /** The best assignments on up to m TPUs, m = 1..K, each once, by TPUs used (one TPU can hold every model, so every m has one). */
  readonly assignments: readonly AssignmentReport[];
  readonly front: readonly string[];
  readonly recommended: string;
  readonly met: boolean;
  /** When the targets cannot be met on K: each model's shortfall at the best ratio. */
  readonly shortfall?: readonly { readonly model: string; readonly target: number; readonly achieved: number; readonly missing: number }[];
  readonly reasoning: string;
  readonly search: SearchStats & { readonly exact: true };
  readonly sharing: string;
  readonly madeFor: readonly MadeFor[];
}

export interface WorkloadAdvice {
  readonly report: WorkloadReport;
  readonly advice: readonly Advice[];
  readonly best: readonly (Assignment | undefined)[];
  readonly host: HostFacts;
}

export const SHARING_FACTS = 'co-compiled models share a TPU\'s parameter cache in the order compiled (each caches what the ones before it left, the rest streams); time-shared models reload their parameters on every switch; a TPU runs one invoke at a time; every runner shares the host\'s cores, interpreter lock and any shared link (Coral documentation, ../shared/docs/domain.md section 8)';

const MiB = 1024 * 1024;
const rateText = (x: number): string => x.toFixed(x >= 100 ? 0 : 1);
const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

function bandOfRegime(advice: Advice, regime: Regime): Band | undefined {
  return bandFor(advice.host, regime);
}

function unitName(u: Option['unit'], names: readonly string[]): string {
  return u.kind === 'alone' ? names[u.model]! : u.models.map((m) => names[m]).join('+');
}

/** An assignment in the report's words, with its units on consecutive board positions. */
function assignmentReport(a: Assignment, w: Workload, advice: readonly Advice[], rates: readonly number[], host: HostFacts, onFront: boolean): AssignmentReport {
  const names = w.models.map((m) => m.name);
  // Units in the order of their first model, so a plan reads in the workload's order.
  const options = [...a.options].sort((x, y) => Math.min(...x.models) - Math.min(...y.models));
  let next = 0;
  const units: UnitReport[] = [];
  const models: ModelFigure[] = new Array(w.models.length);
  let lambdaLow = a.hostLambda;
  let lambdaHigh = a.hostLambda;
  let banded = true;
  const lam = a.lambda;
  const at = rates.map((r) => r * lam);
  for (const [ui, o] of options.entries()) {
    const positions = Array.from({ length: o.tpus }, (_, i) => next + i);
    next += o.tpus;
    const u = o.unit;
    let lo: number | undefined;
    let hi: number | undefined;
    if (u.kind === 'alone') {
      const adv = advice[u.model]!;
      const c = adv.report.configurations[u.config]!;
      const configuration = { ...c, assignment: c.assignment.map((ts) => ts.map((t) => positions[t]!)) };
      if (c.throughputLow !== undefined && c.throughputHigh !== undefined) {
        lo = c.throughputLow / c.throughput;
        hi = c.throughputHigh / c.throughput;
      }
      units.push({ kind: 'alone', models: [names[u.model]!], positions, configuration, ratio: o.lambda, text: `${names[u.model]} alone: ${describe(u.ev)} (${c.id})` });
      models[u.model] = {
        name: names[u.model]!, model: w.models[u.model]!.model, ...rateOrWeight(w, u.model),
        achieved: at[u.model]!, ...(lo !== undefined ? { achievedLow: at[u.model]! * lo, achievedHigh: at[u.model]! * hi! } : {}),
        unitCapacity: 1000 / u.ev.bottleneckMs,
        latencyMs: c.latencyMs, ...(c.latencyMsLow !== undefined ? { latencyMsLow: c.latencyMsLow, latencyMsHigh: c.latencyMsHigh } : {}),
        offChipBytes: c.offChipBytes, unit: ui, regime: c.uncertainty?.regime ?? '', ...(c.uncertainty?.band ? { band: c.uncertainty.band } : {}),
      };
    } else {
      const s = u as SharedUnit;
      const busy = tpuLoadMs(s, at) / 1000;
      // The unit's band: the widest of its models' single-TPU regimes.
      const parts = s.parts.map((p, i) => {
        const adv = advice[p.model]!;
        const regime: Regime = { stages: 'single', family: familyOf(adv.graph), residency: p.offChipBytes > 0 ? 'streaming' : 'on-chip' };
        return { p, i, regime, band: bandOfRegime(adv, regime) };
      });
      if (parts.every((x) => x.band)) {
        lo = 1 / Math.max(...parts.map((x) => x.band!.hi));
        hi = 1 / Math.min(...parts.map((x) => x.band!.lo));
      }
      for (const { p, i, regime, band } of parts) {
        const latency = sharedLatencyMs(s, i);
        models[p.model] = {
          name: names[p.model]!, model: w.models[p.model]!.model, ...rateOrWeight(w, p.model),
          achieved: at[p.model]!, ...(lo !== undefined ? { achievedLow: at[p.model]! * lo, achievedHigh: at[p.model]! * hi! } : {}),
          unitCapacity: rates[p.model]! * o.lambda,
          latencyMs: latency, ...(band ? { latencyMsLow: latency * band.lo, latencyMsHigh: latency * band.hi } : {}),
          offChipBytes: p.offChipBytes, unit: ui, regime: regimeKey(regime), ...(band ? { band } : {}),
        };
      }
      units.push({
        kind: s.kind, models: s.models.map((m) => names[m]!), positions, busy, ratio: o.lambda,
        parts: s.parts.map((p) => ({
          model: names[p.model]!, invokeMs: p.invokeMs, capacityMiB: p.capacityBytes / MiB,
          onChipMiB: p.onChipBytes / MiB, offChipMiB: p.offChipBytes / MiB, reloadMs: p.reloadMs,
        })),
        text: `${s.models.map((m) => names[m]).join(' + ')} ${s.kind} on ${o.tpus === 1 ? 'one TPU' : `each of ${o.tpus} TPUs`}`,
      });
    }
    if (lo === undefined) banded = false;
    else {
      lambdaLow = Math.min(lambdaLow, o.lambda * lo);
      lambdaHigh = Math.min(lambdaHigh, o.lambda * hi!);
    }
  }
  const cap = [1000, 1000, 1000 * host.hostCores];
  const hostBusy = a.host.map((l, r) => (l * lam) / cap[r]!);
  let limitedBy: string;
  if (a.hostLambda < a.unitLambda) limitedBy = HOST_RESOURCES[hostBusy.indexOf(Math.max(...hostBusy))]!;
  else {
    const k = options.findIndex((o) => o.lambda === a.unitLambda);
    limitedBy = `the TPUs of ${unitName(options[k]!.unit, names)}`;
  }
  const id = options.map((o) => `${unitName(o.unit, names)}:${o.unit.kind === 'alone' ? advice[o.unit.model]!.report.configurations[o.unit.config]!.id : `${o.unit.kind === 'co-compiled' ? 'co' : 'ts'}${o.tpus}`}`).join(' ');
  return {
    id, tpus: a.tpus, ratio: lam, ...(banded ? { ratioLow: lambdaLow, ratioHigh: lambdaHigh } : {}),
    limitedBy,
    host: { interpreterLock: hostBusy[0]!, sharedLink: hostBusy[1]!, hostCpu: hostBusy[2]! },
    units, models,
    ...(w.mode === 'rates' ? { meetsTargets: lam >= 1 } : {}),
    onFront,
  };
}

const rateOrWeight = (w: Workload, m: number): { rate: number } | { weight: number } =>
  w.models[m]!.rate !== undefined ? { rate: w.models[m]!.rate! } : { weight: w.models[m]!.weight! };

/** Advice on each model of the workload, on K TPUs of one profile. */
export function prepare(req: WorkloadRequest): E.Either<TpusegError, { advice: Advice[]; host: HostFacts }> {
  const K = req.tpus;
  if (!Number.isInteger(K) || K < 1 || K > MAX_ADVISE_TPUS) return E.left(usage(`advise: --tpus expects an integer from 1 to ${MAX_ADVISE_TPUS}, got ${K}`));
  if (req.workload.models.length > MAX_WORKLOAD_MODELS) return E.left(usage(`advise: at most ${MAX_WORKLOAD_MODELS} models in a workload, got ${req.workload.models.length}`));
  if (req.objective === 'tpus' && req.workload.mode === 'weights') return E.left(usage('advise: --objective tpus needs a target rate for every model (weights have no targets to meet)'));
  const advice: Advice[] = [];
  for (const m of req.workload.models) {
    const graph = loadModelToPlan(m.model);
    if (E.isLeft(graph)) return graph;
    const board = boardOf({ tpus: K, ...(req.profile ? { profile: req.profile } : {}), ...(req.runner ? { runner: req.runner } : {}) }, graph.right);
    if (E.isLeft(board)) return board;
    const a = adviseOn(graph.right, m.model, board.right, { objective: 'throughput', batch: req.batch ?? 15, tolerance: req.tolerance ?? DEFAULT_TOLERANCE, knee: DEFAULT_KNEE });
    if (E.isLeft(a)) return a;
    advice.push(a.right);
  }
  const first = advice[0]!;
  return E.right({ advice, host: hostFacts(first.host, first.report.runner) });
}

export function adviseWorkload(req: WorkloadRequest): E.Either<TpusegError, WorkloadAdvice> {
  const prepared = prepare(req);
  if (E.isLeft(prepared)) return prepared;
  return E.right(adviseWorkloadOn(req, prepared.right.advice, prepared.right.host));
}

export function adviseWorkloadOn(req: WorkloadRequest, advice: readonly Advice[], host: HostFacts): WorkloadAdvice {
  const w = req.workload;
  const K = req.tpus;
  const tolerance = req.tolerance ?? DEFAULT_TOLERANCE;
  const rates = w.models.map((m) => m.rate ?? m.weight!);
  const models: WorkloadModelData[] = advice.map((a) => ({ member: { graph: a.graph, cost: a.cost }, configurations: a.evaluations }));
  const found = searchWorkload({ models, rates, tpus: K, host });
  const best = found.bestUpTo;
  // Distinct best assignments by TPUs; the front: those that raise the ratio over every smaller board.
  const distinct: Assignment[] = [];
  for (const a of best) if (a && !distinct.includes(a)) distinct.push(a);
  let top = 0;
  const front = new Set<Assignment>();
  for (const a of distinct) {
    if (a.lambda > top) front.add(a);
    top = Math.max(top, a.lambda);
  }
  const reports = distinct.map((a) => assignmentReport(a, w, advice, rates, host, front.has(a)));
  const at = (a: Assignment): AssignmentReport => reports[distinct.indexOf(a)]!;
  const onK = best[K - 1]!;
  const objective = req.objective ?? (w.mode === 'rates' ? 'tpus' : 'ratio');
  let rec: Assignment;
  if (objective === 'tpus') rec = distinct.find((a) => a.lambda >= 1) ?? onK;
  else rec = distinct.filter((a) => a.lambda * (1 + tolerance) >= onK.lambda).sort((x, y) => x.tpus - y.tpus || compareAssignments(x, y))[0]!;
  const recReport = at(rec);
  const met = w.mode === 'rates' && rec.lambda >= 1;
  const shortfall = w.mode === 'rates' && !met
    ? recReport.models.map((m) => ({ model: m.name, target: m.rate!, achieved: m.achieved, missing: m.rate! - m.achieved }))
    : undefined;
  const report: WorkloadReport = {
    tool: 'tpuseg advise --workload',
    models: w.models.map((m) => ({ name: m.name, model: m.model, ...(m.rate !== undefined ? { rate: m.rate } : { weight: m.weight! }) })),
    mode: w.mode,
    objective,
    objectiveText: objective === 'tpus' ? 'meet every target rate on the fewest TPUs' : `maximize the lowest achieved / ${w.mode === 'rates' ? 'target' : 'weight'} ratio`,
    tpus: K,
    profile: advice[0]!.host.name,
    runner: host.runner,
    batch: req.batch ?? 15,
    tolerance,
    assignments: reports,
    front: reports.filter((r) => r.onFront).map((r) => r.id),
    recommended: recReport.id,
    met,
    ...(shortfall ? { shortfall } : {}),
    reasoning: reasoningOf(w, objective, rec, recReport, distinct, reports, onK, K, tolerance),
    search: { ...found.stats, exact: true },
    sharing: SHARING_FACTS,
    madeFor: advice.map((a) => madeFor(a.graph)),
  };
  return { report, advice, best, host };
}

function reasoningOf(w: Workload, objective: WorkloadObjective, rec: Assignment, r: AssignmentReport, all: readonly Assignment[], reports: readonly AssignmentReport[], onK: Assignment, K: number,
  tolerance: number): string {
  const how = r.units.map((u) => u.text).join('; ');
  const band = r.ratioLow !== undefined ? ` (80% band ${r.ratioLow.toFixed(2)}-${r.ratioHigh!.toFixed(2)})` : '';
  if (objective === 'tpus') {
    if (rec.lambda >= 1) {
      const fewer = all.filter((a) => a.tpus < rec.tpus);
      const below = fewer.length > 0 ? fewer[fewer.length - 1]! : undefined;
      const belowText = below
        ? `; on ${below.tpus} TPU${below.tpus === 1 ? '' : 's'} the best assignment serves only ${pct(below.lambda)} of the targets (set by ${reports[all.indexOf(below)]!.limitedBy})`
        : '';
      const margin = r.ratioLow !== undefined && r.ratioLow < 1 ? `; at the low end of the band the targets would not all be met` : '';
      return `meets every target on ${rec.tpus} of ${K} TPUs with ${pct(rec.lambda - 1)} to spare${band}: ${how}; the margin is set by ${r.limitedBy}${belowText}${margin}`;
    }
    const worst = r.models.map((m) => ({ m, short: m.rate! - m.achieved })).sort((a, b) => b.short - a.short)[0]!;
    return `the targets cannot be met on ${K} TPUs: the best assignment serves ${pct(rec.lambda)} of every target${band} (${worst.m.name} ${rateText(worst.m.achieved)} of ${rateText(worst.m.rate!)} inputs/s, `
      + `${rateText(worst.short)} short), set by ${r.limitedBy}: ${how}`;
  }
  const best = onK.lambda;
  const unit = w.mode === 'rates' ? 'target' : 'weight';
  const within = rec === onK ? '' : `, within ${pct(tolerance)} of the best on ${K} TPUs (${best.toFixed(2)} x ${unit})`;
  const met = w.mode === 'rates' ? (rec.lambda >= 1 ? '; every target met' : `; the targets are not all met (${pct(rec.lambda)} of each)`) : '';
  return `every model ${w.mode === 'rates' ? 'is served' : 'gets'} ${rec.lambda.toFixed(2)} x its ${unit}${w.mode === 'rates' ? '' : ' in inputs/s'}${band} on ${rec.tpus} of ${K} TPUs${within}${met}: ${how}; set by ${r.limitedBy}`;
}

/** The assignment of a report by id (the plan an export reads). */
export const assignmentById = (r: WorkloadReport, id: string): AssignmentReport | undefined => r.assignments.find((a) => a.id === id);

