import type { RatioBand } from '../../cost-models/bands';
import type { ObjectiveKind } from '../../strategies/types';
import type { LayoutEvaluation } from '../pipeline/layout';
import { bestOfKind, figureOf, rank } from './choose';

/**
 * The one line of reasoning behind a recommendation, built from the configurations' figures:
 * whether the model fits on one TPU, from what depth a pipeline stops streaming, and how the
 * recommended configuration compares with the best of the other shapes on as many TPUs.
 */

const MiB = 1024 * 1024;
/** Bytes in MiB (KiB below 0.1 MiB). */
const size = (b: number): string => (b < 0.1 * MiB ? `${(b / 1024).toFixed(0)} KiB` : `${(b / MiB).toFixed(b >= 10 * MiB ? 0 : 1)} MiB`);
const times = (x: number): string => `${x.toFixed(x >= 10 ? 0 : x >= 1.995 ? 1 : 2)}x`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
/** "a" or "an" before a number read aloud (an 8-stage, an 11-stage, an 18-stage). */
const a = (n: number): string => (/^8|^1[18]$/.test(String(n)) ? 'an' : 'a');

/** The figure in words. */
export function figureText(ev: LayoutEvaluation, objective: ObjectiveKind): string {
  if (objective === 'latency') return `${ev.latencyMs.toFixed(2)} ms latency`;
  if (objective === 'batch') return `${ev.msPerInput.toFixed(2)} ms per input in batches of ${ev.batch}`;
  const rate = 1000 / ev.bottleneckMs;
  return `${rate.toFixed(rate >= 100 ? 0 : 1)} inputs/s`;
}

/** A configuration in words: "a 4-stage pipeline", "8 replicas of the whole model", ... */
export function describe(ev: LayoutEvaluation): string {
  const k = ev.copies.length;
  if (ev.kind === 'pipeline') return k === 1 ? 'one TPU' : `${a(k)} ${k}-stage pipeline`;
  if (ev.kind === 'replicas') return k === 1 ? `${ev.copies[0]} replicas of the whole model` : `${ev.copies[0]} replicas of ${a(k)} ${k}-stage pipeline`;
  return `${a(k)} ${k}-stage pipeline on ${ev.tpuCount} TPUs, its stages on ${ev.copies.join(', ')} TPUs`;
}

export interface ReasoningInput {
  readonly candidates: readonly LayoutEvaluation[];
  readonly recommended: LayoutEvaluation;
  readonly tpus: number;
  readonly objective: ObjectiveKind;
  readonly tolerance: number;
  /** The whole model on one TPU, and streamingStopsAt(candidates). */
  readonly oneTpu: LayoutEvaluation;
  readonly streamingStopsAt: number | undefined;
  /** The host profile's speedup band: each ratio quoted carries it (cost-models/bands.ts). */
  readonly band?: RatioBand;
}

/** The fewest stages whose best pipeline streams nothing (undefined: none on the board). */
export function streamingStopsAt(cands: readonly LayoutEvaluation[]): number | undefined {
  const ks = cands.filter((c) => c.kind === 'pipeline' && !c.streams).map((c) => c.copies.length);
  return ks.length > 0 ? Math.min(...ks) : undefined;
}

