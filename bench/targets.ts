import * as E from 'fp-ts/Either';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { costModel, type CostProfile } from '../cost-models';
import { loadConfig } from '../experiments/load';
import { strategy as dp } from '../strategies/dp';
import { liveCatalog } from '../src/experiments/catalog-live';
import { inProcessExecutor, poolExecutor } from '../src/experiments/pool';
import { runCells } from '../src/experiments/runner';
import { scorePlan } from '../src/search/objective';
import { makeProblem } from '../src/search/problem';
import { solveInProcess } from '../src/search/task';
import { writeTflite } from '../src/tflite/writer';
import { buildSynth } from '../src/zoo/synth';
import { benchGraph } from './graphs';
import { loadAverage, median, type Figure } from './figures';
import { priceMatrix, referenceMinMax } from './reference';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'tpuseg.js');

/** Runs each thunk `runs` times, round-robin after `warm` unmeasured rounds; returns the times (ms) per thunk. */
function interleaved(thunks: readonly (() => void)[], runs: number, warm: number): number[][] {
  const times = thunks.map(() => [] as number[]);
  for (let r = 0; r < warm + runs; r++) {
    thunks.forEach((f, i) => {
      const t0 = performance.now();
      f();
      if (r >= warm) times[i]!.push(performance.now() - t0);
    });
  }
  return times;
}

/** dp has far more code than the reference loop for the JIT to optimize: about ten runs before its times settle. */
const DP_WARM_UP = 12;

/** dp against the reference DP over a precomputed matrix, on the bench chain of `ops` ops cut into `k`. */
export function dpFigures(profile: CostProfile, ops: number, k: number, runs: number): { dpMs: number; refMs: number; agree: boolean; note: string } {
  const cost = costModel(benchGraph('chain', ops), profile);
  const p = makeProblem(cost, k, { kind: 'throughput', batch: 15 }, { pins: [] });
  if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
  const matrix = priceMatrix(ops, (a, b) => cost.segmentMs(a, b));
  let best = NaN;
  let found: readonly number[] = [];
  const l0 = loadAverage(1);
  const [dpTimes, refTimes] = interleaved([
    () => {
      const out = solveInProcess(p.right, dp, undefined, 'bench');
      if (E.isLeft(out.result)) throw new Error(JSON.stringify(out.result.left));
      found = out.result.right.cuts;
    },
    () => (best = referenceMinMax(matrix, ops, k)),
  ], runs, DP_WARM_UP);
  return {
    dpMs: median(dpTimes!),
    refMs: median(refTimes!),
    agree: scorePlan(p.right, found).bottleneckMs === best,
    note: `median of ${runs} runs each, interleaved after ${DP_WARM_UP} warm-up rounds; load ${l0}-${loadAverage(1)}`,
  };
}

