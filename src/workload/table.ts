import * as E from 'fp-ts/Either';
import { list, nonEmptyString, positiveInt, positiveNumber, record, slug } from '../../experiments/codecs';
import * as t from 'io-ts';
import { configInvalid, type TpusegError } from '../errors';
import { MAX_ADVISE_TPUS } from '../limits';
import { readJsonAs } from '../plan/plan-file';
import { adviseWorkloadOn, prepare } from './advise';
import { aloneOption, assignmentOf, sharedOption, type Assignment } from './search';
import { CapacityModels, coCompile } from './share';
import { MAX_WORKLOAD_MODELS, shortName, type Workload } from './spec';

/**
 * Table 5 of `tpuseg reproduce` (experiments/workload/table.json): workloads of two and three of
 * the paper's models at stated rates on boards of K TPUs, the assignment `tpuseg advise
 * --workload` recommends against the two obvious ones: each model alone on K / m of the TPUs (m
 * models, the rest idle), in its best configuration on them; and every model co-compiled (in the
 * workload's order) on every TPU, replicated. Each with the TPUs it uses and its lowest achieved /
 * target ratio (>= 1: every target met), under the same cost model and host.
 */

export const WorkloadTableConfig = record('a workload table {name, workloads, tpus, ...}', {
  name: slug,
  workloads: list(record('a workload {name, models: [{model, rate}]}', {
    name: nonEmptyString,
    models: list(record('a model {model, rate}', { model: nonEmptyString, rate: positiveNumber }, {}), true),
  }, {}), true),
  tpus: list(positiveInt, true),
}, {
  description: t.string,
  profile: nonEmptyString,
  batch: positiveInt,
});
export type WorkloadTableConfig = t.TypeOf<typeof WorkloadTableConfig>;

export function loadWorkloadTable(file: string): E.Either<TpusegError, WorkloadTableConfig> {
  const c = readJsonAs(file, WorkloadTableConfig);
  if (E.isLeft(c)) return c;
  const big = c.right.tpus.findIndex((k) => k > MAX_ADVISE_TPUS);
  if (big >= 0) return E.left(configInvalid(file, [`tpus[${big}]: at most ${MAX_ADVISE_TPUS}, got ${c.right.tpus[big]}`]));
  const many = c.right.workloads.findIndex((w) => w.models.length > MAX_WORKLOAD_MODELS);
  if (many >= 0) return E.left(configInvalid(file, [`workloads[${many}].models: at most ${MAX_WORKLOAD_MODELS} models`]));
  return c;
}

export interface Contender {
  readonly id: string;
  /** TPUs it uses. */
  readonly tpus: number;
  /** Lowest achieved / target ratio. */
  readonly ratio: number;
  readonly ratioLow?: number;
  readonly ratioHigh?: number;
}

export interface WorkloadTableRow {
  readonly workload: string;
  /** "a 60/s + b 30/s" */
  readonly models: string;
  readonly tpus: number;
  readonly advised: Contender;
  readonly met: boolean;
  readonly reasoning: string;
  /** The best assignment on all K TPUs (what the advice gives up for fewer TPUs, when it does). */
  readonly bestOnK: Contender;
  /** Each model alone on floor(K / m) TPUs; absent when there are more models than TPUs. */
  readonly alone?: Contender;
  readonly coCompiled: Contender;
}

export interface WorkloadTable {
  readonly config: WorkloadTableConfig;
  readonly profile: string;
  readonly rows: readonly WorkloadTableRow[];
}

const contender = (id: string, a: Assignment): Contender => ({ id, tpus: a.tpus, ratio: a.lambda });

export function workloadTable(config: WorkloadTableConfig, interrupted: () => boolean = () => false): E.Either<TpusegError, WorkloadTable> {
  const rows: WorkloadTableRow[] = [];
  let profile = '';
  for (const wl of config.workloads) {
    const workload: Workload = { mode: 'rates', models: wl.models.map((m) => ({ model: m.model, name: shortName(m.model), rate: m.rate })) };
    const rates = workload.models.map((m) => m.rate!);
    const m = rates.length;
    for (const K of config.tpus) {
      if (interrupted()) return E.right({ config, profile, rows });
      const req = { workload, tpus: K, ...(config.profile ? { profile: config.profile } : {}), batch: config.batch ?? 15 };
      const p = prepare(req);
      if (E.isLeft(p)) return p;
      const { advice, host } = p.right;
      profile = host.profile.name;
      const w = adviseWorkloadOn(req, advice, host);
      const r = w.report;
      const rec = r.assignments.find((a) => a.id === r.recommended)!;
      // The assignments are the best on up to m TPUs, m ascending: the last is the best on K.
      const onK = r.assignments[r.assignments.length - 1]!;
      const data = advice.map((a) => ({ member: { graph: a.graph, cost: a.cost }, configurations: a.evaluations }));
      // Each model alone on floor(K / m) TPUs, in its best configuration on up to that many.
      const share = Math.floor(K / m);
      let alone: Contender | undefined;
      if (share >= 1) {
        const options = advice.map((a, i) => {
          const id = a.report.bestByTpus[share - 1]!.id;
          return { option: aloneOption(data[i]!, i, a.report.configurations.findIndex((c) => c.id === id), rates[i]!, host), id };
        });
        alone = contender(options.map((o, i) => `${workload.models[i]!.name}:${o.id}`).join(' '), assignmentOf(options.map((o) => o.option), host));
      }
      // Every model co-compiled, in the workload's order, on every TPU.
      const co = sharedOption(coCompile(data.map((d) => d.member), rates.map((_, i) => i), K, host, new CapacityModels(host)), rates, host);
      rows.push({
        workload: wl.name,
        models: workload.models.map((x) => `${x.name} ${x.rate}/s`).join(' + '),
        tpus: K,
        advised: { id: rec.id, tpus: rec.tpus, ratio: rec.ratio, ...(rec.ratioLow !== undefined ? { ratioLow: rec.ratioLow, ratioHigh: rec.ratioHigh! } : {}) },
        met: r.met,
        reasoning: r.reasoning,
        bestOnK: { id: onK.id, tpus: onK.tpus, ratio: onK.ratio },
        ...(alone ? { alone } : {}),
        coCompiled: contender(`${workload.models.map((x) => x.name).join('+')}:co${K}`, assignmentOf([co], host)),
      });
    }
  }
  return E.right({ config, profile, rows });
}
