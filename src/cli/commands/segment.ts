import * as E from 'fp-ts/Either';
import { MAX_BATCH } from '../../limits';
import { bandRests, speedupText, type Speedup } from '../../../cost-models/bands';
import * as path from 'node:path';
import { DEFAULT_PROFILE, PROFILE_NAMES } from '../../../cost-models/names';
import { strategies } from '../../../strategies';
import type { ObjectiveKind, Pin } from '../../../strategies/types';
import { usage, workerFailed, type TpusegError } from '../../errors';
import { MAX_OPTION_DEPTH } from '../../limits';
import type { SegmentReport, SegmentRequest } from '../../search/segment';
import { DEFAULT_TOLERANCE } from '../../search/tolerance';
import { DEFAULT_WORKERS_TEXT } from '../../search/workers';
import { devicesArg, nonNegativeNumber, objectiveOption, parse, positiveInt, runnerOption, workersOption, coralHelp, type CoralFlag } from '../args';
import type { Command, Io } from '../command';
import { writeJsonFile } from '../json-file';
import { tryWrite, writeFileSafe } from '../../safe-write';
import { optionalOutFile } from '../out-path';
import { alignedLines, toJson } from '../text';

const CORAL: readonly CoralFlag[] = ['num_segments', 'model_path'];

const help = (): string => `usage: tpuseg segment <model> --tpus N [options]

Searches the cuts of <model> (a .tflite path, zoo:NAME[@SIZE] or synth:...) into N pipeline
segments with several strategies in parallel worker threads, prices every plan with the cost
model, and names the winner. The same --seed gives the same plans whatever --workers is.

strategies (--strategy all, or a comma-separated list; a path loads your own module):
${strategies().map((s) => `  ${s.name.padEnd(10)} ${s.description}`).join('\n')}

options:
  --tpus N                   number of segments / Edge TPUs (required, unless --devices gives them)
  --at-most                  use up to N segments: the fewest whose best plan is within --tolerance
                             of the best on up to N (every N' <= N is searched); the report says how
                             many TPUs it left unused. With --tolerance 0 the plan is the best on up
                             to N segments, never slower than the best on exactly N
  --tolerance F              for --at-most: how much slower fewer segments may be (default 0.02)
  --devices LIST             one profile per TPU position, e.g. edgetpu-pcie,edgetpu-usb3,edgetpu-usb3
                             (a board whose TPUs differ): stage i is priced on device i, so the
                             searchers place segments knowing which device runs which stage (dp is
                             exact for this order); --profile is then the host's (default: the
                             first device's): its runner, cores and shared link
  --strategy LIST            all | name,name,... | ./my-strategy.js (default all)
  --workers W                worker threads (default: ${DEFAULT_WORKERS_TEXT}; 0 runs in this thread)
  --seed S                   run seed (default 0)
  --time-budget T            seconds per task (default 60): a search stops there with its best plan (dp
                             marks it not proven optimal); a task running past 2T+1 s fails
  --profile P                cost profile: ${PROFILE_NAMES.join(' | ')} | a JSON file (default ${DEFAULT_PROFILE})
  --runner R                 pycoral (pycoral's C++ runner, as run_pipeline.py) | python-threads (default: the profile's)
  --objective O              throughput (slowest stage, default) | batch (sum + (B-1) max) | latency (sum)
  --batch B                  inputs per batch for the batch objective and ms/input (default 15)
  --max-crossing-bytes X     no cut may carry more than X bytes of activations
  --pin OP:SEG,...           op OP (0-based, execution order) must run in segment SEG (0-based)
  --option NAME.KEY=VALUE    a strategy option, VALUE as JSON (e.g. annealing.restarts=8); repeatable
  --html FILE                also write the plan view of this search as one self-contained HTML
                             page (every strategy's cuts over the model's ops, per-stage time,
                             on-chip and off-chip bytes); opens in a browser from disk
  -o, --out FILE             also write what --json prints to FILE: a plan file for --plan in
                             export and predict (FILE is replaced; its folder must exist)
  --json                     print the report as JSON:
                             { model, tpus, profile, devices?, atMost?: { tpus, tolerance, used,
                               unused, byTpus }, runner, objective, results: [{ strategy, cuts,
                               segments, bottleneckMs, limitedBy, latencyMs, batch, msPerInput (each
                               time with ...Low/...High, its band), uncertainty, evaluations, searchMs,
                               error? }], best, madeFor: { name, ops, graphHash } }
${coralHelp(CORAL)}
  -h, --help

exit codes: 0 ok, 2 usage/model/profile error, 3 infeasible request`;

