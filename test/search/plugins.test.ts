import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { segmentModel } from '../../src/search/segment';
import { makeProblem } from '../../src/search/problem';
import { runTask } from '../../src/search/task';
import type { Strategy } from '../../strategies/types';
import { chainGraph, fromTables } from './fixtures';
import { pluginModule } from '../helpers/plugins';

// Plug-ins may misbehave in any way; each failure stays with its own strategy.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-plugins-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const graph = chainGraph(6);
const problemWith = (ms: (a: number, b: number) => number) => {
  const p = makeProblem(fromTables(graph, ms, () => 0), 2, { kind: 'throughput', batch: 15 }, { pins: [] });
  if (E.isLeft(p)) throw new Error('problem');
  return p.right;
};
const plugin = (search: Strategy['search']): Strategy => ({ name: 'p', description: 'd', options: { decode: E.right } as never, search });

describe('plug-in strategies', () => {
  describe('runTask', () => {
    it.each([
      ['a Left that is not a tpuseg error', () => E.left('just a string'), 'strategy p (task 0) failed: returned an error tpuseg does not know: "just a string"'],
      ['no Either at all', () => undefined, 'strategy p (task 0) failed: returned undefined, not E.right({ cuts }) or E.left(error)'],
      ['a Right without cuts', () => E.right({ plan: [3] }), 'strategy p (task 0) failed: returned {"_tag":"Right","right":{"plan":[3]}}, not E.right({ cuts }) or E.left(error)'],
      ['string cuts', () => E.right({ cuts: ['3'] }), 'strategy p (task 0) failed: returned cuts ["3"]: cut 0 is the string "3", not a number (cuts are op positions: integers)'],
      ['fractional cuts', () => E.right({ cuts: [2.5] }), 'strategy p (task 0) failed: returned cuts [2.5]: cut 0 is 2.5, not an integer (cuts are op positions: integers)'],
      ['a thrown non-Error', () => { throw { code: 7 }; }, 'strategy p (task 0) failed: threw: {"code":7}'],
    ])('should turn %s into a failure of that strategy', (_what, search, message) => {
      const o = runTask(problemWith((a, b) => b - a), plugin(search as Strategy['search']), {}, 0, 0, 1, 1000);
      expect(o._tag).toBe('Left');
      if (o._tag === 'Left') expect(require('../../src/errors').formatError(o.error)).toBe(message);
    });

    it('should fail a plan the cost model prices as NaN or Infinity instead of ranking it', () => {
      for (const bad of [NaN, Infinity]) {
        const o = runTask(problemWith((a, b) => (a === 0 ? bad : b - a)), plugin(() => E.right({ cuts: [3] })), {}, 0, 0, 1, 1000);
        expect(o._tag === 'Left' && require('../../src/errors').formatError(o.error))
          .toBe(`strategy p (task 0) failed: the cost model gives segment 0 (ops 0..2) a non-finite ms (${bad}); check the profile's constants`);
      }
    });
  });

  describe('segmentModel --workers 0', () => {
    const request = { model: 'synth:fc?neurons=16&layers=4', tpus: 2, seed: 0, workers: 0, cwd: dir } as const;

    it('should report a plug-in\'s foreign Left as its failure, not crash', async () => {
      const file = pluginModule(dir, 'lefty', "return { _tag: 'Left', left: new Error('plain error') };");
      const r = await segmentModel({ ...request, strategies: ['compiler', file] });
      expect(E.isRight(r)).toBe(true);
      if (E.isRight(r)) {
        expect(r.right.results[1]).toMatchObject({ strategy: 'lefty', error: 'strategy lefty (task 0) failed: returned an error tpuseg does not know: plain error' });
        expect(r.right.best).toBe('compiler');
      }
    });

    it('should stop a looping plug-in at its time budget, and keep the built-ins\' results', async () => {
      const file = pluginModule(dir, 'looper', 'for (;;) {}');
      const t0 = performance.now();
      const r = await segmentModel({ ...request, strategies: ['compiler', file], timeBudgetMs: 200 });
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(E.isRight(r) && r.right.results.map((x) => ('error' in x ? x.error : 'ok'))).toEqual(['ok', 'strategy looper (task 0) failed: exceeded its time budget of 200 ms']);
      // The next search starts a fresh thread for it.
      const again = await segmentModel({ ...request, strategies: ['compiler', file], timeBudgetMs: 200 });
      expect(E.isRight(again) && again.right.results.map((x) => ('error' in x ? x.error : 'ok'))).toEqual(['ok', 'strategy looper (task 0) failed: exceeded its time budget of 200 ms']);
    });

    it('should stop a looping plug-in on Ctrl-C', async () => {
      const file = pluginModule(dir, 'looper2', 'for (;;) {}');
      const interrupted = new Promise<void>((ok) => setTimeout(ok, 1500));
      const t0 = performance.now();
      const r = await segmentModel({ ...request, strategies: [file], timeBudgetMs: 600_000, interrupted });
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(E.isRight(r) && r.right.results.map((x) => ('error' in x ? x.error : 'ok'))).toEqual(['strategy looper2 (task 0) failed: interrupted before it finished']);
    });

    it('should survive a plug-in that calls process.exit', async () => {
      const file = pluginModule(dir, 'quitter', 'process.exit(3)');
      const r = await segmentModel({ ...request, strategies: ['compiler', file] });
      expect(E.isRight(r) && r.right.results.map((x) => ('error' in x ? x.error : 'ok')))
        .toEqual(['ok', 'strategy quitter (task 0) failed: called process.exit(3)']);
    });
  });
});
