import * as E from 'fp-ts/Either';
import { minMax, strategy as dp } from '../../strategies/dp';
import { fullBand } from '../../src/search/band';
import { rowPricer } from '../../src/search/rows';
import type { Constraints, ObjectiveKind, Problem } from '../../strategies/types';
import type { CostModel } from '../../cost-models/types';
import { unlimited } from '../../src/search/budget';
import { compareScores, scorePlan } from '../../src/search/objective';
import { checkPlan, digestProblem, makeProblem } from '../../src/search/problem';
import { rng } from '../../src/rng';
import { additiveCost, allPlans, boundedCost, chainGraph, fromTables, randomGraph, streamingCost, tableCost } from '../search/fixtures';
import { computeBound, segmentBound } from '../../src/search/bound';

const problem = (cost: Parameters<typeof makeProblem>[0], k: number, kind: ObjectiveKind = 'throughput', constraints: Constraints = { pins: [] }): Problem => {
  const p = makeProblem(cost, k, { kind, batch: 4 }, constraints);
  if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
  return p.right;
};

const solve = (p: Problem, prune = true): number[] => {
  const r = dp.search(p, { prune }, rng(0), unlimited, { index: 0, count: 1 });
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return [...r.right.cuts];
};

// The order's components only: bottleneckMs is reported but ranks nothing under latency.
const ranked = (p: Problem, cuts: readonly number[]) => {
  const { primary, offChipBytes, latencyMs } = scorePlan(p, cuts);
  return { primary, offChipBytes, latencyMs };
};

const brute = (p: Problem): number[] => {
  let best: number[] | undefined;
  for (const plan of allPlans(p.n, p.tpus)) {
    if (E.isLeft(checkPlan(p, plan))) continue;
    if (!best || compareScores(scorePlan(p, plan), scorePlan(p, best)) < 0) best = plan;
  }
  return best!;
};

