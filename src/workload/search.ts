import type { LayoutEvaluation } from '../pipeline/layout';
import {
  coCompile, CapacityModels, demandsOf, hostCapacity, hostLoadOf, reloadBytesPerS, sharedLatencyMs, timeShare, tpuLoadMs,
  type Demands, type HostFacts, type HostLoad, type Member, type SharedUnit,
} from './share';

/**
 * The exact search of `tpuseg advise --workload`: which models run alone (each in one of the
 * configurations `advise` priced for it) and which share TPUs (co-compiled in some order, or
 * time-shared), on how many TPUs each, to make the lowest ratio of achieved to target rate (or
 * to weight) as large as possible on each number of TPUs m = 1..K.
 *
 * Every model is scaled alike: with rates r, an assignment serves lambda x r, where lambda is the
 * smallest of each unit's own (a model alone: its configuration's steady state; a shared unit: the
 * busy time of its TPUs, share.ts) and the host's (every runner's demands on the interpreter lock,
 * a shared link and the cores, added up). Both are linear in the rates, so lambda is exact.
 *
 * Exhaustive over groupings: every partition of the models into units (a model alone, or two or
 * more sharing TPUs), every option of each unit (a model's configurations on up to K TPUs; a
 * group's co-compiled orders and time-sharing on c = 1..K TPUs). Options of one unit that another
 * of the same TPUs matches or beats in every respect (its lambda, its host load, the sum of its
 * models' latencies, its bytes streamed, its stages) are dropped, and so are partial assignments
 * beaten the same way on as many TPUs or fewer: the final figure only grows with lambda and shrinks
 * with host load, so neither loses the optimum (test/workload/search.test.ts checks it against
 * enumerating everything). A DP over the units of each partition and the TPUs they use.
 */

export interface AloneOption {
  readonly kind: 'alone';
  readonly model: number;
  /** Index of the configuration among the model's advised ones. */
  readonly config: number;
  readonly ev: LayoutEvaluation;
  readonly demands: Demands;
}

export type Unit = AloneOption | SharedUnit;

/** What a unit, or units together, take and give at the workload's rates. */
export interface Totals {
  readonly tpus: number;
  /** The largest factor of every rate served. */
  readonly lambda: number;
  readonly host: HostLoad;
  readonly latency: number;
  /** Parameter bytes per second streamed or reloaded, at the rates. */
  readonly streamed: number;
  readonly stages: number;
}

/** A unit priced at the workload's rates (lambda = 1). */
export interface Option extends Totals {
  readonly unit: Unit;
  readonly models: readonly number[];
}

/** Units chosen so far, with their totals. */
interface State extends Totals {
  readonly options: readonly Option[];
}

/** A whole assignment: units covering every model once. */
export interface Assignment extends State {
  /** min over the units' lambda and the host's. */
  readonly lambda: number;
  readonly unitLambda: number;
  readonly hostLambda: number;
}

export interface WorkloadModelData {
  readonly member: Member;
  /** The configurations `advise` priced for the model on K TPUs. */
  readonly configurations: readonly LayoutEvaluation[];
}

export interface SearchInput {
  readonly models: readonly WorkloadModelData[];
  /** Target rates or weights, per model. */
  readonly rates: readonly number[];
  readonly tpus: number;
  readonly host: HostFacts;
}

export interface SearchStats {
  readonly partitions: number;
  readonly options: number;
  readonly states: number;
}

export interface SearchOutput {
  /** For m = 1..K, the best assignment on at most m TPUs (undefined: none fits). */
  readonly bestUpTo: readonly (Assignment | undefined)[];
  readonly stats: SearchStats;
}

export function aloneOption(d: WorkloadModelData, model: number, config: number, rate: number, host: HostFacts): Option {
  const ev = d.configurations[config]!;
  const demands = demandsOf(d.member.cost, ev);
  return {
    unit: { kind: 'alone', model, config, ev, demands },
    models: [model], tpus: ev.tpuCount,
    lambda: 1000 / (ev.bottleneckMs * rate),
    host: hostLoadOf([{ demands, rate }], 0, host),
    latency: ev.latencyMs,
    streamed: rate * ev.offChipBytes,
    stages: ev.copies.length,
  };
}

export function sharedOption(u: SharedUnit, rates: readonly number[], host: HostFacts): Option {
  const load = tpuLoadMs(u, rates);
  const reload = reloadBytesPerS(u, rates);
  return {
    unit: u, models: [...u.models].sort((a, b) => a - b), tpus: u.tpus,
    lambda: load > 0 ? 1000 / load : Infinity,
    host: hostLoadOf(u.parts.map((p) => ({ demands: p.demands, rate: rates[p.model]! })), reload, host),
    latency: u.parts.reduce((s, _, i) => s + sharedLatencyMs(u, i), 0),
    streamed: u.parts.reduce((s, p) => s + rates[p.model]! * p.offChipBytes, 0) + reload,
    stages: u.parts.length,
  };
}

