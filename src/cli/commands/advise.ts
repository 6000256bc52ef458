import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { DEFAULT_PROFILE, PROFILE_NAMES } from '../../../cost-models/names';
import { bandRests } from '../../../cost-models/bands';
import type { ObjectiveKind } from '../../../strategies/types';
import { usage, type TpusegError } from '../../errors';
import { count, MAX_ADVISE_TPUS, MAX_BATCH } from '../../limits';
import { LAYOUT_DP_LIMIT, type LayoutProof } from '../../advise/search';
import type { AdvisedConfiguration, AdviseReport, AdviseRequest } from '../../advise/advise';
import { devicesArg, nonNegativeNumber, objectiveOption, parse, positiveInt, profileArg, runnerOption, coralHelp, type CoralFlag } from '../args';
import type { RunnerName } from '../../../cost-models/names';
import type { Workload } from '../../workload/spec';
import type { WorkloadObjective } from '../../workload/advise';
import type { Command, Io } from '../command';
import { writeJsonFile } from '../json-file';
import { optionalOutFile } from '../out-path';
import { alignedLines, toJson } from '../text';

const CORAL: readonly CoralFlag[] = ['model_path'];

const HELP = `usage: tpuseg advise <model> --tpus K [--profile P] [--devices D1,D2,...] [--objective O] [--json]
       tpuseg advise --workload W.json --tpus K [--profile P] [--json] [-o plan.json]
       tpuseg advise --model SPEC=RATE --model SPEC=RATE ... --tpus K

What to run on up to K Edge TPUs. Weighs, under the cost model and everything the stages share
(the host's interpreter lock, a shared link, its CPU cores; src/pipeline/layout.ts):
  - pipelines of k = 1..K stages (dp's cuts),
  - r replicas of a k-stage pipeline (r x k <= K, inputs dealt round robin, one runner each),
  - hybrids: pipelines whose slowest stages run on several TPUs taking alternate inputs,
and prints the Pareto front of throughput vs latency vs TPUs used, the throughput per TPU, the
best configuration on up to m TPUs for every m, the knee, and a recommendation with one line of
reasoning. Every figure carries the 80% band of its regime when the profile has one.
\`tpuseg export <model> --plan advice.json --out DIR\` writes the recommended configuration
(after \`advise ... -o advice.json\`).

options:
  --tpus K           TPUs on the board, 1..${MAX_ADVISE_TPUS} (default with --devices: their number)
  --profile P        ${PROFILE_NAMES.join(' | ')} | a profile JSON file (default ${DEFAULT_PROFILE});
                     with --devices, the host's profile (default: the first device's)
  --devices LIST     one profile per TPU position (e.g. edgetpu-pcie,edgetpu-usb3,edgetpu-usb3): a
                     board whose TPUs differ; advise also chooses which TPUs run which stage and in
                     what order, exactly for the slowest stage on every number of TPUs (the
                     "layouts:" line says where a shared resource binds instead, and by how much)
  --runner R         pycoral (default, as the exported run_pipeline.py) | python-threads
  --objective O      throughput (steady state, default) | latency (one input) | batch (ms per input
                     of a batch of B): what the recommendation optimizes
  --batch B          inputs per batch for --objective batch and the ms/input figures (default 15)
  --tolerance F      configurations within F of the best count as good; the fewest TPUs among
                     them is recommended (default 0.02)
  --knee F           the knee: from where one more TPU adds less than F of the throughput a TPU
                     gives on average at that size (default 0.5)
  --all              list every configuration priced, not only the Pareto front
  -o, --out FILE     also write the JSON report (a plan file for \`tpuseg export --plan\`)
  --json             print the report as one JSON object: { model, tpus, profile, devices?, runner,
                     objective, batch, tolerance, fitsOnOneTpu, streamingStopsAt, configurations:
                     [{ id, kind, stages, tpus, copies, assignment, cuts, steadyMs, throughput,
                     throughputPerTpu, latencyMs, msPerInput (with ...Low/...High when banded),
                     limitedBy, offChipBytes, streams, stageMs, handoffMs, onFront, uncertainty }],
                     front, bestByTpus, knee: { tpus, fraction, adds }, recommended, reasoning,
                     orders?, layouts? (boards whose TPUs differ: the exact layout DP's bound
                     per m and the best found over it, 1 = proven optimal), madeFor }
${coralHelp(CORAL)}
  -h, --help

Several models on one board (a workload): --workload W.json, a file
  {"models": [{"model": "zoo:mobilenet_v2", "rate": 300}, {"model": "b.tflite", "weight": 2}]}
(paths relative to the file; each model a target rate in inputs/s, or every model a weight), or
--model SPEC=RATE / --model SPEC=weight:W once per model (the last "=" ends the spec). Up to 6
models. Answers which TPUs run which model: each model alone in a configuration above, or several
sharing TPUs, co-compiled (one compiler call: the on-chip parameter cache given out in the order
compiled, the rest streamed) or time-shared (parameters reloaded on every switch), priced with
the interleaving of their invokes and what every runner shares on the host (cores, interpreter
lock, a shared link). --objective tpus (the default with rates): the fewest TPUs that meet every
rate, or, when K cannot, the best lowest achieved / target ratio and each model's shortfall;
--objective ratio (the default with weights): the largest lowest achieved / target (or / weight)
ratio on K, on the fewest TPUs within --tolerance of it.
Exact under the cost model (every grouping of the models, every option of each group). Prints
the best assignment on up to m TPUs for every m, the recommendation and its reasoning; --json
prints { models, mode, objective, objectiveText, tpus, profile, runner, assignments: [{ id, tpus, ratio,
ratioLow?, ratioHigh?, limitedBy, host, units, models, meetsTargets?, onFront }], front,
recommended, met, shortfall?, reasoning, search, sharing, madeFor }; -o writes it as a plan for
\`tpuseg export --plan plan.json --out DIR\`. --devices and --knee do not apply.

exit codes: 0 ok, 2 usage/model/profile error, 3 infeasible request`;

