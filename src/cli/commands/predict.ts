import * as E from 'fp-ts/Either';
import { MAX_BATCH } from '../../limits';
import * as path from 'node:path';
import { DEFAULT_PROFILE, PROFILE_NAMES, type CostProfile, type RunnerName } from '../../../cost-models';
import { DEFAULT_RUNNER } from '../../../cost-models/names';
import { bandRests } from '../../../cost-models/bands';
import type { CostModel } from '../../../cost-models/types';
import { strategyNames } from '../../../strategies';
import type { ObjectiveKind } from '../../../strategies/types';
import { searchPlan } from '../../export/search-plan';
import { madeFor } from '../../plan/made-for';
import { costOn, requestCost } from '../../search/request-cost';
import { alignedLines, toJson } from '../text';
import { usage, type TpusegError } from '../../errors';
import type { LayerGraph } from '../../graph/types';
import { loadModelToPlan } from '../../model/load';
import { evaluatePlan, type PlanEvaluation } from '../../pipeline/evaluate';
import { simulatePipeline } from '../../pipeline/simulate';
import { compilerCuts, layerCuts } from '../../plan/fixed-splits';
import { readPlanFile } from '../../plan/plan-file';
import { planResult, uncertaintyOf, type Uncertainty } from '../../plan/result';
import { devicesArg, objectiveOption, parse, positiveInt, profileArg, runnerOption } from '../args';
import type { Command } from '../command';
import { writeJsonFile } from '../json-file';

const OBJECTIVES: readonly ObjectiveKind[] = ['throughput', 'batch', 'latency'];

const help = (): string => `usage: tpuseg predict <model> [--tpus N] [--strategy S] [--profile P] [--devices D1,D2,...] [--runner R] [--batch B] [--fresh-runner] [--out FILE] [--json]

Predicts, without hardware, how <model> (a .tflite path, zoo:NAME[@SIZE] or synth:...) runs cut
into N pipeline segments on N Edge TPUs: per segment its ops (and how many the Edge TPU compiler
maps to the TPU: it maps one subgraph per segment, so ops after one it cannot run stay on the
host), parameter bytes, what the compiler will report as on-chip (cached) and off-chip
(streamed) memory, the activation bytes in and out, and its time; then the single-input latency
(sum of stages), the steady-state time per input (the slowest stage, or a resource the stages
share: the Python interpreter lock of a thread-per-stage runner, a shared host link, host CPU)
and the time per input of a batch of B inputs, by the closed form (sum (+ first invokes on a
fresh runner) + (B-1) x steady state) / B and by a discrete-event simulation of the one-slot
queues. Every time carries the 80% band of its regime from the profile's calibration rows.

options:
  --tpus N         segments / Edge TPUs (default 1; with --devices, their number)
  --strategy S     compiler  the Edge TPU compiler's split by parameter bytes (default)
                   layers    equal numbers of layers per segment
                   NAME      any other strategy (${strategyNames().filter((n) => n !== 'compiler').join(', ')}) or a module
                             path: searched first (in this thread), as \`tpuseg segment --strategy NAME\`
                   FILE.json a plan file: { "cuts": [...] }, { "counts": [...] } or a segment --json report
  --objective O    what a searching strategy minimizes: ${OBJECTIVES.join(' | ')} (default throughput)
  --seed S         seed of a searching strategy (default 0)
  --profile P      ${PROFILE_NAMES.join(' | ')} | a profile JSON file (default ${DEFAULT_PROFILE});
                   with --devices, the host's profile (default: the first device's)
  --devices LIST   one profile per TPU position (e.g. edgetpu-pcie,edgetpu-usb3,edgetpu-usb3): segment i
                   runs on device i, as in tpuseg segment --devices; a searching strategy searches for them
  --runner R       pycoral (pycoral's C++ PipelinedModelRunner, as the exported run_pipeline.py) |
                   python-threads (one Python thread per stage) (default: the profile's, else pycoral)
  --fresh-runner   the batch starts on a fresh runner: each segment's first invoke falls inside it
  --batch B        inputs per batch (default 15)
  -o, --out FILE   also write the result object (a plan file for export --plan and predict --strategy)
  --json           print one result object: { strategy, runner, cuts, segments: [{ firstOp, lastOp, ops,
                   tpuOps, paramBytes, onChipBytes, offChipBytes, inBytes, outBytes, ms, msLow, msHigh }],
                   bottleneckMs, limitedBy, latencyMs, firstMs, batch, msPerInput (each time with
                   ...Low/...High, the band), uncertainty: { regime, band: { lo, hi, rows, from } },
                   runner, devices? (with --devices), madeFor: { name, ops, graphHash } }
  -h, --help

exit codes: 0 ok, 2 usage/model/profile/plan error, 3 infeasible request`;