function permutations(xs: readonly number[]): number[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** Every option of a unit of these models (sorted workload indices) on up to K TPUs. */
export function unitOptions(s: SearchInput, block: readonly number[], capacity: CapacityModels): Option[] {
  const K = s.tpus;
  if (block.length === 1) {
    const m = block[0]!;
    const d = s.models[m]!;
    return d.configurations.flatMap((ev, i) => (ev.tpuCount <= K ? [aloneOption(d, m, i, s.rates[m]!, s.host)] : []));
  }
  const members = s.models.map((d) => d.member);
  const out: Option[] = [];
  const orders = permutations(block);
  for (let c = 1; c <= K; c++) {
    for (const order of orders) out.push(sharedOption(coCompile(members, order, c, s.host, capacity), s.rates, s.host));
    out.push(sharedOption(timeShare(members, block, c, s.host, capacity), s.rates, s.host));
  }
  return out;
}

/** y matches or beats x in every respect. */
const covers = (y: { lambda: number; host: HostLoad; latency: number; streamed: number; stages: number }, x: typeof y): boolean =>
  y.lambda >= x.lambda && y.host[0] <= x.host[0] && y.host[1] <= x.host[1] && y.host[2] <= x.host[2]
  && y.latency <= x.latency && y.streamed <= x.streamed && y.stages <= x.stages;

/** Drops what an earlier or better entry of as many TPUs or fewer covers (keeps the first of equals). */
function prune<T extends { tpus: number; lambda: number; host: HostLoad; latency: number; streamed: number; stages: number }>(xs: readonly T[]): T[] {
  const sorted = [...xs].sort((a, b) => a.tpus - b.tpus || b.lambda - a.lambda);
  const kept: T[] = [];
  for (const x of sorted) if (!kept.some((y) => y.tpus <= x.tpus && covers(y, x))) kept.push(x);
  return kept;
}

/** Every partition of `items` into non-empty blocks, each block in increasing order. */
export function partitions(items: readonly number[]): number[][][] {
  if (items.length === 0) return [[]];
  const [first, ...rest] = items as [number, ...number[]];
  const out: number[][][] = [];
  for (const p of partitions(rest)) {
    out.push([[first], ...p]);
    p.forEach((_, i) => out.push(p.map((b, j) => (j === i ? [first, ...b] : b))));
  }
  return out;
}

export function assignmentOf(options: readonly Option[], host: HostFacts): Assignment {
  const load: [number, number, number] = [0, 0, 0];
  let unitLambda = Infinity;
  let tpus = 0;
  let latency = 0;
  let streamed = 0;
  let stages = 0;
  for (const o of options) {
    for (let r = 0; r < 3; r++) load[r] += o.host[r]!;
    unitLambda = Math.min(unitLambda, o.lambda);
    tpus += o.tpus;
    latency += o.latency;
    streamed += o.streamed;
    stages += o.stages;
  }
  const cap = hostCapacity(host);
  const hostLambda = Math.min(...load.map((l, r) => (l > 0 ? cap[r]! / l : Infinity)));
  return { options, tpus, lambda: Math.min(unitLambda, hostLambda), unitLambda, hostLambda, host: load, latency, streamed, stages };
}

/** Negative when x is the better assignment: larger lambda, then fewer TPUs, lower latency sum, fewer bytes streamed, fewer stages. */
export const compareAssignments = (x: Assignment, y: Assignment): number =>
  y.lambda - x.lambda || x.tpus - y.tpus || x.latency - y.latency || x.streamed - y.streamed || x.stages - y.stages;

const EMPTY: State = { options: [], tpus: 0, lambda: Infinity, host: [0, 0, 0], latency: 0, streamed: 0, stages: 0 };

const extend = (s: State, o: Option): State => ({
  options: [...s.options, o], tpus: s.tpus + o.tpus, lambda: Math.min(s.lambda, o.lambda),
  host: [s.host[0] + o.host[0], s.host[1] + o.host[1], s.host[2] + o.host[2]],
  latency: s.latency + o.latency, streamed: s.streamed + o.streamed, stages: s.stages + o.stages,
});

export function searchWorkload(s: SearchInput): SearchOutput {
  const K = s.tpus;
  const capacity = new CapacityModels(s.host);
  const byBlock = new Map<string, Option[]>();
  let optionCount = 0;
  const optionsOf = (block: readonly number[]): Option[] => {
    const key = block.join(',');
    let os = byBlock.get(key);
    if (!os) {
      const all = unitOptions(s, block, capacity);
      optionCount += all.length;
      byBlock.set(key, (os = prune(all)));
    }
    return os;
  };
  const bestUpTo: (Assignment | undefined)[] = Array.from({ length: K }, () => undefined);
  const all = partitions(s.models.map((_, i) => i));
  let states = 0;
  for (const p of all) {
    if (p.length > K) continue;
    let frontier: State[] = [EMPTY];
    for (const [i, block] of p.entries()) {
      // Every later unit needs a TPU at least.
      const room = K - (p.length - 1 - i);
      const next: State[] = [];
      for (const st of frontier) for (const o of optionsOf(block)) if (st.tpus + o.tpus <= room) next.push(extend(st, o));
      frontier = prune(next);
      states += frontier.length;
      if (frontier.length === 0) break;
    }
    for (const st of frontier) {
      const a = assignmentOf(st.options, s.host);
      for (let m = a.tpus; m <= K; m++) {
        const cur = bestUpTo[m - 1];
        if (!cur || compareAssignments(a, cur) < 0) bestUpTo[m - 1] = a;
      }
    }
  }
  return { bestUpTo, stats: { partitions: all.length, options: optionCount, states } };
}