const OBJECTIVES: readonly ObjectiveKind[] = ['throughput', 'latency', 'batch'];
const MiB = 1024 * 1024;

/** The request a command line asks for (pure). */
export function adviseRequest(argv: readonly string[], cwd: string): E.Either<TpusegError, { request: AdviseRequest; json: boolean; all: boolean; out?: string }> {
  const parsed = parse('advise', argv, {
    tpus: { type: 'string' }, profile: { type: 'string' }, devices: { type: 'string' }, runner: { type: 'string' },
    objective: { type: 'string' }, batch: { type: 'string' }, tolerance: { type: 'string' }, knee: { type: 'string' },
    all: { type: 'boolean' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' },
    workload: { type: 'string' }, model: { type: 'string', multiple: true },
  }, CORAL);
  if (E.isLeft(parsed)) return parsed;
  const { values: v, positionals } = parsed.right;
  if (v['workload'] !== undefined || v['model'] !== undefined) return E.left(usage('advise: --workload and --model go with the workload form (see tpuseg advise --help)'));
  if (positionals.length !== 1) return E.left(usage(`advise: expected one model, got ${positionals.length} (see tpuseg advise --help)`));
  if (v['tpus'] === undefined && v['devices'] === undefined) return E.left(usage('advise: --tpus K is required (see tpuseg advise --help)'));
  const tpus = v['tpus'] === undefined ? E.right(undefined) : positiveInt('advise', 'tpus', v['tpus']);
  const batch = positiveInt('advise', 'batch', v['batch'], 15, MAX_BATCH);
  // Absent, the advise engine's defaults apply (src/advise/advise.ts, not loaded for --help).
  const tolerance = v['tolerance'] === undefined ? E.right(undefined) : nonNegativeNumber('advise', 'tolerance', v['tolerance']);
  const knee = v['knee'] === undefined ? E.right(undefined) : nonNegativeNumber('advise', 'knee', v['knee']);
  const runner = runnerOption('advise', v['runner']);
  for (const e of [tpus, batch, tolerance, knee, runner]) if (E.isLeft(e)) return e;
  const get = <A>(e: E.Either<TpusegError, A>): A => (e as E.Right<A>).right;
  const K = get(tpus);
  if (K !== undefined && K > MAX_ADVISE_TPUS) return E.left(usage(`advise: --tpus expects an integer from 1 to ${MAX_ADVISE_TPUS}, got ${K}`));
  const objective = objectiveOption('advise', v['objective'], OBJECTIVES);
  if (E.isLeft(objective)) return objective;
  const model = positionals[0]!;
  const devices = v['devices'] === undefined ? undefined : devicesArg(String(v['devices']), cwd);
  return E.right({
    json: v['json'] === true,
    all: v['all'] === true,
    ...(typeof v['out'] === 'string' ? { out: v['out'] } : {}),
    request: {
      model: /^(zoo|synth):/.test(model) ? model : path.resolve(cwd, model),
      ...(K !== undefined ? { tpus: K } : {}),
      ...(typeof v['profile'] === 'string' ? { profile: profileArg(v['profile'], cwd) } : {}),
      ...(devices !== undefined ? { devices } : {}),
      ...(get(runner) ? { runner: get(runner)! } : {}),
      objective: objective.right,
      batch: get(batch),
      ...(get(tolerance) !== undefined ? { tolerance: get(tolerance)! } : {}),
      ...(get(knee) !== undefined ? { knee: get(knee)! } : {}),
    },
  });
}

export interface WorkloadArgs {
  readonly workload: Workload;
  readonly tpus: number;
  readonly profile?: string;
  readonly runner?: RunnerName;
  readonly batch: number;
  readonly tolerance?: number;
  readonly objective?: WorkloadObjective;
  readonly json: boolean;
  readonly out?: string;
}

const isWorkload = (argv: readonly string[]): boolean => argv.some((a) => /^--(workload|model)(=|$)/.test(a));

/** The workload a command line asks about (`--workload FILE` or `--model SPEC=RATE ...`). */
export function workloadRequest(argv: readonly string[], cwd: string): E.Either<TpusegError, WorkloadArgs> {
  const parsed = parse('advise', argv, {
    workload: { type: 'string' }, model: { type: 'string', multiple: true }, tpus: { type: 'string' }, profile: { type: 'string' },
    runner: { type: 'string' }, batch: { type: 'string' }, tolerance: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' },
    objective: { type: 'string' },
  }, CORAL);
  if (E.isLeft(parsed)) return parsed;
  const { values: v, positionals } = parsed.right;
  if (positionals.length > 0) return E.left(usage(`advise: a workload takes no model argument (got "${positionals[0]}"): list models in the file or with --model`));
  const models = v['model'] as string[] | undefined;
  if ((v['workload'] === undefined) === (models === undefined)) return E.left(usage('advise: give either --workload FILE or --model SPEC=RATE ..., not both'));
  if (v['tpus'] === undefined) return E.left(usage('advise: --tpus K is required (see tpuseg advise --help)'));
  const tpus = positiveInt('advise', 'tpus', v['tpus']);
  if (E.isLeft(tpus)) return tpus;
  if (tpus.right > MAX_ADVISE_TPUS) return E.left(usage(`advise: --tpus expects an integer from 1 to ${MAX_ADVISE_TPUS}, got ${tpus.right}`));
  const batch = positiveInt('advise', 'batch', v['batch'], 15, MAX_BATCH);
  if (E.isLeft(batch)) return batch;
  const tolerance = v['tolerance'] === undefined ? E.right(undefined) : nonNegativeNumber('advise', 'tolerance', v['tolerance']);
  if (E.isLeft(tolerance)) return tolerance;
  const runner = runnerOption('advise', v['runner']);
  if (E.isLeft(runner)) return runner;
  const objective = v['objective'];
  if (objective !== undefined && objective !== 'tpus' && objective !== 'ratio') return E.left(usage(`advise: with a workload, --objective expects tpus | ratio, got "${String(objective)}"`));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const spec = require('../../workload/spec') as typeof import('../../workload/spec');
  const workload = models !== undefined ? spec.workloadFromArgs(models, cwd) : spec.loadWorkload(path.resolve(cwd, String(v['workload'])));
  if (E.isLeft(workload)) return workload;
  return E.right({
    workload: workload.right, tpus: tpus.right, batch: batch.right,
    ...(typeof v['profile'] === 'string' ? { profile: profileArg(v['profile'], cwd) } : {}),
    ...(runner.right ? { runner: runner.right } : {}),
    ...(tolerance.right !== undefined ? { tolerance: tolerance.right } : {}),
    ...(objective !== undefined ? { objective: objective as WorkloadObjective } : {}),
    json: v['json'] === true,
    ...(typeof v['out'] === 'string' ? { out: v['out'] } : {}),
  });
}

async function runWorkload(argv: readonly string[], io: Io): Promise<E.Either<TpusegError, void>> {
  const req = workloadRequest(argv, io.cwd);
  if (E.isLeft(req)) return req;
  const checked = optionalOutFile('advise', '--out', req.right.out, io.cwd);
  if (E.isLeft(checked)) return checked;
  const { adviseWorkload } = require('../../workload/advise') as typeof import('../../workload/advise');
  const { renderWorkload } = require('../../workload/render') as typeof import('../../workload/render');
  const { json, out: _out, ...request } = req.right;
  const advice = adviseWorkload(request);
  if (E.isLeft(advice)) return advice;
  const report = advice.right.report;
  if (checked.right !== undefined) {
    const written = writeJsonFile(checked.right, report);
    if (E.isLeft(written)) return written;
  }
  if (json) io.out(toJson(report));
  else for (const l of renderWorkload(report)) io.out(l);
  return E.right(undefined);
}

/** `12.3 (11.0-13.1)` with the band, or `12.3` alone. */
const banded = (x: number, lo: number | undefined, hi: number | undefined, digits: number): string =>
  lo !== undefined && hi !== undefined ? `${x.toFixed(digits)} (${lo.toFixed(digits)}-${hi.toFixed(digits)})` : x.toFixed(digits);

const rateDigits = (x: number): number => (x >= 100 ? 0 : 1);

export function renderAdvice(r: AdviseReport, all: boolean): string[] {
  const shown = r.configurations.filter((c) => all || c.onFront)
    .sort((a, b) => a.tpus - b.tpus || a.steadyMs - b.steadyMs || a.stages - b.stages);
  const header = ['id', 'TPUs', 'stages', 'TPUs per stage', 'inputs/s (80% band)', 'per TPU', 'latency ms (80% band)', `ms/input (B=${r.batch})`, 'set by', 'streamed MiB'];
  const rows = shown.map((c) => [
    c.id + (c.id === r.recommended ? ' *' : ''), String(c.tpus), String(c.stages), c.copies.join(','),
    banded(c.throughput, c.throughputLow, c.throughputHigh, rateDigits(c.throughput)), c.throughputPerTpu.toFixed(rateDigits(c.throughputPerTpu)),
    banded(c.latencyMs, c.latencyMsLow, c.latencyMsHigh, 2), c.msPerInput.toFixed(2), c.limitedBy, (c.offChipBytes / MiB).toFixed(2),
  ]);
  const byId = new Map(r.configurations.map((c) => [c.id, c] as const));
  const rec = byId.get(r.recommended)!;
  const board = r.devices ? `TPUs ${r.devices.join(', ')} (host ${r.profile})` : `profile ${r.profile}`;
  const kneeText = r.knee.tpus >= r.tpus
    ? `knee: none below ${r.tpus} TPUs (every TPU up to ${r.tpus} adds at least ${pct(r.knee.fraction)} of the throughput a TPU gives on average)`
    : `knee: ${r.knee.tpus} TPUs (from there one more TPU adds less than ${pct(r.knee.fraction)} of the throughput a TPU gives on average)`;
  return [
    `${r.model} on up to ${r.tpus} TPUs, ${board}, runner ${r.runner}, objective ${r.objective}`,
    `${all ? 'every configuration priced' : `Pareto front of throughput, latency and TPUs used (${r.configurations.length} configurations priced; --all lists them)`}:`,
    ...alignedLines(header, rows, new Set([0, 3, 8])),
    `best on up to m TPUs: ${r.bestByTpus.map((b) => `${b.tpus}: ${b.id} ${fmtRate(byId.get(b.id)!)}`).join(', ')}`,
    kneeText,
    `recommended: ${rec.id}, ${configText(rec)}`,
    `why: ${r.reasoning}`,
    ...(r.orders ? [`device orders: dp ran on ${r.orders.tried} orders${r.orders.exhaustive ? ', every distinct one' : ' (not every distinct order: see tpuseg advise --help)'}`] : []),
    ...(r.layouts ? [layoutsText(r.layouts)] : []),
    ...(rec.uncertainty?.band ? [`band: ${rec.uncertainty.regime}, measured / predicted ${rec.uncertainty.band.lo}-${rec.uncertainty.band.hi} on 8 in 10 of ${bandRests(rec.uncertainty.band.rows, 'calibration rows', rec.uncertainty.band.from, r.profile)}`]
      : rec.uncertainty ? [`band: none (no calibration rows in regime ${rec.uncertainty.regime})`] : []),
  ];
}

const pct = (f: number): string => `${(f * 100).toFixed(0)}%`;

/** Whether the best configuration on each number of TPUs is proven optimal on a board whose TPUs differ. */
export function layoutsText(l: LayoutProof): string {
  if (!l.ran) return `layouts: not proven optimal (the exact layout search would take ${count(l.work)} steps, above ${count(LAYOUT_DP_LIMIT)}; the orders above are a heuristic)`;
  const off = l.gap.flatMap((g, i) => (g > 1 + 1e-9 ? [`${i + 1} TPUs within ${((g - 1) * 100).toFixed(1)}%`] : []));
  if (off.length === 0) return `layouts: optimal on every number of TPUs (an exact search over cuts, TPUs per stage and their order attains the least slowest stage possible)`;
  return `layouts: optimal except where a shared resource, not the slowest stage, sets the pace: ${off.join(', ')} of the least slowest stage any layout can have`;
}
const fmtRate = (c: AdvisedConfiguration): string => `${c.throughput.toFixed(rateDigits(c.throughput))}/s`;

function configText(c: AdvisedConfiguration): string {
  const where = c.assignment.map((ts, i) => `stage ${i + 1} on TPU${ts.length > 1 ? 's' : ''} ${ts.join(',')}`).join('; ');
  return `${c.stages} stage(s) on ${c.tpus} TPU(s): ${banded(c.throughput, c.throughputLow, c.throughputHigh, rateDigits(c.throughput))} inputs/s, `
    + `latency ${c.latencyMs.toFixed(2)} ms, set by the ${c.limitedBy}; cuts ${c.cuts.join(',') || 'none'}; ${where}`;
}

export const adviseCommand: Command = {
  name: 'advise',
  help: HELP,
  async run(argv: readonly string[], io: Io) {
    if (isWorkload(argv)) return runWorkload(argv, io);
    const req = adviseRequest(argv, io.cwd);
    if (E.isLeft(req)) return req;
    const out = optionalOutFile('advise', '--out', req.right.out, io.cwd);
    if (E.isLeft(out)) return out;
    const { advise } = require('../../advise/advise') as typeof import('../../advise/advise');
    const advice = advise(req.right.request);
    if (E.isLeft(advice)) return advice;
    const report = advice.right.report;
    if (out.right !== undefined) {
      const written = writeJsonFile(out.right, report);
      if (E.isLeft(written)) return written;
    }
    if (req.right.json) io.out(toJson(report));
    else for (const l of renderAdvice(report, req.right.all)) io.out(l);
    return E.right(undefined);
  },
};