const OBJECTIVES: readonly ObjectiveKind[] = ['throughput', 'batch', 'latency'];

function pins(raw: string): E.Either<TpusegError, Pin[]> {
  const out: Pin[] = [];
  for (const item of raw.split(',').filter((s) => s.trim() !== '')) {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(item);
    if (!m) return E.left(usage(`segment: --pin expects OP:SEG pairs such as 12:1,40:2, got "${item}"`));
    out.push({ op: Number(m[1]), segment: Number(m[2]) });
  }
  return E.right(out);
}

/** Keys that would reach an object's prototype rather than name an option. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/** A parsed JSON value's first key that is a prototype's name, as a dotted path; undefined when none. */
function forbiddenKey(v: unknown, at: string): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(k)) return `${at}.${k}`;
    const deeper = forbiddenKey((v as Record<string, unknown>)[k], `${at}.${k}`);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}

export function options(raw: readonly string[]): E.Either<TpusegError, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = Object.create(null);
  for (const item of raw) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(item);
    if (!m) return E.left(usage(`segment: --option expects NAME.KEY=VALUE, got "${item.length > 80 ? `${item.slice(0, 77)}...` : item}"`));
    const [name, key, text] = [m[1]!, m[2]!, m[3]!];
    const bad = [name, ...key.split('.')].find((k) => FORBIDDEN_KEYS.has(k));
    if (bad !== undefined) return E.left(usage(`segment: --option ${name}.${key}: "${bad}" cannot be a strategy or option name`));
    if (jsonDepth(text) > MAX_OPTION_DEPTH) return E.left(usage(`segment: --option ${name}.${key}: the value nests deeper than ${MAX_OPTION_DEPTH} levels`));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    const inside = forbiddenKey(value, `${name}.${key}`);
    if (inside !== undefined) return E.left(usage(`segment: --option ${name}.${key}: the value has the key "${inside}", which cannot be an option name`));
    const own = (out[name] ??= Object.create(null) as Record<string, unknown>);
    own[key] = value;
  }
  // Plain objects again (the decoders and the report expect them), now that no key can reach a prototype.
  return E.right(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { ...v }])));
}

/** The request a command line asks for (pure: no file or model is read here). */
export function segmentRequest(argv: readonly string[], cwd: string): E.Either<TpusegError, { request: SegmentRequest; json: boolean; html?: string; out?: string }> {
  const parsed = parse('segment', argv, {
    tpus: { type: 'string' }, strategy: { type: 'string' }, workers: { type: 'string' }, seed: { type: 'string' },
    'time-budget': { type: 'string' }, profile: { type: 'string' }, objective: { type: 'string' }, batch: { type: 'string' },
    'max-crossing-bytes': { type: 'string' }, pin: { type: 'string', multiple: true }, option: { type: 'string', multiple: true },
    json: { type: 'boolean' }, html: { type: 'string' }, out: { type: 'string', short: 'o' }, runner: { type: 'string' },
    devices: { type: 'string' }, 'at-most': { type: 'boolean' }, tolerance: { type: 'string' },
  }, CORAL);
  if (E.isLeft(parsed)) return parsed;
  const { values: v, positionals } = parsed.right;
  if (positionals.length !== 1) return E.left(usage(`segment: expected one model, got ${positionals.length} (see tpuseg segment --help)`));
  if (v['tpus'] === undefined && v['devices'] === undefined) return E.left(usage('segment: --tpus N is required (see tpuseg segment --help)'));
  if (v['tolerance'] !== undefined && v['at-most'] !== true) return E.left(usage('segment: --tolerance goes with --at-most'));
  const tpus = v['tpus'] === undefined ? E.right(undefined) : positiveInt('segment', 'tpus', v['tpus']);
  const tolerance = nonNegativeNumber('segment', 'tolerance', v['tolerance'], DEFAULT_TOLERANCE);
  const batch = positiveInt('segment', 'batch', v['batch'], 15, MAX_BATCH);
  const workers = workersOption('segment', v['workers']);
  const budget = nonNegativeNumber('segment', 'time-budget', v['time-budget'], 60);
  const crossing = v['max-crossing-bytes'] === undefined ? E.right(undefined) : nonNegativeNumber('segment', 'max-crossing-bytes', v['max-crossing-bytes']);
  const pinList = pins(((v['pin'] as string[] | undefined) ?? []).join(','));
  const opts = options((v['option'] as string[] | undefined) ?? []);
  const runner = runnerOption('segment', v['runner']);
  const objective = objectiveOption('segment', v['objective'], OBJECTIVES);
  for (const e of [tpus, tolerance, batch, workers, budget, crossing, pinList, opts, runner, objective]) if (E.isLeft(e)) return e;
  const strategyList = String(v['strategy'] ?? 'all').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const get = <A>(e: E.Either<TpusegError, A>): A => (e as E.Right<A>).right;
  const maxCrossingBytes = get(crossing);
  const html = v['html'];
  const devices = v['devices'] === undefined ? undefined : devicesArg(String(v['devices']), cwd);
  if (html !== undefined && String(html).trim() === '') return E.left(usage('segment: --html expects a file name'));
  return E.right({
    json: Boolean(v['json']),
    ...(html !== undefined ? { html: String(html) } : {}),
    ...(typeof v['out'] === 'string' ? { out: v['out'] } : {}),
    request: {
      model: positionals[0]!,
      ...(get(tpus) !== undefined ? { tpus: get(tpus)! } : {}),
      ...(devices !== undefined ? { devices } : {}),
      ...(v['at-most'] === true ? { atMost: true, tolerance: get(tolerance) } : {}),
      strategies: strategyList,
      ...(v['profile'] !== undefined || devices === undefined ? { profile: String(v['profile'] ?? DEFAULT_PROFILE) } : {}),
      ...(get(runner) ? { runner: get(runner)! } : {}),
      objective: get(objective),
      batch: get(batch),
      constraints: { pins: get(pinList), ...(maxCrossingBytes !== undefined ? { maxCrossingBytes } : {}) },
      seed: String(v['seed'] ?? '0'),
      timeBudgetMs: get(budget) * 1000,
      ...(get(workers) !== undefined ? { workers: get(workers)! } : {}),
      options: get(opts),
      cwd,
    },
  });
}

