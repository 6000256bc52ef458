import * as E from 'fp-ts/Either';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSearchPool } from '../../src/search/pool';
import { segmentModel, type SegmentReport } from '../../src/search/segment';

// Plans must not depend on where they ran: drop the timings before comparing reports.
const plans = (r: SegmentReport): unknown => ({ ...r, results: r.results.map(({ searchMs: _t, ...rest }) => rest) });
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-segment-'));
const strategyModule = (name: string, body: string): string => {
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, [
    'exports.strategy = {',
    `  name: '${name}', description: 'test strategy',`,
    "  options: { decode: () => ({ _tag: 'Right', right: {} }) },",
    `  search: (p) => { ${body} },`,
    '};',
  ].join('\n'));
  return file;
};
const thrower = strategyModule('thrower', "throw new Error('boom at op 3');");
const spinner = strategyModule('spinner', 'for (;;) {}');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const request = { model: 'zoo:mobilenet_v2', tpus: 4, strategies: ['all'], seed: 'det' } as const;

describe('search/segment', () => {
  describe('segmentModel', () => {
    it('should give the same plans with 1 worker, 2 workers and in-process', async () => {
      const one = right(await segmentModel({ ...request, workers: 1 }));
      const two = right(await segmentModel({ ...request, workers: 2 }));
      const here = right(await segmentModel({ ...request, workers: 0 }));
      expect(plans(two)).toEqual(plans(one));
      expect(plans(here)).toEqual(plans(one));
      expect(one.results.map((r) => r.strategy)).toEqual(['compiler', 'profiling', 'balanced', 'dp', 'greedy', 'annealing']);
      expect(one.best).toBe('dp');
      expect(Object.keys(one)).toEqual(['model', 'tpus', 'profile', 'runner', 'objective', 'results', 'best', 'madeFor', 'overCompiler']);
      // The winner over the compiler's split, on the objective searched, with the profile's speedup band.
      const compiler = one.results.find((r) => r.strategy === 'compiler')!;
      const best = one.results.find((r) => r.strategy === one.best)!;
      if ('error' in compiler || 'error' in best) throw new Error('a strategy failed');
      expect(one.overCompiler!.ratio).toBeCloseTo(compiler.bottleneckMs / best.bottleneckMs, 9);
      expect(one.overCompiler!.low! / one.overCompiler!.ratio).toBeCloseTo(one.overCompiler!.band!.lo, 9);
      expect(one.overCompiler!.high! / one.overCompiler!.ratio).toBeCloseTo(one.overCompiler!.band!.hi, 9);
      const dp = one.results.find((r) => r.strategy === 'dp')!;
      expect(Object.keys(dp)).toEqual(expect.arrayContaining(['strategy', 'cuts', 'segments', 'bottleneckMs', 'latencyMs', 'batch', 'msPerInput', 'evaluations', 'searchMs']));
    });

    it('should give the same plans in a fresh process (the CLI)', async () => {
      const here = right(await segmentModel({ ...request, strategies: ['dp', 'annealing'], workers: 0 }));
      const cli = spawnSync(process.execPath, ['bin/tpuseg.js', 'segment', request.model, '--tpus', '4', '--seed', 'det', '--strategy', 'dp,annealing', '--workers', '0', '--json'],
        { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
      expect(cli.status).toBe(0);
      expect(plans(JSON.parse(cli.stdout))).toEqual(plans(here));
    });

    it('should report a strategy that throws or overruns as failed while the others finish, on a reused pool', async () => {
      const pool = createSearchPool(2);
      try {
        const r = right(await segmentModel({ ...request, strategies: ['dp', thrower, spinner], pool, timeBudgetMs: 200 }));
        expect(r.results.map((x) => [x.strategy, 'error' in x ? x.error : 'ok'])).toEqual([
          ['dp', 'ok'],
          ['thrower', 'strategy thrower (task 0) failed: threw: boom at op 3'],
          ['spinner', 'strategy spinner (task 0) failed: exceeded its time budget of 200 ms'],
        ]);
        expect(r.best).toBe('dp');
        const again = right(await segmentModel({ ...request, strategies: ['greedy'], pool }));
        expect(again.best).toBe('greedy');
      } finally {
        await pool.close();
      }
    });

    it('should stop on interrupt and report what finished', async () => {
      const r = right(await segmentModel({ ...request, strategies: ['dp', spinner], workers: 1, interrupted: new Promise((ok) => setTimeout(ok, 300)) }));
      expect(r.results.map((x) => [x.strategy, 'error' in x ? x.error : 'ok'])).toEqual([
        ['dp', expect.any(String)],
        ['spinner', 'strategy spinner (task 0) failed: interrupted before it finished'],
      ]);
    });

    it('should stop between tasks in-process when interrupted', async () => {
      const r = right(await segmentModel({ ...request, strategies: ['compiler', 'annealing'], workers: 0, interrupted: Promise.resolve() }));
      expect(r.results.map((x) => 'error' in x ? x.error : 'ok')).toEqual([
        'strategy compiler (task 0) failed: interrupted before it finished',
        'strategy annealing (task 0) failed: interrupted before it finished',
      ]);
      expect(r.best).toBeNull();
    });

    it('should refuse more TPUs than ops, conflicting pins and unknown strategies', async () => {
      expect(await segmentModel({ ...request, tpus: 500, workers: 0 })).toEqual(E.left({ _tag: 'Infeasible', message: expect.stringContaining('cannot be cut into 500 non-empty segments') }));
      const pinned = await segmentModel({ ...request, constraints: { pins: [{ op: 10, segment: 2 }, { op: 5, segment: 3 }] }, workers: 0 });
      expect(E.isLeft(pinned) && pinned.left._tag).toBe('Infeasible');
      const unknown = await segmentModel({ ...request, strategies: ['nope'], workers: 0 });
      expect(E.isLeft(unknown) && unknown.left._tag).toBe('Usage');
    });

    it('should honour pins and the crossing limit in every plan', async () => {
      const r = right(await segmentModel({ ...request, constraints: { pins: [{ op: 30, segment: 1 }], maxCrossingBytes: 200_000 }, workers: 0, strategies: ['dp', 'greedy', 'balanced', 'annealing'] }));
      for (const x of r.results) {
        if ('error' in x) throw new Error(x.error);
        expect([x.strategy, x.cuts[0]! <= 30 && x.cuts[1]! > 30]).toEqual([x.strategy, true]);
      }
    });
  });
});