const MiB = 1024 * 1024;
const isSpec = (s: string): boolean => s.startsWith('zoo:') || s.startsWith('synth:');

interface Choice {
  readonly strategy: string;
  readonly tpus: number | undefined;
  readonly cwd: string;
  readonly profile: CostProfile;
  readonly batch: number;
  readonly objective: ObjectiveKind;
  readonly seed: string;
  readonly runner?: RunnerName;
  /** The cost model a searching strategy searches with, built only when one searches. */
  readonly searchCost: () => CostModel;
}

function cutsFor(graph: LayerGraph, c: Choice): E.Either<TpusegError, { name: string; cuts: readonly number[] }> {
  const n = c.tpus ?? 1;
  if (c.strategy === 'compiler') return E.map((cuts: number[]) => ({ name: 'compiler', cuts }))(compilerCuts(graph, n));
  if (c.strategy === 'layers') return E.map((cuts: number[]) => ({ name: 'layers', cuts }))(layerCuts(graph, n));
  if (c.strategy.endsWith('.json')) {
    const plan = readPlanFile(path.resolve(c.cwd, c.strategy), graph, c.tpus);
    return E.map((p: { strategy: string; cuts: readonly number[] }) => ({ name: p.strategy, cuts: p.cuts }))(plan);
  }
  const found = searchPlan({ graph, strategy: c.strategy, tpus: n, profile: c.profile, batch: c.batch, seed: c.seed, cwd: c.cwd, objective: c.objective, ...(c.runner ? { runner: c.runner } : {}), cost: c.searchCost() });
  return E.map((p: { strategy: string; cuts: readonly number[] }) => ({ name: p.strategy, cuts: p.cuts }))(found);
}

const fmtBytes = (b: number): string => (b >= MiB ? `${(b / MiB).toFixed(2)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`);

const RUNNER_TEXT: Readonly<Record<RunnerName, string>> = {
  pycoral: "pycoral's C++ PipelinedModelRunner (a C++ thread per stage)",
  'python-threads': 'one Python thread per stage (tensor copies and Python under the interpreter lock)',
};

/** `ms (lo-hi)` with the band, or `ms` alone without one. */
const withBand = (ms: number, u: Uncertainty): string =>
  u.band ? `${ms.toFixed(3)} ms (${(ms * u.band.lo).toFixed(3)}-${(ms * u.band.hi).toFixed(3)})` : `${ms.toFixed(3)} ms`;

export function renderPrediction(graph: LayerGraph, profile: CostProfile, name: string, ev: PlanEvaluation, runner: RunnerName, devices?: readonly CostProfile[]): string[] {
  const u = uncertaintyOf(profile, graph, ev, devices);
  const sim = simulatePipeline(ev.segments.map((s) => s.ms), ev.segments.length, ev.batch);
  const head = ['seg', 'ops', 'on TPU', 'params', 'on-chip', 'off-chip', 'in', 'out', 'compute', 'stream', 'xfer', 'host', 'ms'];
  const rows = ev.segments.map((s, i) => [
    devices ? `${i} ${devices[i]!.name}` : String(i), `${s.firstOp}-${s.lastOp} (${s.ops})`, String(s.tpuOps ?? s.ops), fmtBytes(s.paramBytes), fmtBytes(s.onChipBytes), fmtBytes(s.offChipBytes),
    fmtBytes(s.inBytes), fmtBytes(s.outBytes), s.computeMs.toFixed(3), s.streamMs.toFixed(3), (s.inMs + s.outMs).toFixed(3),
    (s.cpuMs + s.fixedMs + s.hopMs).toFixed(3), s.ms.toFixed(3),
  ]);
  const onHost = ev.segments.flatMap((s) => s.cpuOps.map((i) => `${i} ${graph.ops[i]!.type}`));
  return [
    `${graph.name}: ${graph.ops.length} ops, ${ev.segments.length} segment(s) by ${name}, ${devices ? `TPUs ${devices.map((d) => d.name).join(', ')} (host ${profile.name})` : `profile ${profile.name}`}`,
    `runner: ${RUNNER_TEXT[runner]}${ev.segments.length === 1 ? ' (one segment: a plain invoke)' : ''}`,
    ...alignedLines(head, rows, new Set([0, 1])),
    ...(onHost.length > 0 ? [`on the host CPU (the compiler leaves them there): ${onHost.length > 12 ? `${onHost.slice(0, 12).join(', ')}, ... (${onHost.length} ops)` : onHost.join(', ')}`] : []),
    `latency (one input):          ${withBand(ev.latencyMs, u)}`,
    `steady state:                 ${withBand(ev.bottleneckMs, u)}/input (${(1000 / ev.bottleneckMs).toFixed(1)} inputs/s), set by the ${ev.limitedBy}`,
    `batch of ${ev.batch}, closed form:    ${withBand(ev.msPerInput, u)}/input${ev.firstMs > 0 ? ` (incl. ${ev.firstMs.toFixed(1)} ms of first invokes)` : ''}`,
    `batch of ${ev.batch}, simulated:      ${sim.msPerInput.toFixed(3)} ms/input (stage times only)`,
    u.band
      ? `band: ${u.regime}, measured / predicted ${u.band.lo}-${u.band.hi} on 8 in 10 of ${bandRests(u.band.rows, 'calibration rows', u.band.from, profile.name)}`
      : devices && uncertaintyOf(profile, graph, ev).band
        ? `band: none (the board's profiles give different bands in regime ${u.regime})`
        : `band: none (profile ${profile.name} has no calibration rows in regime ${u.regime})`,
    '(on TPU = ops the compiler maps; host = host-side ops + fixed per invoke + runner; xfer = activations in and out)',
  ];
}

