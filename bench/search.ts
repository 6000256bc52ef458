import * as E from 'fp-ts/Either';
import { costModel, DEFAULT_PROFILE, loadProfile } from '../cost-models';
import { strategies } from '../strategies';
import { scorePlan } from '../src/search/objective';
import { createSearchPool } from '../src/search/pool';
import { makeProblem } from '../src/search/problem';
import { segmentModel } from '../src/search/segment';
import { solveInProcess } from '../src/search/task';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchGraph } from './graphs';
import { formatReference, formatTarget, formatValue, loadAverage, median, met, toReference, toTarget, type BenchResults, type Figure } from './figures';
import { adviseFigures, bigModelWorkersFigures, dpTargetFigures, experimentFigures, offPathFigures, segmentProcessFigures, startupFigures } from './targets';

/**
 * `npm run bench`: the performance targets (bench/targets.ts: dp against a reference DP, start-up,
 * whole `segment` processes, the experiment pool), then search time per strategy vs graph size
 * (synthetic chains and DAGs of 100, 1,000 and 5,000 ops; N = 2, 4, 8, 16), each strategy in this
 * thread with all its tasks (annealing: its 4 restarts one after the other), plus the parallel
 * speedup of the pool with 1 vs 2 workers on `--strategy all` (cold, and warm once each thread has
 * compiled the searches). Times are wall-clock medians. The targets go to bench/results.json too,
 * from which `npm run readme` regenerates the README's performance section.
 * `--quick` skips 5,000 ops; `--targets` measures the targets only.
 */
const quick = process.argv.includes('--quick');
const targetsOnly = process.argv.includes('--targets');
const SIZES = quick ? [100, 1000] : [100, 1000, 5000];
const TPUS = [2, 4, 8, 16];
const loaded = loadProfile(DEFAULT_PROFILE);
if (E.isLeft(loaded)) throw new Error('default profile failed to load');
const profile = loaded.right;

