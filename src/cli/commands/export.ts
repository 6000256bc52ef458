import * as E from 'fp-ts/Either';
import { MAX_BATCH } from '../../limits';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PROFILE, loadProfile } from '../../../cost-models';
import { requestCost } from '../../search/request-cost';
import { usage, type TpusegError } from '../../errors';
import { buildExport, writeExport, type ExportBundle } from '../../export/export';
import { checkPlanFits, parsePlanFile, type PlanChoice } from '../../export/plan-file';
import type { LayerGraph } from '../../graph/types';
import { searchPlan } from '../../export/search-plan';
import { loadModelToPlan, readModelFile } from '../../model/load';
import { devicesArg, parse, positiveInt } from '../args';
import type { Command, Io } from '../command';
import { readTextFile } from '../../plan/plan-file';

const HELP = `usage: tpuseg export <model> --plan <plan.json> --out DIR [options]
       tpuseg export <model> --plan <advice.json> [--configuration ID] --out DIR [options]
       tpuseg export <model> --strategy S --tpus N --out DIR [options]
       tpuseg export --plan <workload-plan.json> [--configuration ID] --out DIR [options]

Turns a plan into the files a multi-TPU board runs. <model> is a .tflite file, zoo:NAME[@SIZE]
or synth:FAMILY?k=v&... Writes into DIR:
  <stem>_segment_<i>_of_<N>.tflite  one model per segment: exactly its ops, tensors and weights;
                                    inputs = tensors crossing into it (also from segments
                                    further back), outputs = tensors a later segment reads or
                                    model outputs; original tensor names kept
  plan.json                         the plan, its predictions under the profile, the files
  compile.sh                        edgetpu_compiler for each segment (-s, -o, --timeout_sec)
  run_pipeline.py                   pycoral pipeline on N Edge TPUs; prints JSON timings, latency
                                    percentiles and throughput; --inputs DIR --outputs OUT runs
                                    it on your .npy files or images (run_pipeline.py --help)
Then \`tpuseg validate DIR --backend litert\` checks the segments against the model.

An advice (\`tpuseg advise ... -o advice.json\`) exports its recommended configuration, or the one
--configuration names: the segment files once, plan.json recording the whole configuration
(which TPUs run each segment's copies, its predicted throughput and latency), and a
run_pipeline.py that starts it: replicas as one pycoral runner each, inputs dealt to them in
turn; a hybrid's segment copies as runners of their own with a thread per cut handing tensors
on; segment copies on devices ':i' for board position i (--devices to name them).

A workload plan (\`tpuseg advise --workload ... -o plan.json\`) exports its recommended
assignment, or the one --configuration names: each model's export in DIR/<name>/ (a model alone
in its configuration on its unit's TPUs; a model sharing TPUs whole, a copy on each), and
  workload.json     the assignment: units, models, board positions, predictions
  compile.sh        each model's compile.sh; the models of a co-compiled unit in one compiler
                    call, in the plan's order, into DIR/unit_<i>_co-compiled/
  run_pipeline.py   the whole workload at once: every model's runner in a thread, on its unit's
                    devices (TPUs shared through one delegate); --inputs NAME=DIR per model, else
                    random inputs; prints per-model throughput and latency percentiles as JSON

options:
  --plan FILE       what \`tpuseg segment --json\` printed (its best result is used), one
                    result object of it, or what \`tpuseg advise --json\` printed
  --configuration ID  with an advice: the configuration to export (default: the recommended one)
  --devices LIST    with an advice for a board whose TPUs differ: one profile per TPU position for
                    the predictions (default: the advice's)
  --strategy S      search for the plan with strategy S instead (with --tpus)
  --tpus N          number of segments for --strategy
  --out DIR         directory to write (created if needed; files of the same names are replaced)
  --profile P       cost profile for the predictions and the search (default: the plan file's,
                    else ${DEFAULT_PROFILE})
  --batch B         batch of the predictions and of run_pipeline.py (default: the plan file's, else 15)
  --seed S          seed of the search and of generated weights of zoo/synth models (default 0)
  --json            print plan.json instead of the summary
  -h, --help`;

