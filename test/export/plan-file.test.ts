import * as E from 'fp-ts/Either';
import { buildGraph } from '../../src/graph/build';
import { checkPlanFits, parsePlanFile } from '../../src/export/plan-file';

const result = (strategy: string, cuts: number[], n = 10) => ({
  strategy,
  cuts,
  segments: [0, ...cuts].map((a, i) => ({ firstOp: a, lastOp: (i < cuts.length ? cuts[i]! : n) - 1 })),
  bottleneckMs: 1,
});
const report = (best: unknown) => JSON.stringify({
  model: 'm.tflite', tpus: 2, profile: 'edgetpu-usb3', objective: 'throughput',
  results: [result('compiler', [4]), result('dp', [6])],
  best,
});
const problems = (e: E.Either<unknown, unknown>): readonly string[] =>
  E.isLeft(e) && (e.left as { _tag: string })._tag === 'ConfigInvalid' ? (e.left as { problems: string[] }).problems : ['(not ConfigInvalid)'];

describe('export/plan-file', () => {
  describe('parsePlanFile', () => {
    it('should use the best result of a segment report, whichever way best names it', () => {
      for (const best of [result('dp', [6]), 'dp', 1]) {
        const r = parsePlanFile(report(best), 'p.json');
        expect(E.isRight(r) && [r.right.cuts, r.right.strategy, r.right.profile, r.right.model]).toEqual([[6], 'dp', 'edgetpu-usb3', 'm.tflite']);
      }
    });
    it('should accept one result object on its own', () => {
      const r = parsePlanFile(JSON.stringify(result('compiler', [2, 5])), 'p.json');
      expect(E.isRight(r) && r.right.cuts).toEqual([2, 5]);
    });
    it('should name the bad field and the file', () => {
      const r = parsePlanFile('{"cuts":[1,"a"]}', 'p.json');
      expect(E.isLeft(r) && r.left._tag === 'ConfigInvalid' && r.left.file).toBe('p.json');
      expect(problems(r)).toEqual(['cuts.1: expected number, got "a"']);
      expect(problems(parsePlanFile(report({ cuts: ['x'] }), 'p.json'))).toEqual(['best.cuts.0: expected number, got "x"']);
    });
    it('should refuse text that is not JSON, a report without best, an unknown best and a failed result', () => {
      expect(problems(parsePlanFile('{oops', 'p.json'))[0]).toMatch(/^not valid JSON/);
      expect(problems(parsePlanFile('[1]', 'p.json'))[0]).toMatch(/expected a JSON object/);
      expect(problems(parsePlanFile(report(null), 'p.json'))[0]).toMatch(/names no best result/);
      expect(problems(parsePlanFile(report('balanced'), 'p.json'))[0]).toBe('best: no result of strategy "balanced" in results');
      expect(problems(parsePlanFile(report(7), 'p.json'))[0]).toBe('best: index 7 is not one of the 2 results');
      expect(problems(parsePlanFile(JSON.stringify({ cuts: [], error: 'timeout' }), 'p.json'))[0]).toMatch(/failed search/);
    });
  });

  describe('checkPlanFits', () => {
    const graph = (n: number) => buildGraph({
      name: 'g', source: 'g.tflite',
      tensors: Array.from({ length: n + 1 }, (_, i) => ({ name: `t${i}`, shape: [1], dtype: 'uint8' as const, isConstant: false })),
      ops: Array.from({ length: n }, (_, i) => ({ type: 'RELU', builtinCode: 19, version: 1, inputs: [i], outputs: [i + 1] })),
      inputs: [0], outputs: [n],
    });
    const plan = (n: number) => {
      const r = parsePlanFile(JSON.stringify(result('dp', [4], n)), 'p.json');
      if (E.isLeft(r)) throw new Error('bad fixture');
      return r.right;
    };
    it('should accept a plan whose segments cover exactly the model ops', () => {
      expect(E.isRight(checkPlanFits(plan(10), graph(10), 'p.json'))).toBe(true);
    });
    it('should refuse cuts outside the model or not strictly increasing', () => {
      const bad = parsePlanFile(JSON.stringify({ cuts: [4, 10] }), 'p.json');
      if (E.isLeft(bad)) throw new Error('bad fixture');
      expect(problems(checkPlanFits(bad.right, graph(10), 'p.json'))[0]).toBe('cuts: cut 1 is 10: cuts must be integers in 1..9 (g has 10 ops)');
    });
    it('should refuse a plan made for a model with another op count', () => {
      expect(problems(checkPlanFits(plan(10), graph(12), 'p.json'))[0]).toMatch(/covers ops 0..9 but g.tflite has 12 ops/);
    });
  });
});
