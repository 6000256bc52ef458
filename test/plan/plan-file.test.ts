import * as E from 'fp-ts/Either';
import { graphHash, madeFor } from '../../src/plan/made-for';
import { chainGraph } from '../search/fixtures';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPlan } from '../../src/export/plan-file';
import type { LayerGraph } from '../../src/graph/types';

/** Writes `json` as a plan file and reads it for `g` (the reader every command uses). */
function planOf(json: unknown, g: LayerGraph, opts: { tpus?: number; configuration?: string } = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-plan-')), 'plan.json');
  fs.writeFileSync(file, JSON.stringify(json));
  return readPlan(file, g, opts);
}

const cutsOf = (r: ReturnType<typeof planOf>): unknown => (E.isRight(r) ? { strategy: r.right.strategy, cuts: r.right.cuts } : r.left._tag);

describe('plan file reader (export/plan-file readPlan)', () => {
  it('should read cuts, op counts and the best result of a segment report', () => {
    const g = chainGraph(8);
    expect(cutsOf(planOf({ cuts: [2, 5] }, g))).toEqual({ strategy: undefined, cuts: [2, 5] });
    expect(cutsOf(planOf({ counts: [2, 3, 3] }, g))).toEqual({ strategy: undefined, cuts: [2, 5] });
    const report = { results: [{ strategy: 'dp', cuts: [4] }, { strategy: 'compiler', cuts: [1] }], best: 'dp' };
    expect(cutsOf(planOf(report, g))).toEqual({ strategy: 'dp', cuts: [4] });
  });

  it('should reject plans that do not fit the model or --tpus', () => {
    const g = chainGraph(8);
    expect(cutsOf(planOf({ cuts: [3, 3] }, g))).toBe('ConfigInvalid');
    expect(cutsOf(planOf({ counts: [2, 3] }, g))).toBe('ConfigInvalid');
    expect(cutsOf(planOf({ cuts: [2] }, g, { tpus: 3 }))).toBe('ConfigInvalid');
    expect(cutsOf(planOf({ cuts: 'x' }, g))).toBe('ConfigInvalid');
    expect(cutsOf(planOf([1], g))).toBe('ConfigInvalid');
    expect(cutsOf(planOf({ cuts: [2] }, g, { tpus: 2 }))).toEqual({ strategy: undefined, cuts: [2] });
  });

  it('should read a file and report a missing one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-plan-'));
    const g = chainGraph(3);
    expect(cutsOf(planOf({ strategy: 'mine', cuts: [1] }, g, { tpus: 2 }))).toEqual({ strategy: 'mine', cuts: [1] });
    const missing = readPlan(path.join(dir, 'none.json'), g);
    expect(E.isLeft(missing) && missing.left).toEqual({ _tag: 'FileError', file: path.join(dir, 'none.json'), message: 'no such file' });
  });

  it('should refuse a plan made for another model, naming both', () => {
    const other = chainGraph(3, 'other');
    const g = chainGraph(4);
    const r = planOf({ cuts: [1], madeFor: madeFor(other) }, g);
    expect(E.isLeft(r) && r.left._tag === 'ConfigInvalid' && r.left.problems).toEqual([`madeFor: the plan was made for other (3 ops, graph ${graphHash(other)}), not for chain (4 ops, graph ${graphHash(g)})`]);
    expect(E.isRight(planOf({ cuts: [1], madeFor: madeFor(g) }, g))).toBe(true);
  });

  it("should read predict's configuration back as a layout, and check its TPUs against --tpus", () => {
    const g = chainGraph(6);
    const result = { strategy: 'advise:h3', cuts: [2, 4], configuration: { id: 'h3', assignment: [[0], [1, 2], [3]] } };
    const r = planOf(result, g);
    expect(E.isRight(r) && r.right.layout).toEqual({ id: 'h3', tpus: [[0], [1, 2], [3]] });
    expect(E.isRight(planOf(result, g, { tpus: 4 }))).toBe(true);
    const wrong = planOf(result, g, { tpus: 3 });
    expect(E.isLeft(wrong) && wrong.left._tag === 'ConfigInvalid' && wrong.left.problems).toEqual(['configuration h3 runs 3 segments on 4 TPUs but --tpus is 3']);
    expect(cutsOf(planOf({ ...result, configuration: { id: 'h3', assignment: [[0], [0]] } }, g))).toBe('ConfigInvalid');
  });
});