function summary(bundle: ExportBundle, dir: string): string[] {
  const m = bundle.manifest;
  const lines = [`${m.model.name}: ${m.tpus} segment(s) by ${m.predicted.strategy} (cuts ${m.predicted.cuts.join(', ') || 'none'}) -> ${dir}`];
  m.segments.forEach((s, i) => {
    const p = m.predicted.segments[i]!;
    lines.push(`  ${s.file}  ops ${s.firstOp}..${s.lastOp}  in ${s.inputs.length}  out ${s.outputs.length}  predicted ${p.ms.toFixed(2)} ms`);
  });
  lines.push(`  predicted (${m.profile}): ${m.predicted.msPerInput.toFixed(2)} ms per input for a batch of ${m.predicted.batch}, slowest stage ${m.predicted.bottleneckMs.toFixed(2)} ms`);
  const c = m.configuration;
  if (c) {
    lines.push(`  configuration ${c.id} (${c.kind}) on ${c.tpus} TPU(s): ${c.assignment.map((ts, i) => `segment ${i} on ${ts.length > 1 ? 'TPUs' : 'TPU'} ${ts.join(',')}`).join('; ')}`);
    lines.push(`  predicted: ${c.throughput.toFixed(c.throughput >= 100 ? 0 : 1)} inputs/s in steady state (set by the ${c.limitedBy}), latency ${c.latencyMs.toFixed(2)} ms`);
  }
  lines.push('  plan.json  compile.sh  run_pipeline.py');
  return lines;
}

