import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { strategies } from '../../strategies';
import type { Problem, Strategy } from '../../strategies/types';
import { compareScores, scorePlan } from '../../src/search/objective';
import { checkPlan, makeProblem } from '../../src/search/problem';
import { solveInProcess } from '../../src/search/task';
import { rng } from '../../src/rng';
import { randomGraph, tableCost } from '../search/fixtures';

// The contract every strategy must meet, run over every registered one plus the template (required
// here, in the test's thread, where \`tpuseg/strategy\` maps to src/strategy.ts as the plug-in loader maps it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const template = (require(path.join(__dirname, '../../strategies/template.example.ts')) as { strategy: Strategy }).strategy;
const all: readonly Strategy[] = [...strategies(), template];
const dp = strategies().find((s) => s.name === 'dp')!;

const cases: { name: string; problem: Problem }[] = [];
for (let i = 0; i < 16; i++) {
  const r = rng(`conformance-${i}`);
  const n = r.int(3, 14);
  const k = r.int(1, Math.min(n, 5));
  const g = randomGraph(n, r, 0.3, `g${i}`);
  const kind = (['throughput', 'batch', 'latency'] as const)[i % 3]!;
  const pins = i % 4 === 3 ? [{ op: r.int(0, n - 1), segment: r.int(0, k - 1) }] : [];
  const p = makeProblem(tableCost(g, `c${i}`), k, { kind, batch: 5 }, { pins });
  if (E.isRight(p)) cases.push({ name: `g${i} n=${n} k=${k} ${kind}${pins.length ? ' pinned' : ''}`, problem: p.right });
}

const memo = new Map<string, ReturnType<typeof solveInProcess>['result']>();
const scoreOf = (p: Problem, s: Strategy, seed: string, fresh = false) => {
  const key = `${s.name}/${p.graph.name}/${seed}`;
  if (!fresh && memo.has(key)) return memo.get(key)!;
  const out = solveInProcess(p, s, undefined, seed).result;
  memo.set(key, out);
  return out;
};

describe('strategies (conformance)', () => {
  it('should have several problems to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(all.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    it('should return N contiguous non-empty segments that satisfy the constraints, or Infeasible', () => {
      for (const { name, problem } of cases) {
        const r = scoreOf(problem, s, 'seed');
        if (E.isLeft(r)) {
          expect([name, r.left._tag]).toEqual([name, 'Infeasible']);
          continue;
        }
        expect([name, r.right.cuts.length]).toEqual([name, problem.tpus - 1]);
        expect([name, E.isRight(checkPlan(problem, r.right.cuts))]).toEqual([name, true]);
      }
    });

    it('should never beat dp (dp is optimal)', () => {
      for (const { name, problem } of cases) {
        const r = scoreOf(problem, s, 'seed');
        const best = scoreOf(problem, dp, 'seed');
        if (E.isLeft(r) || E.isLeft(best)) continue;
        expect([name, compareScores(scorePlan(problem, r.right.cuts), scorePlan(problem, best.right.cuts)) >= 0]).toEqual([name, true]);
      }
    });

    it('should give the same plan for the same seed', () => {
      for (const { problem } of cases.slice(0, 4)) {
        const a = scoreOf(problem, s, 'seed');
        const b = scoreOf(problem, s, 'seed', true);
        expect(a).toEqual(b);
      }
    });

    it('should fill in its options from an empty object and reject unknown ones', () => {
      expect(E.isRight(s.options.decode({}))).toBe(true);
      expect(E.isLeft(s.options.decode({ noSuchOption: 1 }))).toBe(true);
    });
  });
});
