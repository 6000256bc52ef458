import * as E from 'fp-ts/Either';
import { costModel, DEFAULT_PROFILE, loadProfile, type RunnerName } from '../cost-models';
import { strategies } from '../strategies';
import { makeProblem } from '../src/search/problem';
import { solveInProcess } from '../src/search/task';
import { benchGraph } from './graphs';

/**
 * One search on a bench chain in a process of its own, for the figures that need its peak memory:
 * `tsx bench/dp-process.ts OPS N OBJECTIVE [STRATEGY] [RUNNER]` prints { ms, maxRssMB } as JSON
 * (ms: the search alone; maxRssMB: the whole process's peak resident memory).
 */
const [ops, k, objective, name, runner] = process.argv.slice(2);
const profile = loadProfile(DEFAULT_PROFILE);
if (E.isLeft(profile)) throw new Error('default profile failed to load');
const cost = costModel(benchGraph('chain', Number(ops)), profile.right, runner ? { runner: runner as RunnerName } : {});
const p = makeProblem(cost, Number(k), { kind: objective as 'throughput' | 'batch' | 'latency', batch: 15 }, { pins: [] });
if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
const s = strategies().find((x) => x.name === (name ?? 'dp'));
if (!s) throw new Error(`no strategy ${name}`);
const t0 = performance.now();
const out = solveInProcess(p.right, s, undefined, 'bench');
const ms = performance.now() - t0;
if (E.isLeft(out.result)) throw new Error(JSON.stringify(out.result.left));
process.stdout.write(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
