import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { refine } from '../src/search/descent';
import { counted } from '../src/search/task';
import { primaryOf, segmentsOf } from '../src/search/objective';
import { cutRange, evenPlan, projectPlan } from '../src/search/problem';
import { intUpTo, NonNegative, optionsCodec, Restarts } from './options';
import type { Budget, Strategy } from './types';

/**
 * annealing: simulated annealing over boundary moves, with independent restarts.
 *
 * Source: Kirkpatrick, Gelatt & Vecchi, "Optimization by simulated annealing", Science 1983,
 * with a geometric cooling schedule; each restart is one pool task with its own seeded generator.
 * Steps per restart: (1) start from equal op counts (restart 0) or a random plan; (2) for each
 * iteration pick a cut and a new position for it (half the time a short step of 1-3 ops, half
 * the time anywhere between its neighbours), accept by the Metropolis rule at temperature
 * T = T0 * (T1 / T0)^(i / iterations), both relative to the start's objective; (3) keep the best
 * plan seen, then polish it by coordinate descent (greedy's refinement).
 * Complexity: O(iterations * k) plus the polish, at most `polishPrices` segment prices per
 * restart (checked between sweeps). Optimality: none; it stops early, with the best plan so far,
 * when the budget runs out.
 */

interface Options {
  iterations: number;
  restarts: number;
  t0: number;
  t1: number;
  polish: boolean;
  /** Segment prices the polish may spend per restart (a count, so the plans do not depend on timing). */
  polishPrices: number;
}

/**
 * The polish of one restart stops after this many segment prices: far more than a model of a few
 * thousand ops needs, while on tens of thousands of ops a random start would take thousands of
 * sweeps of O(n) prices, longer than dp takes for the optimum.
 */
const POLISH_PRICES = 500_000;

export const strategy: Strategy<Options> = {
  name: 'annealing',
  description: 'simulated annealing over boundary moves with seeded restarts, polished by greedy refinement',
  options: optionsCodec(
    'annealing',
    { iterations: intUpTo(1e9), restarts: Restarts, t0: NonNegative, t1: NonNegative, polish: t.boolean, polishPrices: intUpTo(Number.MAX_SAFE_INTEGER) },
    { iterations: 3000, restarts: 4, t0: 0.05, t1: 0.0005, polish: true, polishPrices: POLISH_PRICES },
  ),
  tasks: (o) => o.restarts,
  search(p, o, rng, budget, task) {
    const { n, tpus: k, objective } = p;
    if (k === 1) return E.right({ cuts: [] });
    // 1. Start.
    const targets = Array.from({ length: k - 1 }, () => 1 + rng.next() * (n - 2)).sort((x, y) => x - y);
    const cuts = task.index === 0 ? evenPlan(p) : projectPlan(p, targets);
    const stage = segmentsOf(n, cuts).map(([a, b], i) => p.cost.segmentMs(a, b, i));
    // Energy: the objective with the slowest stage softened into a p-norm (p = 8), so moves that
    // shrink any slow stage count, not only moves of the bottleneck (max is flat almost everywhere).
    const energyOf = (ms: readonly number[]): number => {
      let max = 0;
      let sum = 0;
      for (const v of ms) {
        sum += v;
        if (v > max) max = v;
      }
      if (max === 0) return primaryOf(objective, 0, sum);
      let norm = 0;
      for (const v of ms) norm += (v / max) ** 8;
      return primaryOf(objective, max * norm ** 0.125, sum);
    };
    let energy = energyOf(stage);
    let best = [...cuts];
    let bestEnergy = energy;
    const scale = energy > 0 ? energy : 1;
    const t1 = Math.min(o.t1, o.t0);
    const cooling = o.t0 > 0 ? Math.pow(t1 / o.t0, 1 / o.iterations) : 0;
    let temperature = scale * o.t0;

    // 2. Metropolis walk with geometric cooling.
    let accepted = 0;
    let it = 0;
    for (; it < o.iterations; it++, temperature *= cooling) {
      if ((it & 255) === 0 && budget.expired()) break;
      const j = rng.int(0, k - 2);
      const [lo, hi] = cutRange(p, cuts, j);
      const cur = cuts[j]!;
      const c = rng.next() < 0.5 ? cur + (rng.next() < 0.5 ? -1 : 1) * rng.int(1, 3) : rng.int(lo, hi);
      if (c === cur || c < lo || c > hi || !p.canCut[c]) continue;
      const a = j === 0 ? 0 : cuts[j - 1]!;
      const b = j === k - 2 ? n : cuts[j + 1]!;
      const left = stage[j]!;
      const right = stage[j + 1]!;
      stage[j] = p.cost.segmentMs(a, c, j);
      stage[j + 1] = p.cost.segmentMs(c, b, j + 1);
      const e = energyOf(stage);
      if (e <= energy || (temperature > 0 && rng.next() < Math.exp(-(e - energy) / temperature))) {
        cuts[j] = c;
        energy = e;
        accepted++;
        if (e < bestEnergy) {
          bestEnergy = e;
          best = [...cuts];
        }
      } else {
        stage[j] = left;
        stage[j + 1] = right;
      }
    }

    // 3. Polish the best plan.
    let polished = { cuts: best, sweeps: 0 };
    let spent = 0;
    if (o.polish) {
      const meter = counted(p.cost);
      const work: Budget = { timeMs: budget.timeMs, expired: () => budget.expired() || meter.count() > o.polishPrices };
      polished = refine({ ...p, cost: meter.cost }, best, work);
      spent = meter.count();
    }
    return E.right({ cuts: polished.cuts, stats: { iterations: it, accepted, sweeps: polished.sweeps, polishPrices: spent } });
  },
};