export function reasoning(r: ReasoningInput): string {
  const { candidates: cands, recommended: rec, objective } = r;
  const m = rec.tpuCount;
  const fig = figureOf(objective);
  const order = rank(objective);
  const best = (kind: LayoutEvaluation['kind'], m: number, k?: number): LayoutEvaluation | undefined => {
    const i = bestOfKind(cands, order, kind, m, k);
    return i === undefined ? undefined : cands[i];
  };
  /** How much better x is than y, in the objective's words. */
  const vs = (x: LayoutEvaluation, y: LayoutEvaluation, what = describe(y)): string => {
    const ratio = fig(y) / fig(x);
    const t = r.band && Math.abs(ratio - 1) > 1e-9 ? `${times(ratio)} (80% band ${times(ratio * r.band.lo)}-${times(ratio * r.band.hi)})` : times(ratio);
    return objective === 'throughput' ? `${t} the throughput of ${what}`
      : objective === 'latency' ? `${t} lower latency than ${what}` : `${t} faster than ${what}`;
  };
  /** The best of a shape on up to m TPUs, named. */
  const bestOf = (y: LayoutEvaluation): string => {
    const k = y.copies.length;
    if (y.kind === 'pipeline' && k === 1) return 'one TPU';
    const shape = y.kind === 'pipeline' ? plural(k, 'stage') : y.kind === 'replicas' ? `${y.copies[0]} x ${plural(k, 'stage')}` : `${k} stages on ${y.copies.join(',')} TPUs`;
    return `the best ${y.kind === 'replicas' ? 'replication' : y.kind} on up to ${m} TPUs (${shape})`;
  };
  const { oneTpu: one, streamingStopsAt: stops } = r;
  const parts: string[] = [];
  if (!one.streams) parts.push(`fits on one TPU (${size(one.segments[0]!.onChipBytes)} cached on chip)`);
  else {
    const spill = `spills on one TPU (${size(one.offChipBytes)} streamed per input)`;
    if (stops !== undefined) parts.push(`${spill}: ${stops} stages remove all streaming`);
    else {
      const least = cands.filter((c) => c.kind === 'pipeline').sort((x, y) => x.offChipBytes - y.offChipBytes || x.tpuCount - y.tpuCount)[0]!;
      parts.push(`${spill}: no pipeline of up to ${plural(r.tpus, 'stage')} removes the streaming (least: ${size(least.offChipBytes)} at ${plural(least.copies.length, 'stage')})`);
    }
  }
  const k = rec.copies.length;
  const pipe = best('pipeline', m);
  const reps = best('replicas', m);
  const text = figureText(rec, objective);
  if (rec.kind === 'replicas') {
    const others = pipe && pipe !== rec ? `, ${vs(rec, pipe, bestOf(pipe))}` : '';
    if (k === 1) parts.push(`${rec.copies[0]} replicas on ${m} TPUs (${text}${others})`);
    else {
      const alone = best('pipeline', k, k)!;
      const that = stops === k ? 'replicate that pipeline' : `replicate ${a(k)} ${k}-stage pipeline`;
      parts.push(`${that} ${rec.copies[0]} times on ${m} TPUs (${text}, ${vs(rec, alone)} alone${pipe === alone ? '' : others})`);
    }
  } else if (rec.kind === 'hybrid') {
    const slow = rec.copies.map((c, i) => (c > 1 ? `stage ${i + 1} on ${c}` : '')).filter((s) => s !== '').join(', ');
    const others = [pipe, reps].filter((x): x is LayoutEvaluation => x !== undefined).map((x) => `, ${vs(rec, x, bestOf(x))}`).join('');
    parts.push(`${a(k)} ${k}-stage pipeline with its slowest stages on more TPUs (${slow}) on ${m} TPUs (${text}${others})`);
  } else if (k > 1) {
    parts.push(`${describe(rec)} (${text}, ${vs(rec, one)}${reps ? `, ${vs(rec, reps, bestOf(reps))}` : ''})`);
  } else {
    parts.push(`one TPU (${text}): nothing on up to ${plural(r.tpus, 'TPU')} is more than ${(r.tolerance * 100).toFixed(0)}% better`);
  }
  const unused = r.tpus - m;
  let line = parts.join('; ');
  if (unused > 0 && k > 0) {
    const all = cands.filter((c) => c.tpuCount <= r.tpus).sort(order)[0]!;
    line += all.tpuCount > m
      ? `; ${plural(unused, 'TPU')} left unused (the best on ${all.tpuCount} is only ${((fig(rec) / fig(all) - 1) * 100).toFixed(1)}% better)`
      : `; ${plural(unused, 'TPU')} left unused (more add nothing)`;
  }
  return line;
}
