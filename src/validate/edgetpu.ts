import * as E from 'fp-ts/Either';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unavailable, type TpusegError } from '../errors';
import type { RunnerResult } from '../export/pipeline-script';
import { cpuOpCount, parseCompilerReport, type CompiledModelReport, type CompilerReport } from './compiler-report';
import type { ExportDir } from './load';
import { appendMeasurement } from './measurements';
import { tryWrite } from '../safe-write';
import { relError, reportBase, segmentRows, type ValidationReport } from './report';

/**
 * The `edgetpu` backend, for a machine with the Edge TPU compiler and N Edge TPUs: runs the
 * export's compile.sh, parses every compiler report, compares on-chip/off-chip MiB with the
 * prediction, runs run_pipeline.py, compares measured with predicted ms, and appends the
 * measurements to measurements.csv. A missing compiler, Python or TPU is `Unavailable`.
 */

export interface EdgeTpuOptions {
  /** The compiler to run (default edgetpu_compiler on PATH). */
  readonly compiler?: string;
  /** The Python that runs run_pipeline.py (default python3 on PATH). */
  readonly python?: string;
  readonly batch?: number;
  /** Extra CSV file to append the measurements to (besides DIR/measurements.csv). */
  readonly measurements?: string;
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Absolute path of an executable given by name (searched on PATH) or path; undefined when absent. */
export function findExecutable(name: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const executable = (p: string): boolean => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/')) {
    const p = path.resolve(cwd, name);
    return executable(p) ? p : undefined;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

const MiB = 1024 * 1024;
const lastLine = (s: string): string => s.trim().split('\n').filter((l) => l.trim() !== '').pop() ?? '';

function parseRunner(stdout: string): RunnerResult | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const j = JSON.parse(line) as RunnerResult;
      if (Array.isArray(j.segments) && typeof j.pipelinedMsPerInput === 'number') return j;
    } catch {
      // not the JSON line
    }
  }
  return undefined;
}

