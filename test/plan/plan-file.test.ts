import * as E from 'fp-ts/Either';
import { graphHash, madeFor } from '../../src/plan/made-for';
import { chainGraph } from '../search/fixtures';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePlan, readPlanFile } from '../../src/plan/plan-file';

describe('plan/plan-file', () => {
  describe('parsePlan', () => {
    it('should read cuts, op counts and the best result of a segment report', () => {
      expect(parsePlan({ cuts: [2, 5] }, 'p', 8)).toEqual(E.right({ strategy: 'plan:p', cuts: [2, 5] }));
      expect(parsePlan({ counts: [2, 3, 3] }, 'p', 8)).toEqual(E.right({ strategy: 'plan:p', cuts: [2, 5] }));
      const report = { results: [{ strategy: 'dp', cuts: [4] }, { strategy: 'compiler', cuts: [1] }], best: 'dp' };
      expect(parsePlan(report, 'p', 8)).toEqual(E.right({ strategy: 'dp', cuts: [4] }));
    });

    it('should reject plans that do not fit the model or --tpus', () => {
      const tag = (r: E.Either<{ _tag: string }, unknown>): string | undefined => (E.isLeft(r) ? r.left._tag : undefined);
      expect(tag(parsePlan({ cuts: [3, 3] }, 'p', 8))).toBe('ConfigInvalid');
      expect(tag(parsePlan({ counts: [2, 3] }, 'p', 8))).toBe('ConfigInvalid');
      expect(tag(parsePlan({ cuts: [2] }, 'p', 8, 3))).toBe('ConfigInvalid');
      expect(tag(parsePlan({ cuts: 'x' }, 'p', 8))).toBe('ConfigInvalid');
      expect(tag(parsePlan([1], 'p', 8))).toBe('ConfigInvalid');
    });
  });

  describe('readPlanFile', () => {
    it('should read a file and report a missing one', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-plan-'));
      const file = path.join(dir, 'plan.json');
      fs.writeFileSync(file, JSON.stringify({ strategy: 'mine', cuts: [1] }));
      const g = chainGraph(3);
      expect(readPlanFile(file, g, 2)).toEqual(E.right({ strategy: 'mine', cuts: [1] }));
      const missing = readPlanFile(path.join(dir, 'none.json'), g);
      expect(E.isLeft(missing) && missing.left).toEqual({ _tag: 'FileError', file: path.join(dir, 'none.json'), message: 'no such file' });
    });

    it('should refuse a plan made for another model, naming both', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-plan-'));
      const file = path.join(dir, 'plan.json');
      const other = chainGraph(3, 'other');
      const g = chainGraph(4);
      fs.writeFileSync(file, JSON.stringify({ cuts: [1], madeFor: madeFor(other) }));
      const r = readPlanFile(file, g);
      expect(E.isLeft(r) && r.left).toEqual({ _tag: 'ConfigInvalid', file, problems: [`madeFor: the plan was made for other (3 ops, graph ${graphHash(other)}), not for chain (4 ops, graph ${graphHash(g)})`] });
      fs.writeFileSync(file, JSON.stringify({ cuts: [1], madeFor: madeFor(g) }));
      expect(E.isRight(readPlanFile(file, g))).toBe(true);
    });
  });
});
