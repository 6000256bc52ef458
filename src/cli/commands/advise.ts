import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { DEFAULT_PROFILE, PROFILE_NAMES } from '../../../cost-models/names';
import type { ObjectiveKind } from '../../../strategies/types';
import { usage, type TpusegError } from '../../errors';
import { MAX_ADVISE_TPUS, MAX_BATCH } from '../../limits';
import type { AdvisedConfiguration, AdviseReport, AdviseRequest } from '../../advise/advise';
import { devicesArg, nonNegativeNumber, objectiveOption, parse, positiveInt, profileArg, runnerOption } from '../args';
import type { Command, Io } from '../command';
import { writeJsonFile } from '../json-file';
import { alignedLines, toJson } from '../text';

const HELP = `usage: tpuseg advise <model> --tpus K [--profile P] [--devices D1,D2,...] [--objective O] [--json]

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
                     what order
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
                     orders?, madeFor }
  -h, --help

exit codes: 0 ok, 2 usage/model/profile error, 3 infeasible request`;

const OBJECTIVES: readonly ObjectiveKind[] = ['throughput', 'latency', 'batch'];
const MiB = 1024 * 1024;

/** The request a command line asks for (pure). */
export function adviseRequest(argv: readonly string[], cwd: string): E.Either<TpusegError, { request: AdviseRequest; json: boolean; all: boolean; out?: string }> {
  const parsed = parse('advise', argv, {
    tpus: { type: 'string' }, profile: { type: 'string' }, devices: { type: 'string' }, runner: { type: 'string' },
    objective: { type: 'string' }, batch: { type: 'string' }, tolerance: { type: 'string' }, knee: { type: 'string' },
    all: { type: 'boolean' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' },
  });
  if (E.isLeft(parsed)) return parsed;
  const { values: v, positionals } = parsed.right;
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
    ...(typeof v['out'] === 'string' ? { out: path.resolve(cwd, v['out']) } : {}),
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
    ...(rec.uncertainty?.band ? [`band: ${rec.uncertainty.regime}, measured / predicted ${rec.uncertainty.band.lo}-${rec.uncertainty.band.hi} on 8 in 10 of ${rec.uncertainty.band.rows} calibration rows of ${rec.uncertainty.band.from}`]
      : rec.uncertainty ? [`band: none (no calibration rows in regime ${rec.uncertainty.regime})`] : []),
  ];
}

const pct = (f: number): string => `${(f * 100).toFixed(0)}%`;
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
    const req = adviseRequest(argv, io.cwd);
    if (E.isLeft(req)) return req;
    const { advise } = require('../../advise/advise') as typeof import('../../advise/advise');
    const advice = advise(req.right.request);
    if (E.isLeft(advice)) return advice;
    const report = advice.right.report;
    const out = req.right.out;
    if (out !== undefined) {
      const written = writeJsonFile(out, report);
      if (E.isLeft(written)) return written;
    }
    if (req.right.json) io.out(toJson(report));
    else for (const l of renderAdvice(report, req.right.all)) io.out(l);
    return E.right(undefined);
  },
};
