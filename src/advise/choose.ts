import type { ObjectiveKind } from '../../strategies/types';
import type { LayoutEvaluation, LayoutKind } from '../pipeline/layout';

/**
 * From priced configurations to advice: the Pareto front of throughput vs latency vs TPUs used,
 * the best configuration on up to m TPUs for every m, the knee, and the recommendation with its
 * one line of reasoning. Pure: every number in the reasoning is one of the configurations'.
 *
 * - objective figure: the steady-state ms per input (throughput), the single-input latency
 *   (latency), or the ms per input of a batch (batch); lower is better. Ties go to fewer TPUs,
 *   then the other figures, then fewer bytes streamed, then fewer stages (`rank`).
 * - knee: with rate(m) = 1 / the best figure on up to m TPUs, the fewest TPUs m from which no
 *   further TPU adds at least `fraction` of the rate a TPU gives on average at that size:
 *   rate(m'+1) - rate(m') < fraction x rate(m') / m' for every m' >= m. Linear scaling (replicas of
 *   a model that fits) never has one below K; a pipeline past the depth that stops its streaming
 *   soon does.
 * - recommendation: among the configurations within `tolerance` of the best figure, the one on
 *   fewest TPUs (then best figure, fewest stages): a TPU that buys less is left unused, and no
 *   configuration on as many TPUs or fewer is better.
 */

export interface Choice {
  /** Indices of the configurations on the Pareto front, by TPUs then figure. */
  readonly front: readonly number[];
  /** For m = 1..K, the index of the best configuration on at most m TPUs (undefined: none). */
  readonly bestUpTo: readonly (number | undefined)[];
  readonly knee: Knee;
  readonly recommended: number;
}

export interface Knee {
  readonly tpus: number;
  readonly fraction: number;
  /** For m = 1..K-1: what TPU m + 1 adds to the rate, over the rate per TPU at m. */
  readonly adds: readonly number[];
}

export const figureOf = (objective: ObjectiveKind) => (ev: LayoutEvaluation): number =>
  objective === 'throughput' ? ev.bottleneckMs : objective === 'latency' ? ev.latencyMs : ev.msPerInput;

/**
 * Negative when x ranks before y: better figure, then fewer TPUs, then the other figures (latency
 * or steady state), then fewer bytes streamed, then fewer stages. Every criterion of `dominates`
 * comes before the stage count, so what ranks first is never dominated by what it beat.
 */
export const rank = (objective: ObjectiveKind) => {
  const fig = figureOf(objective);
  return (x: LayoutEvaluation, y: LayoutEvaluation): number =>
    fig(x) - fig(y) || x.tpuCount - y.tpuCount
    || (objective === 'latency' ? 0 : x.latencyMs - y.latencyMs) || (objective === 'throughput' ? 0 : x.bottleneckMs - y.bottleneckMs)
    || x.offChipBytes - y.offChipBytes || x.copies.length - y.copies.length;
};

/**
 * The index of the configuration of a kind on at most m TPUs (of k stages, when given) that ranks
 * first by `order`, the earliest of equals; undefined when there is none.
 */
export function bestOfKind(cands: readonly LayoutEvaluation[], order: (x: LayoutEvaluation, y: LayoutEvaluation) => number, kind: LayoutKind, m: number, k?: number): number | undefined {
  const idx = cands.flatMap((c, i) => (c.kind === kind && c.tpuCount <= m && (k === undefined || c.copies.length === k) ? [i] : []));
  return idx.sort((i, j) => order(cands[i]!, cands[j]!))[0];
}

/** True when y is at least as good as x in throughput, latency, TPUs and bytes streamed, and better in one. */
export const dominates = (y: LayoutEvaluation, x: LayoutEvaluation): boolean =>
  y.bottleneckMs <= x.bottleneckMs && y.latencyMs <= x.latencyMs && y.tpuCount <= x.tpuCount && y.offChipBytes <= x.offChipBytes
  && (y.bottleneckMs < x.bottleneckMs || y.latencyMs < x.latencyMs || y.tpuCount < x.tpuCount || y.offChipBytes < x.offChipBytes);

export function paretoFront(cands: readonly LayoutEvaluation[]): number[] {
  const idx = cands.map((_, i) => i).filter((i) => !cands.some((y) => dominates(y, cands[i]!)));
  // Several configurations with the very same figures: keep the first.
  const seen = new Set<string>();
  return idx.filter((i) => {
    const c = cands[i]!;
    const key = `${c.bottleneckMs}|${c.latencyMs}|${c.tpuCount}|${c.offChipBytes}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).sort((a, b) => cands[a]!.tpuCount - cands[b]!.tpuCount || cands[a]!.bottleneckMs - cands[b]!.bottleneckMs);
}

export function kneeOf(rates: readonly number[], fraction: number): Knee {
  const K = rates.length;
  const adds: number[] = [];
  for (let m = 1; m < K; m++) adds.push((rates[m]! - rates[m - 1]!) / (rates[m - 1]! / m));
  let knee = K;
  while (knee > 1 && adds[knee - 2]! < fraction) knee--;
  return { tpus: knee, fraction, adds };
}

export function choose(cands: readonly LayoutEvaluation[], K: number, objective: ObjectiveKind, tolerance: number, fraction: number): Choice {
  if (cands.length === 0) throw new RangeError('no configuration to choose from');
  const fig = figureOf(objective);
  const order = rank(objective);
  const bestUpTo: (number | undefined)[] = [];
  for (let m = 1; m <= K; m++) {
    let best: number | undefined;
    cands.forEach((c, i) => {
      if (c.tpuCount <= m && (best === undefined || order(c, cands[best]!) < 0)) best = i;
    });
    bestUpTo.push(best);
  }
  let rate = 0;
  const rates = bestUpTo.map((i) => (rate = i === undefined ? rate : Math.max(rate, 1 / fig(cands[i]!))));
  const top = Math.min(...cands.map(fig));
  let recommended = -1;
  cands.forEach((c, i) => {
    if (fig(c) > top * (1 + tolerance)) return;
    if (recommended < 0) return void (recommended = i);
    const r = cands[recommended]!;
    if ((c.tpuCount - r.tpuCount || order(c, r)) < 0) recommended = i;
  });
  return { front: paretoFront(cands), bestUpTo, knee: kneeOf(rates, fraction), recommended };
}