/** Wall time of a whole `node bin/tpuseg.js ...` process, ms. */
function processMs(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`tpuseg ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

/** The same with its peak resident memory (bench/peak-rss.cjs preloaded), MB. */
function processRun(args: readonly string[]): { ms: number; maxRssMB: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'peak-rss.cjs'), BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  const err = r.stderr.toString();
  if (r.status !== 0) throw new Error(`tpuseg ${args.join(' ')} exited ${r.status}: ${err.slice(0, 500)}`);
  const kb = /peak-rss-kb (\d+)\s*$/.exec(err);
  if (!kb) throw new Error(`tpuseg ${args.join(' ')}: no peak memory reported`);
  return { ms, maxRssMB: Number(kb[1]) / 1024 };
}

export function startupFigures(runs: number): Figure[] {
  const l0 = loadAverage(1);
  const [node, top, seg] = interleaved([
    () => spawnSync(process.execPath, ['-e', '0']),
    () => processMs(['--help']),
    () => processMs(['segment', '--help']),
  ], runs, 1);
  const note = `median of ${runs} processes each, interleaved; load ${l0}-${loadAverage(1)}`;
  const reference = { what: '`node -e 0`', value: median(node!) / 1000, unit: 's' as const };
  return [
    { what: '`tpuseg --help`, whole process', value: median(top!) / 1000, unit: 's', target: { max: 0.25 }, reference, note },
    { what: '`tpuseg segment --help`, whole process', value: median(seg!) / 1000, unit: 's', target: { max: 0.25 }, reference, note },
  ];
}

export function segmentProcessFigures(runs: number): Figure[] {
  const args = ['segment', 'zoo:resnet152_v1', '--tpus', '8', '--strategy', 'all'];
  const l0 = loadAverage(1);
  const [auto, here] = interleaved([() => processMs(args), () => processMs([...args, '--workers', '0'])], runs, 1);
  const note = `median of ${runs} processes each, interleaved; load ${l0}-${loadAverage(1)}`;
  const reference = { what: '`--workers 0`', value: median(here!) / 1000, unit: 's' as const };
  return [
    { what: '`tpuseg segment zoo:resnet152_v1 --tpus 8 --strategy all`, default workers, whole process', value: median(auto!) / 1000, unit: 's', target: { max: 1.2 }, reference, note },
    { what: 'the same, default workers over `--workers 0`', value: median(auto!) / median(here!), unit: 'x', target: { max: 1.1 }, reference, note },
  ];
}

/**
 * Default `--workers` against `--workers 0` on a 5,000-op model, whole processes, time and peak
 * memory: the synth conv family at 4,999 layers (past the 1,000 a synth: spec allows, so written
 * to a .tflite file first; 45 MiB of weights, which every worker thread would load again).
 */
export function bigModelWorkersFigures(runs: number): Figure[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-bench-'));
  try {
    const graph = buildSynth({ family: 'conv', filters: 32, layers: 4999, size: 8, output: 'int8' });
    const file = path.join(dir, 'conv5000.tflite');
    fs.writeFileSync(file, writeTflite(graph));
    const args = ['segment', file, '--tpus', '8', '--strategy', 'all'];
    const l0 = loadAverage(1);
    const auto: { ms: number; maxRssMB: number }[] = [];
    const here: { ms: number; maxRssMB: number }[] = [];
    interleaved([() => auto.push(processRun(args)), () => here.push(processRun([...args, '--workers', '0']))], runs, 1);
    // The warm-up round is not measured.
    const [a, h] = [auto.slice(1), here.slice(1)];
    const ms = (xs: typeof a): number => median(xs.map((x) => x.ms));
    const mb = (xs: typeof a): number => median(xs.map((x) => x.maxRssMB));
    const note = `${graph.ops.length} ops; default workers ${(ms(a) / 1000).toFixed(2)} s, ${mb(a).toFixed(0)} MB; median of ${runs} processes each, interleaved; load ${l0}-${loadAverage(1)}`;
    return [
      { what: '`tpuseg segment` of a 5,000-op model `--tpus 8 --strategy all`, default workers over `--workers 0`, whole process', value: ms(a) / ms(h), unit: 'x', target: { max: 1.1 },
        reference: { what: '`--workers 0`', value: ms(h) / 1000, unit: 's' }, note },
      { what: 'the same, peak memory of the process, default workers over `--workers 0`', value: mb(a) / mb(h), unit: 'x', target: { max: 1.5 },
        reference: { what: '`--workers 0`', value: mb(h), unit: 'MB' }, note },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The paper's sweep (experiments/multi-tpu.json, 480 cells) run by the experiments runner with 1
 * and with 2 worker threads on fresh pools (thread start-up included), alternately: the work
 * `tpuseg run` spreads over its workers. The report it then writes runs in the main thread either
 * way and is not timed. The note adds the same sweep run again on the warm pools.
 */
export async function experimentFigures(runs: number): Promise<Figure[]> {
  const file = path.join(ROOT, 'experiments', 'multi-tpu.json');
  const loaded = loadConfig(file, liveCatalog(ROOT));
  if (E.isLeft(loaded)) throw new Error(JSON.stringify(loaded.left));
  const cells = loaded.right.expansion.cells;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-bench-'));
  // One fresh pool: the run as `tpuseg run` makes it (cold), then the same sweep again on the same
  // threads (warm: their code compiled, their models built), for contrast.
  const once = async (workers: number): Promise<[number, number]> => {
    const executor = workers === 0 ? inProcessExecutor(loaded.right.baseDir, ROOT) : poolExecutor(workers, loaded.right.baseDir, ROOT);
    const times: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const t0 = performance.now();
      const summary = await runCells(cells, executor, {
        store: path.join(dir, `results-${workers}.jsonl`), force: true, tool: 'bench', configHash: loaded.right.hash, profileHash: () => 'bench',
        concurrency: Math.max(1, 2 * workers), log: () => undefined, interrupted: new Promise(() => undefined),
        progress: () => ({ tick: () => undefined, note: () => undefined, finish: () => undefined }),
      });
      times.push(performance.now() - t0);
      if (summary.failed > 0 || summary.records.length !== cells.length) throw new Error(`experiment run with ${workers} workers: ${summary.failed} cells failed`);
    }
    await executor.close();
    return [times[0]!, times[1]!];
  };
  const l0 = loadAverage(1);
  const one: number[] = [];
  const two: number[] = [];
  const oneWarm: number[] = [];
  const twoWarm: number[] = [];
  for (let r = 0; r < runs; r++) {
    const [c1, w1] = await once(1);
    const [c2, w2] = await once(2);
    one.push(c1);
    two.push(c2);
    oneWarm.push(w1);
    twoWarm.push(w2);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const warm = `warm pools (the sweep again on the same threads): 1 worker ${(median(oneWarm) / 1000).toFixed(2)} s, 2 workers ${(median(twoWarm) / 1000).toFixed(2)} s, ${(median(oneWarm) / median(twoWarm)).toFixed(2)}x`;
  const note = `fresh pools: 2 workers ${(median(two) / 1000).toFixed(2)} s; ${warm}; median of ${runs} runs each, alternating; load ${l0}-${loadAverage(1)}`;
  return [
    { what: `experiment cells of the paper's sweep (${cells.length}), 2 workers: speedup over 1`, value: median(one) / median(two), unit: 'x', target: { min: 1.5 }, reference: { what: '1 worker', value: median(one) / 1000, unit: 's' }, note },
  ];
}