describe('strategies/dp', () => {
  describe('search', () => {
    it('should return its best plan so far, marked unproven, when the budget expires at any point', () => {
      const r = rng('dp-budget');
      const cost = boundedCost(randomGraph(40, r, 0.3), 'budget');
      for (const kind of ['throughput', 'batch', 'latency'] as const) {
        const p = problem(cost, 6, kind);
        const full = dp.search(p, { prune: true }, rng(0), unlimited, { index: 0, count: 1 });
        if (E.isLeft(full)) throw new Error('dp failed');
        expect(full.right.stats?.['unproven']).toBeUndefined();
        for (const after of [0, 1, 3, 10, 30]) {
          let calls = 0;
          const budget = { timeMs: after, expired: () => ++calls > after };
          const cut = dp.search(p, { prune: true }, rng(0), budget, { index: 0, count: 1 });
          if (E.isLeft(cut)) throw new Error('dp failed');
          expect(E.isRight(checkPlan(p, cut.right.cuts))).toBe(true);
          if (cut.right.stats?.['unproven'] === 1) expect(compareScores(scorePlan(p, cut.right.cuts), scorePlan(p, full.right.cuts))).toBeGreaterThanOrEqual(0);
          else expect(ranked(p, cut.right.cuts)).toEqual(ranked(p, full.right.cuts));
        }
        const none = dp.search(p, { prune: true }, rng(0), { timeMs: 0, expired: () => true }, { index: 0, count: 1 });
        expect(E.isRight(none) && none.right.stats?.['unproven']).toBe(1);
      }
    });

    it('should split equal weights evenly (hand-checked)', () => {
      const g = randomGraph(6, rng(1));
      expect(solve(problem(additiveCost(g, [1, 1, 1, 1, 1, 1]), 3))).toEqual([2, 4]);
    });

    it('should isolate one giant layer (hand-checked)', () => {
      const g = randomGraph(5, rng(2));
      // [1, 1, 10, 1, 1] into 3: the giant layer alone bounds the max at 10; ties go to fewer
      // off-chip bytes (none here), then the lowest latency (all equal): the first plan found.
      const cuts = solve(problem(additiveCost(g, [1, 1, 10, 1, 1]), 3));
      expect(scorePlan(problem(additiveCost(g, [1, 1, 10, 1, 1]), 3), cuts).primary).toBe(10);
    });

    it('should return no cuts for one segment and one op per segment when k = n', () => {
      const g = randomGraph(4, rng(3));
      expect(solve(problem(additiveCost(g, [1, 2, 3, 4]), 1))).toEqual([]);
      expect(solve(problem(additiveCost(g, [1, 2, 3, 4]), 4))).toEqual([1, 2, 3]);
    });

    it('should match brute force on random graphs and random cost tables, for every objective', () => {
      for (let trial = 0; trial < 60; trial++) {
        const r = rng(`dp-brute-${trial}`);
        const n = r.int(2, 9);
        const k = r.int(1, Math.min(n, 4));
        const g = randomGraph(n, r, 0.3);
        const cost = tableCost(g, `table-${trial}`);
        for (const kind of ['throughput', 'batch', 'latency'] as const) {
          const p = problem(cost, k, kind);
          const got = ranked(p, solve(p));
          const want = ranked(p, brute(p));
          expect([trial, kind, got]).toEqual([trial, kind, want]);
        }
      }
    });

    it('should keep the exact bottleneck and the tie-breaks with more than 32 segments', () => {
      // Brute force is out of reach here; the min-max phase alone gives the optimal bottleneck, and the
      // completion sets (bit sets of more than one word above 32 segments) must keep a plan that reaches it.
      for (let trial = 0; trial < 4; trial++) {
        const r = rng(`dp-wide-${trial}`);
        const n = r.int(45, 70);
        const k = r.int(34, 40);
        const cost = tableCost(randomGraph(n, r, 0.3), `wide-${trial}`);
        const p = problem(cost, k);
        const F = minMax(p, fullBand(p), rowPricer(cost), unlimited);
        const cuts = solve(p);
        expect(E.isRight(checkPlan(p, cuts))).toBe(true);
        expect(scorePlan(p, cuts).bottleneckMs).toBe(F!.value[(k - 1) * (n + 1) + n]);
        // No single-cut move keeps the bottleneck and lowers (off-chip bytes, latency).
        const base = scorePlan(p, cuts);
        for (let i = 0; i < cuts.length; i++) {
          for (const d of [-1, 1]) {
            const moved = cuts.map((c, j) => (j === i ? c + d : c));
            if (E.isLeft(checkPlan(p, moved))) continue;
            expect(compareScores(scorePlan(p, moved), base)).toBeGreaterThanOrEqual(0);
          }
        }
      }
    });

    it('should match brute force with pruning on costs whose compute bounds them', () => {
      for (let trial = 0; trial < 60; trial++) {
        const r = rng(`dp-pruned-${trial}`);
        const n = r.int(2, 10);
        const k = r.int(1, Math.min(n, 5));
        const g = randomGraph(n, r, 0.3);
        const cost = boundedCost(g, `bounded-${trial}`);
        expect(computeBound(cost)).toBeDefined();
        for (const kind of ['throughput', 'batch', 'latency'] as const) {
          const p = problem(cost, k, kind);
          expect([trial, kind, ranked(p, solve(p))]).toEqual([trial, kind, ranked(p, brute(p))]);
          expect([trial, kind, ranked(p, solve(p, false))]).toEqual([trial, kind, ranked(p, brute(p))]);
        }
      }
    });

    it('should prune with a bound the cost model offers itself, and stay exact', () => {
      for (let trial = 0; trial < 30; trial++) {
        const r = rng(`dp-own-bound-${trial}`);
        const n = r.int(2, 10);
        const k = r.int(1, Math.min(n, 5));
        const g = randomGraph(n, r, 0.3);
        const base = boundedCost(g, `own-${trial}`);
        // Hide the additive compute (computeMs = ms) and offer it as lowerBoundMs instead.
        const cost = { ...fromTables(g, base.segmentMs, (a, b) => base.segment(a, b).offChipBytes), lowerBoundMs: (a: number, b: number) => base.segment(a, b).computeMs };
        expect(segmentBound(cost)?.(0, n)).toBe(cost.lowerBoundMs(0, n));
        for (const kind of ['throughput', 'batch'] as const) {
          const p = problem(cost, k, kind);
          expect([trial, kind, ranked(p, solve(p))]).toEqual([trial, kind, ranked(p, brute(p))]);
        }
      }
    });

    it('should match brute force on batch when bound rounds narrow the band before pricing', () => {
      let withRounds = 0;
      for (let trial = 0; trial < 40; trial++) {
        const r = rng(`dp-rounds-${trial}`);
        const n = r.int(18, 26);
        const k = r.int(3, 5);
        const cost = streamingCost(n, 300 + trial);
        const p = makeProblem(cost, k, { kind: 'batch', batch: r.int(2, 15) }, { pins: [] });
        if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
        const out = dp.search(p.right, { prune: true }, rng(0), unlimited, { index: 0, count: 1 });
        if (E.isLeft(out)) throw new Error(JSON.stringify(out.left));
        if ((out.right.stats?.rounds ?? 0) > 0) withRounds++;
        expect([trial, ranked(p.right, out.right.cuts)]).toEqual([trial, ranked(p.right, brute(p.right))]);
      }
      expect(withRounds).toBeGreaterThan(10);
    });

    it('should not prune on a cost table whose compute is not additive', () => {
      expect(computeBound(tableCost(randomGraph(8, rng(9)), 'not-additive'))).toBeUndefined();
    });

    it('should match brute force under pins and crossing limits', () => {
      let checked = 0;
      let infeasibleSeen = 0;
      for (let trial = 0; trial < 80; trial++) {
        const r = rng(`dp-constrained-${trial}`);
        const n = r.int(3, 9);
        const k = r.int(2, Math.min(n, 4));
        const g = randomGraph(n, r, 0.4);
        const cost = tableCost(g, `ctable-${trial}`);
        const pins = r.next() < 0.7 ? [{ op: r.int(0, n - 1), segment: r.int(0, k - 1) }] : [];
        const limit = r.next() < 0.5 ? r.int(4, 24) : undefined;
        for (const kind of ['throughput', 'batch', 'latency'] as const) {
          const p = makeProblem(cost, k, { kind, batch: 3 }, { pins, ...(limit !== undefined ? { maxCrossingBytes: limit } : {}) });
          if (E.isLeft(p)) {
            expect(p.left._tag).toBe('Infeasible');
            const raw = digestProblem(cost, k, { kind, batch: 3 }, { pins, ...(limit !== undefined ? { maxCrossingBytes: limit } : {}) });
            if (E.isLeft(raw)) throw new Error('digest failed');
            expect([...allPlans(n, k)].filter((plan) => E.isRight(checkPlan(raw.right, plan)))).toEqual([]);
            infeasibleSeen++;
            continue;
          }
          const cuts = solve(p.right);
          expect(E.isRight(checkPlan(p.right, cuts))).toBe(true);
          expect(ranked(p.right, cuts)).toEqual(ranked(p.right, brute(p.right)));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(infeasibleSeen).toBeGreaterThan(0);
    });
  });
});

/** A pseudo-random number in [0, 1) for (seed, a, b): a cost matrix of any size without storing it. */
// Module-level aliases: inside jest's vm context every global lookup goes through an interceptor.
const { floor, imul } = Math;
const mix = (x: number): number => {
  x = imul(x ^ (x >>> 16), 0x7feb352d);
  x = imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
};
const unit = (seed: number, a: number, b = 0): number => mix(imul(seed, 0x9e3779b1) + imul(a, 4099) + b) / 2 ** 32;

/**
 * Random cost matrices over n ops. `ties`: small integers per pair, neither monotone nor additive
 * (no bound). `spiky`: random additive compute (a valid bound, so dp prunes) plus noise per pair
 * and dear transfers at random cut positions, so the cost jumps up and down as a range grows.
 */
function matrixCost(n: number, kind: 'ties' | 'spiky', seed: number): CostModel {
  const graph = chainGraph(n, `matrix-${kind}-${n}`);
  const off = (a: number, b: number): number => floor(unit(seed + 2, a, b) * 3) * 1000;
  const withOff = (cost: CostModel): CostModel => ({ ...cost, offChipBytes: off });
  if (kind === 'ties') return withOff(fromTables(graph, (a, b) => 1 + floor(unit(seed, a, b) * 6) + (unit(seed + 1, a, b) < 0.5 ? 0.5 : 0), off));
  const prefix = new Float64Array(n + 1);
  const spike = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + unit(seed + 3, i) * 4;
  for (let i = 0; i <= n; i++) spike[i] = unit(seed + 4, i) < 0.2 ? 40 * unit(seed + 5, i) : 0;
  const compute = (a: number, b: number): number => prefix[b]! - prefix[a]!;
  return withOff(fromTables(graph, (a, b) => compute(a, b) + 3 * unit(seed, a, b) + spike[a]! + spike[b]!, off, compute));
}

/**
 * The textbook DPs over every pair, written independently of dp: min-max, then (off-chip bytes,
 * latency) lexicographically over the segments within the optimum (throughput), or (latency,
 * off-chip bytes) (latency). Cut j may sit at c when cutLo[j] <= c <= cutHi[j] and canCut[c].
 */
function referenceScore(p: Problem): { primary: number; offChipBytes: number; latencyMs: number } {
  const { n, tpus: k, objective } = p;
  const W = n + 1;
  // Row b holds the segments ending at b: ms[b * W + a], off[b * W + a].
  const ms = new Float64Array(W * W);
  const off = new Float64Array(W * W);
  for (let b = 1; b <= n; b++) {
    for (let a = 0; a < b; a++) {
      ms[b * W + a] = p.cost.segmentMs(a, b);
      off[b * W + a] = p.cost.offChipBytes!(a, b);
    }
  }
  const allowed = (j: number, b: number): boolean => (j === k - 1 ? b === n : b < n && b >= p.cutLo[j]! && b <= p.cutHi[j]! && p.canCut[b] === 1);
  let cap = Infinity;
  if (objective.kind === 'throughput') {
    let prev = new Float64Array(W).fill(Infinity);
    prev[0] = 0;
    for (let j = 0; j < k; j++) {
      const cur = new Float64Array(W).fill(Infinity);
      for (let b = 1; b <= n; b++) {
        if (!allowed(j, b)) continue;
        let best = Infinity;
        for (let a = 0; a < b; a++) {
          const c = ms[b * W + a]!;
          const v = prev[a]! > c ? prev[a]! : c;
          if (v < best) best = v;
        }
        cur[b] = best;
      }
      prev = cur;
    }
    cap = prev[n]!;
  }
  const firstOf = objective.kind === 'throughput' ? off : ms;
  const secondOf = objective.kind === 'throughput' ? ms : off;
  let f = new Float64Array(W).fill(Infinity);
  let s = new Float64Array(W).fill(Infinity);
  f[0] = 0;
  s[0] = 0;
  for (let j = 0; j < k; j++) {
    const nf = new Float64Array(W).fill(Infinity);
    const ns = new Float64Array(W).fill(Infinity);
    for (let b = 1; b <= n; b++) {
      if (!allowed(j, b)) continue;
      let bf = Infinity;
      let bs = Infinity;
      for (let a = 0; a < b; a++) {
        const i = b * W + a;
        if (f[a] === Infinity || ms[i]! > cap) continue;
        const x = f[a]! + firstOf[i]!;
        const y = s[a]! + secondOf[i]!;
        if (x < bf || (x === bf && y < bs)) {
          bf = x;
          bs = y;
        }
      }
      nf[b] = bf;
      ns[b] = bs;
    }
    f = nf;
    s = ns;
  }
  return objective.kind === 'throughput'
    ? { primary: cap, offChipBytes: f[n]!, latencyMs: s[n]! }
    : { primary: f[n]!, offChipBytes: s[n]!, latencyMs: f[n]! };
}

describe('strategies/dp against a reference DP', () => {
  it('should match the reference on random cost matrices of up to 2,000 ops', () => {
    const cases: [number, number, 'ties' | 'spiky', boolean][] = [
      [40, 3, 'ties', false], [150, 6, 'ties', true], [300, 8, 'ties', false], [300, 8, 'spiky', false],
      [500, 4, 'spiky', true], [400, 34, 'spiky', false], [2000, 12, 'spiky', true],
    ];
    cases.forEach(([n, k, kind, pinned], trial) => {
      const cost = matrixCost(n, kind, 1000 + trial);
      const pins = pinned ? [{ op: Math.floor(n / 3), segment: 1 }, { op: Math.floor((2 * n) / 3), segment: k - 2 }] : [];
      for (const objective of n <= 500 ? (['throughput', 'latency'] as const) : (['throughput'] as const)) {
        const p = problem(cost, k, objective, { pins });
        expect([n, k, kind, objective, ranked(p, solve(p))]).toEqual([n, k, kind, objective, referenceScore(p)]);
      }
    });
  });

  it('should find the same batch optimum with and without its band and bounds on random matrices', () => {
    for (const [n, k, kind] of [[60, 4, 'ties'], [120, 5, 'spiky'], [200, 3, 'spiky']] as const) {
      const p = problem(matrixCost(n, kind, n), k, 'batch');
      expect([n, k, kind, ranked(p, solve(p))]).toEqual([n, k, kind, ranked(p, solve(p, false))]);
    }
  });
});


describe('strategies/dp with positions and shared resources', () => {
  /**
   * A table cost whose stages price differently by position (a factor per position on a part of the
   * cost), with per-segment shared demands (lock, link, host CPU) and first invokes: every term the
   * Edge TPU model can give, drawn at random.
   */
  function richCost(n: number, seed: number, opts: { positions?: boolean; shared?: boolean; fresh?: boolean; cores?: number; lockOnly?: boolean }): CostModel {
    const r = rng(`rich-${seed}`);
    const base = tableCost(randomGraph(n, r), `rich-table-${seed}`);
    const factors = Array.from({ length: 8 }, () => 0.5 + r.next() * 2.5);
    const W = n + 1;
    const part = new Float64Array(W * W);
    const dem = new Float64Array(W * W * 3);
    const first = new Float64Array(W * W);
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b <= n; b++) {
        part[a * W + b] = r.int(0, 5);
        for (let s = 0; s < 3; s++) dem[(a * W + b) * 3 + s] = (s === 0 || !opts.lockOnly) && r.next() < 0.5 ? r.int(0, 6) : 0;
        first[a * W + b] = r.int(0, 40);
      }
    }
    const ms = (a: number, b: number, stage = 0): number => base.segmentMs(a, b) + part[a * W + b]! * (opts.positions ? factors[Math.min(stage, 7)]! : 1);
    return {
      ...base,
      segmentMs: ms,
      segment: (a, b, stage = 0) => ({ ...base.segment(a, b), ms: ms(a, b, stage) }),
      ...(opts.positions ? { stageDependent: true } : {}),
      pipeline: { runner: 'python-threads', hostCores: opts.cores ?? 2, freshRunner: opts.fresh === true },
      ...(opts.shared ? {
        hasShared: true,
        sharedMs: (a: number, b: number, out: Float64Array) => {
          for (let s = 0; s < 3; s++) out[s] = dem[(a * W + b) * 3 + s]!;
        },
      } : {}),
      firstMs: (a: number, b: number) => first[a * W + b]!,
    };
  }

  const cases: [string, { positions?: boolean; shared?: boolean; fresh?: boolean }][] = [
    ['positions', { positions: true }],
    ['shared resources', { shared: true }],
    ['positions and shared resources', { positions: true, shared: true }],
    ['first invokes on a fresh runner', { fresh: true }],
    ['everything', { positions: true, shared: true, fresh: true }],
  ];

  it('should match brute force when one shared resource binds, by caps on the slowest stage', () => {
    // Only the interpreter lock has demands: dp's caps path runs (stats.steps) for throughput when it binds.
    let viaCaps = 0;
    for (let seed = 0; seed < 40; seed++) {
      const n = 6 + (seed % 5);
      const cost = richCost(n, 100 + seed, { shared: true, lockOnly: true, positions: false });
      for (const kind of ['throughput', 'batch'] as const) {
        for (const k of [2, 3, 4]) {
          const p = problem(cost, k, kind);
          const r = dp.search(p, { prune: true }, rng(0), unlimited, { index: 0, count: 1 });
          if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
          if (r.right.stats?.steps !== undefined) viaCaps++;
          expect([seed, kind, k, ranked(p, r.right.cuts)]).toEqual([seed, kind, k, ranked(p, brute(p))]);
        }
      }
    }
    expect(viaCaps).toBeGreaterThan(20);
  });

  it('should take the caps path for batch on costs that share nothing, and match brute force', () => {
    let viaCaps = 0;
    for (let seed = 0; seed < 30; seed++) {
      const cost = richCost(6 + (seed % 4), 200 + seed, { fresh: seed % 2 === 0 });
      for (const k of [2, 3, 4]) {
        const p = problem(cost, k, 'batch');
        const r = dp.search(p, { prune: true }, rng(0), unlimited, { index: 0, count: 1 });
        if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
        if (r.right.stats?.steps !== undefined) viaCaps++;
        expect([seed, k, ranked(p, r.right.cuts)]).toEqual([seed, k, ranked(p, brute(p))]);
      }
    }
    expect(viaCaps).toBe(90);
  });

  it.each(cases)('should match brute force with %s, every objective, pruned or not', (_what, opts) => {
    for (let seed = 0; seed < 6; seed++) {
      const n = 7 + (seed % 3);
      const cost = richCost(n, seed, opts);
      for (const kind of ['throughput', 'batch', 'latency'] as const) {
        for (const k of [2, 3, 4]) {
          const p = problem(cost, k, kind);
          const want = ranked(p, brute(p));
          expect([seed, kind, k, ranked(p, solve(p))]).toEqual([seed, kind, k, want]);
          expect([seed, kind, k, 'reference', ranked(p, solve(p, false))]).toEqual([seed, kind, k, 'reference', want]);
        }
      }
    }
  });
});