export const predictCommand: Command = {
  name: 'predict',
  get help() {
    return help();
  },
  async run(argv, io) {
    const parsed = parse('predict', argv, {
      tpus: { type: 'string' }, strategy: { type: 'string' }, profile: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' },
      runner: { type: 'string' }, 'fresh-runner': { type: 'boolean' }, devices: { type: 'string' },
      objective: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string', short: 'o' },
    });
    if (E.isLeft(parsed)) return parsed;
    const { values: v, positionals } = parsed.right;
    if (positionals.length !== 1) return E.left(usage(`predict: expected one model, got ${positionals.length} (see tpuseg predict --help)`));
    const tpus = v['tpus'] === undefined ? E.right(undefined) : positiveInt('predict', 'tpus', v['tpus']);
    if (E.isLeft(tpus)) return tpus;
    const batch = positiveInt('predict', 'batch', v['batch'], 15, MAX_BATCH);
    if (E.isLeft(batch)) return batch;
    const objective = objectiveOption('predict', v['objective'], OBJECTIVES);
    if (E.isLeft(objective)) return objective;
    const spec = positionals[0]!;
    const graph = loadModelToPlan(isSpec(spec) ? spec : path.resolve(io.cwd, spec));
    if (E.isLeft(graph)) return graph;
    const runner = runnerOption('predict', v['runner']);
    if (E.isLeft(runner)) return runner;
    const runnerOpts = runner.right ? { runner: runner.right } : {};
    const freshRunner = v['fresh-runner'] === true;
    const priced = requestCost({
      ...(typeof v['profile'] === 'string' ? { profile: profileArg(v['profile'], io.cwd) } : {}),
      ...(typeof v['devices'] === 'string' ? { devices: devicesArg(v['devices'], io.cwd) } : {}),
      ...runnerOpts, freshRunner,
    }, graph.right);
    if (E.isLeft(priced)) return priced;
    const { cost, profile, devices: board } = priced.right;
    const n = tpus.right ?? board?.length;
    if (board && n !== board.length) return E.left(usage(`predict: --tpus ${n} but --devices lists ${board.length} TPUs; give one profile per TPU`));
    const plan = cutsFor(graph.right, {
      strategy: typeof v['strategy'] === 'string' ? v['strategy'] : 'compiler', tpus: n, cwd: io.cwd,
      profile, batch: batch.right, objective: objective.right, seed: typeof v['seed'] === 'string' ? v['seed'] : '0',
      ...runnerOpts,
      // Searched as tpuseg segment searches: without a fresh runner's first invokes.
      searchCost: () => (freshRunner ? costOn(graph.right, profile, board, runnerOpts) : cost),
    });
    if (E.isLeft(plan)) return plan;
    const ev = evaluatePlan(cost, plan.right.cuts, batch.right);
    const used = cost.pipeline?.runner ?? DEFAULT_RUNNER;
    const result = {
      ...planResult(plan.right.name, ev, uncertaintyOf(profile, graph.right, ev, board)), runner: used,
      ...(board ? { devices: board.map((d) => d.name) } : {}), madeFor: madeFor(graph.right),
    };
    if (typeof v['out'] === 'string') {
      const written = writeJsonFile(path.resolve(io.cwd, v['out']), result);
      if (E.isLeft(written)) return written;
    }
    if (v['json'] === true) io.out(toJson(result));
    else for (const l of renderPrediction(graph.right, profile, plan.right.name, ev, used, board)) io.out(l);
    return E.right(undefined);
  },
};