export function edgeTpuReport(x: ExportDir, o: EdgeTpuOptions): E.Either<TpusegError, ValidationReport> {
  const m = x.manifest;
  const env = { ...(o.env ?? process.env) };
  const compiler = findExecutable(o.compiler ?? 'edgetpu_compiler', o.cwd, env);
  if (!compiler) {
    return E.left(unavailable(`the Edge TPU compiler "${o.compiler ?? 'edgetpu_compiler'}" was not found${o.compiler ? '' : ' on PATH'}: install it (https://coral.ai/docs/edgetpu/compiler/) or pass --compiler PATH`));
  }
  const python = findExecutable(o.python ?? 'python3', o.cwd, env);
  if (!python) return E.left(unavailable(`Python "${o.python ?? 'python3'}" was not found: pass --python PATH`));

  const compile = spawnSync('bash', [path.join(x.dir, 'compile.sh')], { cwd: x.dir, env: { ...env, EDGETPU_COMPILER: compiler }, encoding: 'utf8' });
  const reports: (CompilerReport | undefined)[] = m.segments.map((s) => {
    const log = path.join(x.dir, s.compilerLog);
    return fs.existsSync(log) ? parseCompilerReport(fs.readFileSync(log, 'utf8')) : undefined;
  });
  const model = (i: number): CompiledModelReport | undefined => reports[i]?.models[0];
  const notes: string[] = [...m.warnings];
  const failedAt = reports.findIndex((r) => !r || !r.succeeded);
  const base = { ...reportBase(m, 'edgetpu'), measuredLabel: 'Edge TPU ms (median invoke)', comparable: true };
  const rows = (measuredMs: (i: number) => number | undefined) => segmentRows(m, (i) => {
    const c = model(i);
    const cpu = c ? cpuOpCount(c) : undefined;
    const r = reports[i];
    const note = !r ? 'not compiled' : !r.succeeded ? `compile failed: ${r.failure ?? 'no success line in the report'}` : cpu ? `${cpu} op(s) on the CPU` : undefined;
    const ms = measuredMs(i);
    return {
      ...(ms !== undefined ? { measuredMs: ms } : {}),
      ...(c?.onChipBytes !== undefined ? { measuredOnChipMiB: c.onChipBytes / MiB } : {}),
      ...(c?.offChipBytes !== undefined ? { measuredOffChipMiB: c.offChipBytes / MiB } : {}),
      ...(note ? { note } : {}),
    };
  });

  if (compile.status !== 0 || failedAt >= 0) {
    const why = failedAt >= 0 && reports[failedAt]
      ? `segment ${failedAt} (${m.segments[failedAt]!.file}) failed to compile: ${reports[failedAt]!.failure ?? 'the report has no success line'}`
      : `compile.sh exited with ${compile.status}: ${lastLine(compile.stderr)}`;
    return E.right({
      ...base, verdict: 'fail', summary: why, segments: rows(() => undefined),
      pipeline: { batch: m.predicted.batch, predictedMsPerInput: m.predicted.msPerInput },
      differsMost: why, notes, details: { compilerReports: reports, compileExit: compile.status },
    });
  }

  const batch = o.batch ?? m.predicted.batch;
  const runner = spawnSync(python, [path.join(x.dir, 'run_pipeline.py'), '--batch', String(batch)], { cwd: x.dir, env, encoding: 'utf8' });
  if (runner.status === 3) return E.left(unavailable(`run_pipeline.py could not reach the Edge TPUs: ${lastLine(runner.stderr)}`));
  const result = runner.status === 0 ? parseRunner(runner.stdout) : undefined;
  if (!result || result.segments.length !== m.segments.length) {
    const why = runner.status !== 0 ? `run_pipeline.py exited with ${runner.status}: ${lastLine(runner.stderr)}` : `run_pipeline.py printed no result for ${m.segments.length} segments`;
    return E.right({
      ...base, verdict: 'fail', summary: why, segments: rows(() => undefined),
      pipeline: { batch, predictedMsPerInput: m.predicted.msPerInput }, differsMost: why, notes, details: { compilerReports: reports },
    });
  }

  const segments = rows((i) => result.segments[i]!.ms);
  const row = {
    onChipMiB: segments.map((s) => s.measuredOnChipMiB),
    offChipMiB: segments.map((s) => s.measuredOffChipMiB),
    segmentMs: result.segments.map((s) => s.ms),
    msPerInput: result.pipelinedMsPerInput,
    batch: result.batch,
  };
  const csvFiles = [path.join(x.dir, 'measurements.csv'), ...(o.measurements ? [path.resolve(o.cwd, o.measurements)] : [])];
  for (const f of csvFiles) {
    const appended = tryWrite(() => appendMeasurement(f, m, row));
    if (E.isLeft(appended)) return appended;
  }
  notes.push(`measurements appended to ${csvFiles.join(' and ')}`);
  if (result.batch !== m.predicted.batch) notes.push(`the runner's batch (${result.batch}) differs from the prediction's (${m.predicted.batch})`);

  // MiB gaps are taken relative to the prediction floored at 0.5 MiB, so near-empty segments do not dominate.
  const gaps = [
    ...segments.map((s) => ({ what: `segment ${s.index} time`, rel: relError(s.predictedMs, s.measuredMs), text: `${s.measuredMs?.toFixed(2)} ms measured vs ${s.predictedMs.toFixed(2)} predicted` })),
    ...segments.map((s) => ({ what: `segment ${s.index} on-chip`, rel: s.measuredOnChipMiB === undefined ? undefined : (s.measuredOnChipMiB - s.predictedOnChipMiB) / Math.max(s.predictedOnChipMiB, 0.5), text: `${s.measuredOnChipMiB?.toFixed(2)} MiB reported vs ${s.predictedOnChipMiB.toFixed(2)} predicted` })),
    ...segments.map((s) => ({ what: `segment ${s.index} off-chip`, rel: s.measuredOffChipMiB === undefined ? undefined : (s.measuredOffChipMiB - s.predictedOffChipMiB) / Math.max(s.predictedOffChipMiB, 0.5), text: `${s.measuredOffChipMiB?.toFixed(2)} MiB reported vs ${s.predictedOffChipMiB.toFixed(2)} predicted` })),
    { what: 'pipeline', rel: relError(m.predicted.msPerInput, result.pipelinedMsPerInput), text: `${result.pipelinedMsPerInput.toFixed(2)} ms per input measured vs ${m.predicted.msPerInput.toFixed(2)} predicted` },
  ].filter((g) => g.rel !== undefined);
  const worst = gaps.sort((a, b) => Math.abs(b.rel!) - Math.abs(a.rel!))[0];
  const ok = result.outputsMatchSequential;
  return E.right({
    ...base,
    verdict: ok ? 'pass' : 'fail',
    summary: ok
      ? `compiled and ran on ${m.tpus} Edge TPU(s): ${result.pipelinedMsPerInput.toFixed(2)} ms per input (predicted ${m.predicted.msPerInput.toFixed(2)})`
      : 'the pipelined outputs differ from the same segments run one after the other: tensors are routed wrongly',
    segments,
    pipeline: { batch: result.batch, predictedMsPerInput: m.predicted.msPerInput, measuredMsPerInput: result.pipelinedMsPerInput },
    differsMost: worst ? `${worst.what}: ${worst.text} (${(100 * worst.rel!).toFixed(1)}%)` : 'nothing measured',
    notes,
    details: { compilerReports: reports, runner: result },
  });
}