export function dpTargetFigures(profile: CostProfile, runs: number): Figure[] {
  const small = dpFigures(profile, 1000, 8, runs);
  const large = dpFigures(profile, 3000, 8, Math.max(3, Math.ceil(runs / 3)));
  if (!small.agree || !large.agree) throw new Error('dp and the reference DP disagree on the optimal bottleneck');
  return [
    { what: 'dp, 1,000-op chain, N = 8, over the reference DP', value: small.dpMs / small.refMs, unit: 'x', target: { max: 3 }, reference: { what: 'reference DP', value: small.refMs, unit: 'ms' }, note: `dp ${small.dpMs.toFixed(2)} ms; ${small.note}` },
    { what: 'dp, 3,000-op chain, N = 8', value: large.dpMs, unit: 'ms', target: { max: 100 }, reference: { what: 'reference DP', value: large.refMs, unit: 'ms' }, note: large.note },
  ];
}

/**
 * `tpuseg advise zoo:resnet152_v1 --tpus 8` as a whole process: every configuration on 8 TPUs
 * (pipelines, replicas, hybrids) searched and priced, start-up and model included; the reference
 * is one dp search of the same model on 8 TPUs, also a whole process. The note adds advise's own
 * time in this process once warm.
 */
export function adviseFigures(runs: number): Figure[] {
  const args = ['advise', 'zoo:resnet152_v1', '--tpus', '8'];
  const l0 = loadAverage(1);
  const [whole, one] = interleaved([() => processMs(args), () => processMs(['segment', 'zoo:resnet152_v1', '--tpus', '8', '--strategy', 'dp', '--workers', '0'])], runs, 1);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { advise } = require('../src/advise/advise') as typeof import('../src/advise/advise');
  const [inside] = interleaved([() => {
    const r = advise({ model: 'zoo:resnet152_v1', tpus: 8 });
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  }], runs, 3);
  const note = `median of ${runs} processes each, interleaved; advise alone in a warm process (model loaded, code compiled): ${median(inside!).toFixed(0)} ms; load ${l0}-${loadAverage(1)}`;
  return [
    { what: '`tpuseg advise zoo:resnet152_v1 --tpus 8` (every configuration), whole process', value: median(whole!) / 1000, unit: 's', target: { max: 2 },
      reference: { what: '`segment --strategy dp`, one search', value: median(one!) / 1000, unit: 's' }, note },
  ];
}

/** `tsx bench/dp-process.ts ...` in a process of its own: the search's ms and the process's peak memory. */
function searchProcess(args: readonly string[]): { ms: number; maxRssMB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'dp-process.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`dp-process ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return JSON.parse(r.stdout.toString()) as { ms: number; maxRssMB: number };
}