const MiB = 1024 * 1024;

function writeSegmentPage(file: string, report: SegmentReport, request: SegmentRequest): E.Either<TpusegError, void> {
  // Required here, when --html asks for the page: --help and plain searches never load the report code.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadModel } = require('../../model/load') as typeof import('../../model/load');
  const { segmentPage } = require('../../report/segment-page') as typeof import('../../report/segment-page');
  const graph = loadModel(request.model);
  if (E.isLeft(graph)) return graph;
  return tryWrite(() => writeFileSafe(file, segmentPage(report, graph.right, request.batch ?? 15)));
}

/** Every requested strategy failed: one line with each one's reason. */
function noPlan(r: SegmentReport): TpusegError {
  const failed = r.results.filter((x): x is Extract<typeof x, { error: string }> => 'error' in x);
  const reason = (x: (typeof failed)[number]): string => x.error.replace(/^strategy \S+ \(task \d+\) failed: /, '');
  const reasons = failed.length === 1 ? reason(failed[0]!) : failed.map((x) => `${x.strategy}: ${reason(x)}`).join('; ');
  return workerFailed(failed.map((x) => x.strategy).join(','), 0, `${reasons}; no requested strategy returned a plan`);
}

export function renderSegmentReport(r: SegmentReport): string[] {
  const first = r.results.find((x) => !('error' in x));
  const batch = first && !('error' in first) ? first.batch : 15;
  const header = ['strategy', 'bottleneck ms', `ms/input (B=${batch})`, 'latency ms', 'off-chip MiB', 'evaluations', 'search ms', 'stage ms', 'cuts'];
  const rows = r.results.map((x) => 'error' in x
    ? [x.strategy, 'failed', '', '', '', String(x.evaluations), x.searchMs.toFixed(1), x.error, '']
    : [x.strategy, x.bottleneckMs.toFixed(3), x.msPerInput.toFixed(3), x.latencyMs.toFixed(3),
      (x.segments.reduce((s, g) => s + g.offChipBytes, 0) / MiB).toFixed(2), String(x.evaluations), x.searchMs.toFixed(1),
      x.segments.map((g) => g.ms.toFixed(2)).join(' '), x.cuts.join(',')]);
  const board = r.devices ? `TPUs ${r.devices.join(', ')} (host ${r.profile})` : `profile ${r.profile}`;
  return [
    `${r.model} on ${r.tpus} TPUs, ${board}, runner ${r.runner}, objective ${r.objective}`,
    ...(r.atMost ? [atMostLine(r)] : []),
    ...alignedLines(header, rows, new Set([0, 7, 8])),
    ...r.results.filter((x) => !('error' in x) && x.stats['unproven'] === 1)
      .map((x) => `${x.strategy}: stopped at its time budget; its plan is the best it found, not proven optimal`),
    r.best === null ? 'best: none (every strategy failed)' : `best: ${r.best}${bestBand(r)}`,
    ...(r.overCompiler ? [overCompilerLine(r.overCompiler, r.objective, r.profile)] : []),
  ];
}