async function run(argv: readonly string[], io: Io): Promise<E.Either<TpusegError, void>> {
  const parsed = parse('export', argv, {
    plan: { type: 'string' },
    strategy: { type: 'string' },
    tpus: { type: 'string' },
    out: { type: 'string', short: 'o' },
    profile: { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    configuration: { type: 'string' },
    devices: { type: 'string' },
  });
  if (E.isLeft(parsed)) return parsed;
  const { values: v, positionals } = parsed.right;
  if (positionals.length === 0 && typeof v.plan === 'string') return runWorkload(v, io);
  if (positionals.length !== 1) return E.left(usage(`export: expected one model, got ${positionals.length} (see tpuseg export --help)`));
  if (typeof v.out !== 'string') return E.left(usage('export: --out DIR is required'));
  if ((v.plan === undefined) === (v.strategy === undefined)) return E.left(usage('export: give either --plan FILE or --strategy S --tpus N'));
  if (v.plan !== undefined && v.tpus !== undefined) return E.left(usage('export: --tpus goes with --strategy; a plan file fixes the number of segments'));
  if (v.plan === undefined && (v.configuration !== undefined || v.devices !== undefined)) return E.left(usage('export: --configuration and --devices go with --plan <advice.json>'));
  const seed = typeof v.seed === 'string' ? v.seed : '0';
  const raw = positionals[0]!;
  const spec = /^(zoo|synth):/.test(raw) ? raw : path.resolve(io.cwd, raw);
  const graph = loadModelToPlan(spec);
  if (E.isLeft(graph)) return graph;

  // A plan file brings its own profile and batch; --profile and --batch override them.
  const plan = typeof v.plan === 'string' ? planFromFile(v.plan, graph.right, io.cwd, typeof v.configuration === 'string' ? v.configuration : undefined) : undefined;
  if (plan && E.isLeft(plan)) return plan;
  const chosen = plan ? plan.right : undefined;
  const batch = positiveInt('export', 'batch', v.batch, chosen?.result.batch ?? 15, MAX_BATCH);
  if (E.isLeft(batch)) return batch;
  const profileName = typeof v.profile === 'string' ? v.profile : chosen?.profile ?? DEFAULT_PROFILE;
  const profileSpec = PROFILE_IS_PATH(profileName) ? path.resolve(io.cwd, profileName) : profileName;
  const profile = loadProfile(profileSpec);
  if (E.isLeft(profile)) return profile;

  let cuts: readonly number[];
  let strategy: string;
  if (chosen) {
    cuts = chosen.cuts;
    strategy = chosen.strategy ?? 'plan';
  } else {
    const tpus = positiveInt('export', 'tpus', v.tpus);
    if (E.isLeft(tpus)) return tpus;
    const found = searchPlan({ graph: graph.right, strategy: v.strategy as string, tpus: tpus.right, profile: profile.right, batch: batch.right, seed, cwd: io.cwd });
    if (E.isLeft(found)) return found;
    cuts = found.right.cuts;
    strategy = found.right.strategy;
  }

  // An advised configuration is predicted on the board it was advised for.
  const layout = chosen?.layout;
  const devices = typeof v.devices === 'string' ? v.devices : layout?.devices?.join(',');
  if (layout && devices !== undefined && devices.split(',').length <= Math.max(...layout.tpus.flat())) {
    return E.left(usage(`export: configuration ${layout.id} runs on board positions up to ${Math.max(...layout.tpus.flat())}, but the devices list ${devices.split(',').length} TPUs`));
  }
  const priced = layout ? requestCost({ profile: profileSpec, ...(devices !== undefined ? { devices: devicesArg(devices, io.cwd) } : {}) }, graph.right) : undefined;
  if (priced && E.isLeft(priced)) return priced;
  const read = /^(zoo|synth):/.test(spec) ? undefined : readModelFile(spec);
  if (read && E.isLeft(read)) return read;
  const fileBytes = read?.right;
  const bundle = buildExport({
    graph: graph.right, spec, ...(fileBytes ? { fileBytes } : {}), cuts, strategy, profile: profile.right, batch: batch.right, seed,
    ...(layout ? { layout: { id: layout.id, tpus: layout.tpus, ...(devices !== undefined ? { devices: devices.split(',').map((d) => d.trim()) } : {}) } } : {}),
    ...(priced && E.isRight(priced) ? { cost: priced.right.cost } : {}),
  });
  if (E.isLeft(bundle)) return bundle;
  const dir = path.resolve(io.cwd, v.out);
  const written = writeExport(dir, bundle.right, io.err);
  if (E.isLeft(written)) return written;
  for (const w of bundle.right.manifest.warnings) io.err(`tpuseg export: warning: ${w}`);
  if (v.json) io.out(JSON.stringify(bundle.right.manifest, null, 2));
  else for (const line of summary(bundle.right, v.out)) io.out(line);
  return E.right(undefined);
}

/** `export --plan <workload plan> --out DIR`: every model's export and the workload's scripts. */
async function runWorkload(v: Record<string, unknown>, io: Io): Promise<E.Either<TpusegError, void>> {
  if (typeof v['out'] !== 'string') return E.left(usage('export: --out DIR is required'));
  for (const flag of ['strategy', 'tpus', 'devices']) if (v[flag] !== undefined) return E.left(usage(`export: --${flag} does not go with a workload plan`));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { readJsonFile } = require('../../plan/plan-file') as typeof import('../../plan/plan-file');
  const { isWorkloadPlan, parseWorkloadPlan } = require('../../export/workload-plan') as typeof import('../../export/workload-plan');
  const { buildWorkloadExport, writeWorkloadExport } = require('../../export/workload-export') as typeof import('../../export/workload-export');
  const file = path.resolve(io.cwd, String(v['plan']));
  const json = readJsonFile(file);
  if (E.isLeft(json)) return json;
  if (!isWorkloadPlan(json.right)) return E.left(usage(`export: ${v['plan']} is not a workload plan (tpuseg advise --workload -o FILE); a segment or advise plan needs its <model>`));
  const parsed = parseWorkloadPlan(json.right, String(v['plan']), typeof v['configuration'] === 'string' ? v['configuration'] : undefined);
  if (E.isLeft(parsed)) return parsed;
  const { plan, assignment } = parsed.right;
  const batch = positiveInt('export', 'batch', v['batch'], plan.batch ?? 15);
  if (E.isLeft(batch)) return batch;
  const profileName = typeof v['profile'] === 'string' ? v['profile'] : plan.profile ?? DEFAULT_PROFILE;
  const profile = loadProfile(PROFILE_IS_PATH(profileName) ? path.resolve(io.cwd, profileName) : profileName);
  if (E.isLeft(profile)) return profile;
  const bundle = buildWorkloadExport({ plan, assignment, profile: profile.right, batch: batch.right, seed: typeof v['seed'] === 'string' ? v['seed'] : '0' });
  if (E.isLeft(bundle)) return bundle;
  const dir = path.resolve(io.cwd, String(v['out']));
  const written = writeWorkloadExport(dir, bundle.right.files);
  if (E.isLeft(written)) return written;
  const m = bundle.right.manifest.workload;
  if (v['json']) io.out(JSON.stringify(bundle.right.manifest, null, 2));
  else {
    io.out(`workload ${m.assignment} on ${m.tpus} TPU(s) -> ${String(v['out'])}`);
    for (const [i, u] of m.units.entries()) io.out(`  unit ${i + 1}: ${u.models.join(' + ')} ${u.kind} on TPU${u.positions.length > 1 ? 's' : ''} ${u.positions.join(',')}`);
    for (const x of m.models) io.out(`  ${x.dir}/  ${x.segments} segment(s)${x.predictedPerS !== undefined ? `, predicted ${x.predictedPerS.toFixed(1)} inputs/s` : ''}${x.rate !== undefined ? ` (target ${x.rate})` : ''}`);
    io.out('  workload.json  compile.sh  run_pipeline.py');
  }
  return E.right(undefined);
}

const PROFILE_IS_PATH = (p: string): boolean => p.endsWith('.json') || p.includes('/');

function planFromFile(name: string, graph: LayerGraph, cwd: string, configuration?: string): E.Either<TpusegError, PlanChoice> {
  const text = readTextFile(path.resolve(cwd, name));
  if (E.isLeft(text)) return text;
  return E.chain((p: PlanChoice) => checkPlanFits(p, graph, name))(parsePlanFile(text.right, name, configuration));
}

export const exportCommand: Command = {
  name: 'export',
  help: HELP,
  run,
};