/** dp on the bench chain of `ops` ops cut into `k`, in this thread, for each objective and runner given: median ms per case, interleaved. */
function dpCases(profile: CostProfile, ops: number, k: number, cases: readonly { kind: 'throughput' | 'batch'; runner?: 'python-threads' }[], runs: number): number[] {
  const thunks = cases.map(({ kind, runner }) => {
    const cost = costModel(benchGraph('chain', ops), profile, runner ? { runner } : {});
    const p = makeProblem(cost, k, { kind, batch: 15 }, { pins: [] });
    if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
    return () => {
      const out = solveInProcess(p.right, dp, undefined, 'bench');
      if (E.isLeft(out.result)) throw new Error(JSON.stringify(out.result.left));
    };
  });
  return interleaved(thunks, runs, DP_WARM_UP).map(median);
}

/**
 * Issue 22: dp off the throughput path (the batch objective; the python-threads runner, whose
 * interpreter lock binds on densenet201 at N = 32), dp at N = 64, a search stopping at its budget,
 * and the heuristics on a 30,000-op chain.
 */
export function offPathFigures(profile: CostProfile, runs: number): Figure[] {
  const l0 = loadAverage(1);
  const [through, batch, python] = dpCases(profile, 1000, 8, [{ kind: 'throughput' }, { kind: 'batch' }, { kind: 'throughput', runner: 'python-threads' }], runs);
  const note = `median of ${runs} runs each, interleaved after ${DP_WARM_UP} warm-up rounds; load ${l0}-${loadAverage(1)}`;
  const reference = { what: 'dp, throughput', value: through!, unit: 'ms' as const };
  const big = [searchProcess(['3000', '64', 'batch']), searchProcess(['3000', '64', 'batch']), searchProcess(['3000', '64', 'batch'])];
  const bigNote = `a process of its own each, median of 3 (the search cold, as a command runs it); load ${loadAverage(1)}`;
  const dense = ['segment', 'zoo:densenet201', '--tpus', '32', '--runner', 'python-threads', '--strategy', 'dp', '--workers', '0'];
  const [denseMs] = interleaved([() => processMs(dense)], 3, 1);
  // The same chain cut short: dp given 0.2 s stops with its best plan within a second of it.
  const cost = costModel(benchGraph('chain', 3000), profile);
  const p = makeProblem(cost, 64, { kind: 'batch', batch: 15 }, { pins: [] });
  if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
  const t0 = performance.now();
  const cut = solveInProcess(p.right, dp, undefined, 'bench', 200);
  const cutMs = performance.now() - t0;
  if (E.isLeft(cut.result)) throw new Error(JSON.stringify(cut.result.left));
  const heuristics = ['balanced', 'greedy', 'annealing'].map((name) => ({ name, ...searchProcess(['30000', '64', 'throughput', name]) }));
  const dp30 = searchProcess(['30000', '64', 'throughput', 'dp']);
  return [
    { what: 'dp, batch objective, 1,000-op chain, N = 8, over dp on the throughput path', value: batch! / through!, unit: 'x', target: { max: 3 }, reference, note: `batch ${batch!.toFixed(2)} ms; ${note}` },
    { what: 'dp, python-threads runner, 1,000-op chain, N = 8, over dp on the throughput path', value: python! / through!, unit: 'x', target: { max: 3 }, reference, note: `python-threads ${python!.toFixed(2)} ms; ${note}` },
    { what: 'dp, batch objective, 3,000-op chain, N = 64', value: median(big.map((x) => x.ms)), unit: 'ms', target: { max: 2000 }, note: bigNote },
    { what: 'the same, peak memory of the process', value: median(big.map((x) => x.maxRssMB)), unit: 'MB', target: { max: 500 }, note: bigNote },
    { what: '`tpuseg segment zoo:densenet201 --tpus 32 --runner python-threads --strategy dp --workers 0` (the lock binds), whole process', value: median(denseMs!) / 1000, unit: 's', target: { max: 2 }, note: `median of 3 processes; load ${loadAverage(1)}` },
    { what: 'dp, batch objective, 3,000-op chain, N = 64, with a budget of 0.2 s: time to its (unproven) plan', value: cutMs / 1000, unit: 's', target: { max: 1.2 },
      note: `stats ${JSON.stringify(cut.result.right.stats)}; load ${loadAverage(1)}` },
    ...heuristics.map((h) => ({ what: `${h.name}, 30,000-op chain, N = 64`, value: h.ms / 1000, unit: 's' as const, target: { max: 2 }, reference: { what: 'dp', value: dp30.ms / 1000, unit: 's' as const },
      note: `a process of its own; peak ${h.maxRssMB.toFixed(0)} MB; load ${loadAverage(1)}` })),
  ];
}
