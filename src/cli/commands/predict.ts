import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { costModel, DEFAULT_PROFILE, loadProfile, PROFILE_NAMES } from '../../../cost-models';
import { usage, type TpusegError } from '../../errors';
import type { LayerGraph } from '../../graph/types';
import { loadModel } from '../../model/load';
import { evaluatePlan, type PlanEvaluation } from '../../pipeline/evaluate';
import { simulatePipeline } from '../../pipeline/simulate';
import { compilerCuts, layerCuts } from '../../plan/fixed-splits';
import { readPlanFile } from '../../plan/plan-file';
import { planResult } from '../../plan/result';
import { parse, positiveInt } from '../args';
import type { Command } from '../command';

const HELP = `usage: tpuseg predict <model> [--tpus N] [--strategy S] [--profile P] [--batch B] [--json]

Predicts, without hardware, how <model> (a .tflite path, zoo:NAME[@SIZE] or synth:...) runs cut
into N pipeline segments on N Edge TPUs: per segment its ops, parameter bytes, what the Edge TPU
compiler will report as on-chip (cached) and off-chip (streamed) memory, the activation bytes in
and out, and its time; then the single-input latency (sum of stages), the steady-state time per
input (the slowest stage) and the time per input of a batch of B inputs, by the closed form
(sum + (B-1) x max) / B and by a discrete-event simulation of the pipeline's one-slot queues.

options:
  --tpus N         segments / Edge TPUs (default 1)
  --strategy S     compiler  the Edge TPU compiler's split by parameter bytes (default)
                   layers    equal numbers of layers per segment
                   FILE      a plan file: { "cuts": [...] }, { "counts": [...] } or a segment --json report
  --profile P      ${PROFILE_NAMES.join(' | ')} | a profile JSON file (default ${DEFAULT_PROFILE})
  --batch B        inputs per batch (default 15)
  --json           print one result object: { strategy, cuts, segments: [{ firstOp, lastOp, ops,
                   paramBytes, onChipBytes, offChipBytes, inBytes, outBytes, ms }], bottleneckMs,
                   latencyMs, batch, msPerInput }
  -h, --help

exit codes: 0 ok, 2 usage/model/profile/plan error, 3 infeasible request, 4 invalid plan`;

const MiB = 1024 * 1024;
const isSpec = (s: string): boolean => s.startsWith('zoo:') || s.startsWith('synth:');

function cutsFor(graph: LayerGraph, strategy: string, tpus: number | undefined, cwd: string): E.Either<TpusegError, { name: string; cuts: readonly number[] }> {
  const n = tpus ?? 1;
  if (strategy === 'compiler') return E.map((cuts: number[]) => ({ name: 'compiler', cuts }))(compilerCuts(graph, n));
  if (strategy === 'layers') return E.map((cuts: number[]) => ({ name: 'layers', cuts }))(layerCuts(graph, n));
  if (!strategy.endsWith('.json')) return E.left(usage(`predict: --strategy expects compiler, layers or a plan .json file, got "${strategy}"`));
  const plan = readPlanFile(path.resolve(cwd, strategy), graph.ops.length, tpus);
  return E.map((p: { strategy: string; cuts: readonly number[] }) => ({ name: p.strategy, cuts: p.cuts }))(plan);
}

const fmtBytes = (b: number): string => (b >= MiB ? `${(b / MiB).toFixed(2)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`);

export function renderPrediction(graph: LayerGraph, profile: string, name: string, ev: PlanEvaluation): string[] {
  const sim = simulatePipeline(ev.segments.map((s) => s.ms), ev.segments.length, ev.batch);
  const head = ['seg', 'ops', 'params', 'on-chip', 'off-chip', 'in', 'out', 'compute', 'stream', 'xfer', 'host', 'ms'];
  const rows = ev.segments.map((s, i) => [
    String(i), `${s.firstOp}-${s.lastOp} (${s.ops})`, fmtBytes(s.paramBytes), fmtBytes(s.onChipBytes), fmtBytes(s.offChipBytes),
    fmtBytes(s.inBytes), fmtBytes(s.outBytes), s.computeMs.toFixed(3), s.streamMs.toFixed(3), (s.inMs + s.outMs).toFixed(3),
    (s.cpuMs + s.fixedMs + s.hopMs).toFixed(3), s.ms.toFixed(3),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [
    `${graph.name}: ${graph.ops.length} ops, ${ev.segments.length} segment(s) by ${name}, profile ${profile}`,
    line(head),
    ...rows.map(line),
    `latency (one input):          ${ev.latencyMs.toFixed(3)} ms`,
    `bottleneck (steady state):    ${ev.bottleneckMs.toFixed(3)} ms/input (${(1000 / ev.bottleneckMs).toFixed(1)} inputs/s)`,
    `batch of ${ev.batch}, closed form:    ${ev.msPerInput.toFixed(3)} ms/input`,
    `batch of ${ev.batch}, simulated:      ${sim.msPerInput.toFixed(3)} ms/input`,
    '(host = host-side ops + fixed per invoke + pipeline hop; xfer = activations in and out)',
  ];
}

export const predictCommand: Command = {
  name: 'predict',
  help: HELP,
  async run(argv, io) {
    const parsed = parse('predict', argv, {
      tpus: { type: 'string' }, strategy: { type: 'string' }, profile: { type: 'string' }, batch: { type: 'string' }, json: { type: 'boolean' },
    });
    if (E.isLeft(parsed)) return parsed;
    const { values: v, positionals } = parsed.right;
    if (positionals.length !== 1) return E.left(usage(`predict: expected one model, got ${positionals.length} (see tpuseg predict --help)`));
    const tpus = v['tpus'] === undefined ? E.right(undefined) : positiveInt('predict', 'tpus', v['tpus']);
    if (E.isLeft(tpus)) return tpus;
    const batch = positiveInt('predict', 'batch', v['batch'], 15);
    if (E.isLeft(batch)) return batch;
    const spec = positionals[0]!;
    const graph = loadModel(isSpec(spec) ? spec : path.resolve(io.cwd, spec));
    if (E.isLeft(graph)) return graph;
    const profileName = typeof v['profile'] === 'string' ? v['profile'] : DEFAULT_PROFILE;
    const profile = loadProfile(PROFILE_NAMES.includes(profileName) ? profileName : path.resolve(io.cwd, profileName));
    if (E.isLeft(profile)) return profile;
    const plan = cutsFor(graph.right, typeof v['strategy'] === 'string' ? v['strategy'] : 'compiler', tpus.right, io.cwd);
    if (E.isLeft(plan)) return plan;
    const ev = evaluatePlan(costModel(graph.right, profile.right), plan.right.cuts, batch.right);
    if (v['json'] === true) io.out(JSON.stringify(planResult(plan.right.name, ev), null, 2));
    else for (const l of renderPrediction(graph.right, profile.right.name, plan.right.name, ev)) io.out(l);
    return E.right(undefined);
  },
};
