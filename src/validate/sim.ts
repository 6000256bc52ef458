import * as E from 'fp-ts/Either';
import { costModel, loadProfile, type CostProfile } from '../../cost-models';
import type { TpusegError } from '../errors';
import { batchMsPerInput } from '../pipeline/evaluate';
import { simulatePipeline } from '../pipeline/simulate';
import { deriveSeed, rng } from '../rng';
import { loadWholeModel, type ExportDir } from './load';
import { relError, reportBase, segmentRows, type ValidationReport } from './report';

/**
 * The `sim` backend: the cost model's stage times run through the discrete-event simulation of
 * the pipeline (one-slot queues, as pycoral's runner), compared with the closed form the plan was
 * predicted with. With jitter J > 0 each stage time varies per input as ms x max(0, 1 + J x N(0,1))
 * (seeded), which shows what blocking on full queues costs when stages are not perfectly steady.
 */

export interface SimOptions {
  /** Profile to price with; the export's own profile when absent. */
  readonly profile?: CostProfile;
  readonly jitter: number;
  readonly seed: string | number;
  readonly batch?: number;
}

export function simReport(x: ExportDir, o: SimOptions): E.Either<TpusegError, ValidationReport> {
  const m = x.manifest;
  const whole = loadWholeModel(x);
  if (E.isLeft(whole)) return whole;
  const profile = o.profile ? E.right(o.profile) : loadProfile(m.profile);
  if (E.isLeft(profile)) return profile;
  const model = costModel(whole.right.graph, profile.right);
  const stages = m.segments.map((s) => model.segment(s.firstOp, s.lastOp + 1));
  const ms = stages.map((s) => s.ms);
  const N = ms.length;
  const B = o.batch ?? m.predicted.batch;

  const times: number[][] = ms.map((t, s) => {
    const g = rng(deriveSeed(o.seed, 'sim-jitter', s));
    return Array.from({ length: B }, () => (o.jitter > 0 ? t * Math.max(0, 1 + o.jitter * g.normal()) : t));
  });
  const sim = simulatePipeline((s, i) => times[s]![i]!, N, B, 1);
  const closed = batchMsPerInput(ms, B);
  const meanStage = times.map((ts) => ts.reduce((a, b) => a + b, 0) / B);

  const notes: string[] = [];
  const repriced = ms.some((t, i) => Math.abs(t - m.predicted.segments[i]!.ms) > 1e-9 * Math.max(1, t));
  if (repriced) notes.push(`stage times repriced with profile ${profile.right.name}: they differ from plan.json's predictions (profile ${m.profile} at export time)`);
  const mostBlocked = sim.blockedMs.reduce((best, b, i) => (b > sim.blockedMs[best]! ? i : best), 0);
  const gap = relError(closed, sim.msPerInput) ?? 0;
  const differsMost = sim.blockedMs[mostBlocked]! > 0
    ? `stage ${mostBlocked} spends ${sim.blockedMs[mostBlocked]!.toFixed(2)} ms of the batch blocked on a full queue; simulated ${sim.msPerInput.toFixed(3)} vs closed form ${closed.toFixed(3)} ms per input (${(100 * gap).toFixed(1)}%)`
    : o.jitter > 0
      ? `no stage ever waits on a full queue; the ${(100 * gap).toFixed(1)}% gap to the closed form (${sim.msPerInput.toFixed(3)} vs ${closed.toFixed(3)} ms per input) comes from the jittered stage times alone`
      : `nothing: no stage ever waits on a full queue and the simulation gives the closed form (${sim.msPerInput.toFixed(3)} vs ${closed.toFixed(3)} ms per input)`;

  return E.right({
    ...reportBase(m, 'sim'),
    profile: profile.right.name,
    verdict: 'pass',
    summary: `simulated ${sim.msPerInput.toFixed(3)} ms per input for a batch of ${B} on ${N} stage(s)${o.jitter > 0 ? ` with ${(100 * o.jitter).toFixed(0)}% jitter` : ''}, closed form ${closed.toFixed(3)}`,
    comparable: true,
    measuredLabel: 'simulated ms (mean per input)',
    segments: segmentRows(m, (i) => ({
      predictedMs: ms[i]!,
      measuredMs: meanStage[i],
      ...(sim.blockedMs[i]! > 0 ? { note: `blocked ${sim.blockedMs[i]!.toFixed(2)} ms` } : {}),
    })),
    pipeline: { batch: B, predictedMsPerInput: closed, measuredMsPerInput: sim.msPerInput },
    differsMost,
    notes,
    details: { stageMs: ms, jitter: o.jitter, seed: String(o.seed), makespanMs: sim.makespanMs, completionMs: sim.completionMs, blockedMs: sim.blockedMs, closedFormMsPerInput: closed },
  });
}