/** What --at-most chose, and what the best on exactly N segments would give. */
function atMostLine(r: SegmentReport): string {
  const a = r.atMost!;
  const fig = (n: number): string => {
    const b = a.byTpus.find((x) => x.tpus === n);
    return b?.primary === null || b?.primary === undefined ? 'no plan' : `${b.primary.toFixed(3)} ms`;
  };
  const tol = `${(a.tolerance * 100).toFixed(a.tolerance * 100 < 1 ? 1 : 0)}%`;
  const per = a.byTpus.map((b) => `${b.tpus}: ${b.primary === null ? '-' : b.primary.toFixed(3)}`).join(', ');
  return a.unused === 0
    ? `at most ${a.tpus} TPUs: all ${a.tpus} used (fewer segments are more than ${tol} slower; ${r.objective} ms by segments ${per})`
    : `at most ${a.tpus} TPUs: ${a.used} used, ${a.unused} left unused (${a.used} segments within ${tol} of the best on up to ${a.tpus}: ${fig(a.used)} vs ${fig(a.tpus)} on ${a.tpus}; ${r.objective} ms by segments ${per})`;
}

/** The winner against the compiler's split, on the objective searched, with the speedup band. */
function overCompilerLine(s: Speedup, objective: string, profile: string): string {
  const b = s.band;
  return `over the compiler's split: ${speedupText(s, 3)} on the ${objective} objective`
    + (b ? `; the band is that of measured speedups of ${b.against} over compiler splits (${bandRests(b.pairs, 'pairs', b.from, profile)})` : '; no speedup band in this profile');
}

/** The winner's figure on the objective searched, with the band of its regime when the profile has one. */
function bestBand(r: SegmentReport): string {
  const best = r.results.find((x) => x.strategy === r.best);
  if (!best || 'error' in best) return '';
  const [ms, lo, hi, what] = r.objective === 'latency' ? [best.latencyMs, best.latencyMsLow, best.latencyMsHigh, 'ms single-input latency']
    : r.objective === 'batch' ? [best.msPerInput, best.msPerInputLow, best.msPerInputHigh, `ms per input in a batch of ${best.batch}`]
    : [best.bottleneckMs, best.bottleneckMsLow, best.bottleneckMsHigh, 'ms per input in steady state'];
  const u = best.uncertainty;
  const band = lo === undefined || hi === undefined || !u?.band ? ''
    : ` (80% band ${lo.toFixed(3)}-${hi.toFixed(3)}, regime ${u.regime}, from ${bandRests(u.band.rows, 'calibration rows', u.band.from, r.profile)})`;
  const limited = r.objective === 'throughput' && best.limitedBy && best.limitedBy !== 'slowest stage' ? `, set by the ${best.limitedBy}` : '';
  return `, ${ms.toFixed(3)} ${what}${band}${limited}`;
}

export const segmentCommand: Command = {
  name: 'segment',
  get help() {
    return help();
  },
  async run(argv: readonly string[], io: Io) {
    const req = segmentRequest(argv, io.cwd);
    if (E.isLeft(req)) return req;
    const out = optionalOutFile('segment', '--out', req.right.out, io.cwd);
    if (E.isLeft(out)) return out;
    const html = optionalOutFile('segment', '--html', req.right.html, io.cwd);
    if (E.isLeft(html)) return html;
    // The search, the pool and the model readers load only when a search runs (not for --help).
    const { segmentModel } = require('../../search/segment') as typeof import('../../search/segment');
    const report = await segmentModel({ ...req.right.request, interrupted: io.interrupted });
    if (E.isLeft(report)) return report;
    if (out.right !== undefined) {
      const written = writeJsonFile(out.right, report.right);
      if (E.isLeft(written)) return written;
    }
    if (req.right.json) io.out(toJson(report.right));
    else for (const l of renderSegmentReport(report.right)) io.out(l);
    if (html.right !== undefined && report.right.best !== null) {
      const written = writeSegmentPage(html.right, report.right, req.right.request);
      if (E.isLeft(written)) return written;
      if (!req.right.json) io.out(`plan view: ${path.relative(io.cwd, html.right) || html.right}`);
    }
    return report.right.best === null ? E.left(noPlan(report.right)) : E.right(undefined);
  },
};