const table = (header: string[], rows: string[][]): string[] => {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((s, c) => (c < 2 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
};

function searchTimes(): void {
  const names = strategies().map((s) => s.name);
  const timeRows: string[][] = [];
  const qualityRows: string[][] = [];
  for (const kind of ['chain', 'dag'] as const) {
    for (const ops of SIZES) {
      const cost = costModel(benchGraph(kind, ops), profile);
      for (const k of TPUS) {
        const p = makeProblem(cost, k, { kind: 'throughput', batch: 15 }, { pins: [] });
        if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
        const reps = ops >= 5000 ? 1 : 5;
        const times: string[] = [];
        const ratios: string[] = [];
        const scores = new Map<string, number>();
        for (const s of strategies()) {
          const ts: number[] = [];
          let cuts: readonly number[] = [];
          for (let r = 0; r < reps; r++) {
            const t0 = performance.now();
            const out = solveInProcess(p.right, s, undefined, 'bench');
            ts.push(performance.now() - t0);
            if (E.isLeft(out.result)) throw new Error(`${s.name}: ${JSON.stringify(out.result.left)}`);
            cuts = out.result.right.cuts;
          }
          times.push(median(ts).toFixed(1));
          scores.set(s.name, scorePlan(p.right, cuts).primary);
        }
        for (const n of names) ratios.push((scores.get(n)! / scores.get('dp')!).toFixed(3));
        timeRows.push([kind, String(ops), String(k), ...times]);
        qualityRows.push([kind, String(ops), String(k), ...ratios]);
        console.error(`  done ${kind} ${ops} N=${k}`);
      }
    }
  }
  console.log('Search time per strategy, ms (median of 5 runs, 1 at 5,000 ops; in this thread; annealing = all its restarts)');
  for (const l of table(['graph', 'ops', 'N', ...names], timeRows)) console.log(l);
  console.log('\nSlowest stage relative to dp (1.000 = optimal)');
  for (const l of table(['graph', 'ops', 'N', ...names], qualityRows)) console.log(l);
}

const WARM_UP_RUNS = 8;

async function poolSpeedup(): Promise<void> {
  const rows: string[][] = [];
  for (const model of ['zoo:resnet152_v1', 'zoo:densenet201', 'synth:conv?filters=64&layers=998']) {
    const wall: Record<number, { cold: number; warm: number; work: number }> = {};
    for (const workers of [1, 2]) {
      const pool = createSearchPool(workers);
      const t0 = performance.now();
      const first = await segmentModel({ model, tpus: 8, strategies: ['all'], seed: 'bench', pool });
      const cold = performance.now() - t0;
      // Each worker thread JIT-compiles the searches on its own, from the tasks it happens to get:
      // two threads need about twice the runs one thread needs before their code is optimized.
      for (let r = 0; r < WARM_UP_RUNS; r++) await segmentModel({ model, tpus: 8, strategies: ['all'], seed: 'bench', pool });
      const warm: number[] = [];
      const works: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t1 = performance.now();
        const again = await segmentModel({ model, tpus: 8, strategies: ['all'], seed: 'bench', pool });
        warm.push(performance.now() - t1);
        if (E.isRight(again)) works.push(again.right.results.reduce((sum, x) => sum + x.searchMs, 0));
      }
      const work = works.length > 0 ? median(works) : 0;
      await pool.close();
      if (E.isLeft(first)) throw new Error(JSON.stringify(first.left));
      wall[workers] = { cold, warm: median(warm), work };
    }
    rows.push([model, '8', wall[1]!.cold.toFixed(0), wall[2]!.cold.toFixed(0), wall[1]!.warm.toFixed(0), wall[2]!.warm.toFixed(0), wall[2]!.work.toFixed(0), (wall[1]!.warm / wall[2]!.warm).toFixed(2)]);
  }
  console.log(`\nPool: --strategy all, N = 8, wall ms (cold = new pool incl. thread start-up and model load; warm = reused pool after ${WARM_UP_RUNS} more runs, median of 5)`);
  for (const l of table(['model', 'N', 'cold 1w', 'cold 2w', 'warm 1w', 'warm 2w', 'task ms 2w', 'speedup (warm)'], rows)) console.log(l);
  console.log('(task ms 2w: the tasks\' own search time summed, median of the 5 warm runs, i.e. the work the two workers shared)');
}

function printTargets(figures: readonly Figure[]): void {
  console.log('Targets (issues 12, 14, 22): measured, target, measured / target, reference measured alongside (and measured / reference)');
  const rows = figures.map((f) => {
    const r = toReference(f);
    return [f.what, formatValue(f.value, f.unit), formatTarget(f), toTarget(f).toFixed(2), `${formatReference(f)}${r !== undefined ? ` (${r.toFixed(2)})` : ''}`, met(f) ? 'met' : 'NOT met'];
  });
  for (const l of table(['figure', 'measured', 'target', 'ratio', 'reference', ''], rows)) console.log(l);
  for (const f of figures) console.log(`  ${f.what}: ${f.note}`);
}

void (async () => {
  const started = new Date().toISOString();
  const loadStart = loadAverage();
  console.log(`${os.cpus().length} CPUs, load average at start ${loadStart} (wall times include other processes' load)\n`);
  const figures: Figure[] = [];
  figures.push(...dpTargetFigures(profile, 9));
  console.error('  done dp targets');
  figures.push(...offPathFigures(profile, 9));
  console.error('  done dp off the throughput path');
  figures.push(...startupFigures(9));
  console.error('  done start-up');
  figures.push(...segmentProcessFigures(7));
  figures.push(...bigModelWorkersFigures(5));
  console.error('  done segment processes');
  figures.push(...adviseFigures(7));
  console.error('  done advise');
  figures.push(...(await experimentFigures(3)));
  console.error('  done experiments');
  printTargets(figures);
  const loadEnd = loadAverage();
  const results: BenchResults = { started, cpus: os.cpus().length, node: process.version, loadStart, loadEnd, figures };
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(results, null, 1) + '\n');
  if (!targetsOnly) {
    console.log('');
    searchTimes();
    await poolSpeedup();
  }
  console.log(`\nload average at end ${loadAverage()}`);
})();
