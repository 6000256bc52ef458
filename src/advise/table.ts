import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { list, nonEmptyString, oneOf, positiveInt, record, slug } from '../../experiments/codecs';
import type { ObjectiveKind } from '../../strategies/types';
import { configInvalid, type TpusegError } from '../errors';
import { MAX_ADVISE_TPUS } from '../limits';
import { loadModelToPlan } from '../model/load';
import { readJsonAs } from '../plan/plan-file';
import { DEFAULT_TOLERANCE } from '../search/tolerance';
import { adviseOn, boardOf, DEFAULT_KNEE, type Advice } from './advise';
import { positionKinds } from './assigned';
import { bestOfKind, choose, rank } from './choose';
import type { LayoutEvaluation, LayoutKind } from '../pipeline/layout';

/**
 * The advise table of `tpuseg reproduce` (experiments/advise/table.json): for each model and each
 * board of m = 1..K TPUs, the best pure pipeline, the best replication and the best hybrid on up to
 * m TPUs, and what `tpuseg advise --tpus m` recommends, with the predicted throughput of each.
 * On TPUs all alike, the configurations on m TPUs are those on K restricted to m (the same
 * searches: test/advise/advise.test.ts), so one search per model serves every m; on a board whose
 * TPUs differ advise runs for each m.
 */

export const AdviseTableConfig = record('an advise table {name, models, tpus, ...}', {
  name: slug,
  models: list(nonEmptyString, true),
  tpus: positiveInt,
}, {
  description: t.string,
  profile: nonEmptyString,
  devices: list(nonEmptyString, true),
  objective: oneOf(['throughput', 'latency', 'batch'] as const),
  batch: positiveInt,
});
export type AdviseTableConfig = t.TypeOf<typeof AdviseTableConfig>;

export function loadAdviseTable(file: string): E.Either<TpusegError, AdviseTableConfig> {
  const c = readJsonAs(file, AdviseTableConfig);
  if (E.isLeft(c)) return c;
  if (c.right.tpus > MAX_ADVISE_TPUS) return E.left(configInvalid(file, [`tpus: at most ${MAX_ADVISE_TPUS}, got ${c.right.tpus}`]));
  if (c.right.devices && c.right.devices.length !== c.right.tpus) return E.left(configInvalid(file, [`devices: ${c.right.devices.length} profiles for ${c.right.tpus} TPUs`]));
  return c;
}

export interface Pick {
  readonly id: string;
  readonly kind: LayoutKind;
  readonly tpus: number;
  readonly stages: number;
  readonly throughput: number;
}

export interface AdviseTableRow {
  readonly model: string;
  /** m: the board's TPUs. */
  readonly tpus: number;
  readonly pipeline?: Pick;
  readonly replicas?: Pick;
  readonly hybrid?: Pick;
  readonly advised: Pick;
  readonly reasoning: string;
}

export interface AdviseTable {
  readonly config: AdviseTableConfig;
  readonly profile: string;
  readonly rows: readonly AdviseTableRow[];
}

const pickOf = (ev: LayoutEvaluation, id: string): Pick => ({ id, kind: ev.kind, tpus: ev.tpuCount, stages: ev.copies.length, throughput: 1000 / ev.bottleneckMs });

/** The rows of one model for boards of 1..K TPUs, from advice on K TPUs all alike, or on each board. */
function rowsOf(model: string, advice: (m: number) => E.Either<TpusegError, Advice>, K: number, objective: ObjectiveKind, alike: boolean): E.Either<TpusegError, AdviseTableRow[]> {
  const rows: AdviseTableRow[] = [];
  const order = rank(objective);
  const full = alike ? advice(K) : undefined;
  if (full && E.isLeft(full)) return full;
  for (let m = 1; m <= K; m++) {
    const a = full ?? advice(m);
    if (E.isLeft(a)) return a;
    const adv = a.right;
    // Advice made for this very board: its own recommendation and reasoning.
    const own = adv.report.tpus === m;
    const ids = adv.report.configurations.map((c) => c.id);
    const evs = adv.evaluations.map((ev, i) => ({ ev, id: ids[i]! })).filter((x) => x.ev.tpuCount <= m);
    const cands = evs.map((e) => e.ev);
    const best = (kind: LayoutKind): Pick | undefined => {
      const i = bestOfKind(cands, order, kind, m);
      return i === undefined ? undefined : pickOf(evs[i]!.ev, evs[i]!.id);
    };
    const pipeline = best('pipeline');
    const replicas = best('replicas');
    const hybrid = best('hybrid');
    const rec = own ? evs.find((e) => e.id === adv.report.recommended)!
      : evs[choose(cands, m, objective, adv.report.tolerance, adv.report.knee.fraction).recommended]!;
    rows.push({
      model, tpus: m,
      ...(pipeline ? { pipeline } : {}),
      ...(replicas ? { replicas } : {}),
      ...(hybrid ? { hybrid } : {}),
      advised: pickOf(rec.ev, rec.id),
      reasoning: own ? adv.report.reasoning : '',
    });
  }
  return E.right(rows);
}

export function adviseTable(config: AdviseTableConfig, interrupted: () => boolean = () => false): E.Either<TpusegError, AdviseTable> {
  const objective = config.objective ?? 'throughput';
  const batch = config.batch ?? 15;
  const rows: AdviseTableRow[] = [];
  let profile = '';
  for (const model of config.models) {
    if (interrupted()) break;
    const graph = loadModelToPlan(model);
    if (E.isLeft(graph)) return graph;
    const boardFor = (m: number, devices: readonly string[] | undefined) =>
      boardOf({ tpus: m, ...(config.profile ? { profile: config.profile } : {}), ...(devices ? { devices: devices.join(',') } : {}) }, graph.right);
    const board = boardFor(config.tpus, config.devices);
    if (E.isLeft(board)) return board;
    profile = board.right.devices ? `${board.right.host.name} host; devices ${board.right.devices.map((d) => d.name).join(', ')}` : board.right.host.name;
    const opts = { objective, batch, tolerance: DEFAULT_TOLERANCE, knee: DEFAULT_KNEE };
    const kinds = new Set(positionKinds(board.right.cost, config.tpus));
    const advice = (m: number): E.Either<TpusegError, Advice> => {
      const b = m === config.tpus ? E.right(board.right) : boardFor(m, config.devices?.slice(0, m));
      return E.isLeft(b) ? b : adviseOn(graph.right, model, b.right, opts);
    };
    const r = rowsOf(model, advice, config.tpus, objective, kinds.size === 1);
    if (E.isLeft(r)) return r;
    rows.push(...r.right);
  }
  return E.right({ config, profile, rows });
}

