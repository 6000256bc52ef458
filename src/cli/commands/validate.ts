import * as E from 'fp-ts/Either';
import { MAX_BATCH, MAX_REPEATS, MAX_SAMPLES } from '../../limits';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProfile } from '../../../cost-models';
import { segmentInvalid, unavailable, usage, type TpusegError } from '../../errors';
import { edgeTpuReport } from '../../validate/edgetpu';
import { litertReport } from '../../validate/litert-report';
import { loadExportDir } from '../../validate/load';
import { MANIFEST } from '../../export/manifest';
import { writeReport, type ValidationReport } from '../../validate/report';
import { simReport } from '../../validate/sim';
import { makeDir, tryWrite } from '../../safe-write';
import { optionalOutDir, optionalOutFile } from '../out-path';
import { nonNegativeNumber, parse, positiveInt } from '../args';
import type { Command, Io } from '../command';

const HELP = `usage: tpuseg validate DIR [--backend litert|edgetpu|sim] [-o OUTDIR] [options]
       tpuseg validate --plan DIR/plan.json [...]

Checks a folder written by \`tpuseg export\` (DIR, or the plan.json in it) and writes
validation-<backend>.md and .json into it, or into OUTDIR (per segment predicted vs measured,
the verdict, what differs most).

backends:
  litert   (default) run the whole model and the chain of segments in real TFLite on this CPU
           (LiteRT) on seeded random inputs, tensors routed by name; passes only when every output
           is bit-exact. int8 ports run through float32 QUANTIZE/DEQUANTIZE bridges whose exactness
           is checked on all 256 values. What TFLite cannot run here (custom ops such as
           edgetpu-custom-op) is reported as not checked, never as a pass. Reports CPU ms per segment.
  edgetpu  on a machine with the Edge TPU compiler and the TPUs: run compile.sh, parse each
           compiler report (on-/off-chip MiB vs predicted), run run_pipeline.py (ms vs predicted),
           append the measurements to DIR/measurements.csv
  sim      run the cost model's stage times through the discrete-event pipeline simulation
           (one-slot queues) and compare with the closed form of the prediction

options:
  --seed S            seed of the inputs (litert) or of the jitter (sim) (default 0)
  --samples K         litert: seeded input sets (default 1)
  --repeats R         litert: timed runs per model for the CPU ms (default 3)
  --compiler PATH     edgetpu: the compiler (default edgetpu_compiler on PATH)
  --python PATH       edgetpu: the Python with pycoral (default python3 on PATH)
  --measurements F    edgetpu: also append the measurement row to CSV file F
  --batch B           edgetpu, sim: inputs per batch (default: the plan's)
  --profile P         sim: price with this profile instead of the export's
  --jitter J          sim: relative per-input variation of stage times (default 0)
  -o, --out OUTDIR    the folder to write validation-<backend>.md and .json in (default DIR; created
                      if missing, in a folder that must exist)
  --json              print the report JSON instead of the summary
  -h, --help

exit codes: 0 pass, 4 a segment failed validation (outputs differ, compile or run failed),
5 cannot be checked here (missing compiler, Python, TPUs, or ops TFLite cannot run), 2 usage.`;

function summary(r: ValidationReport, files: readonly string[]): string[] {
  return [
    `${r.model} (${r.backend}): ${r.verdict}: ${r.summary}`,
    ...r.segments.map((s) =>
      `  segment ${s.index}  ops ${s.firstOp}..${s.lastOp}  predicted ${s.predictedMs.toFixed(2)} ms  ${r.measuredLabel} ${s.measuredMs === undefined ? '-' : s.measuredMs.toFixed(2)}${s.note ? `  (${s.note})` : ''}`),
    `  differs most: ${r.differsMost}`,
    ...r.notes.map((n) => `  note: ${n}`),
    `  report: ${files.join(', ')}`,
  ];
}

async function run(argv: readonly string[], io: Io): Promise<E.Either<TpusegError, void>> {
  const parsed = parse('validate', argv, {
    backend: { type: 'string' }, seed: { type: 'string' }, samples: { type: 'string' }, repeats: { type: 'string' },
    compiler: { type: 'string' }, python: { type: 'string' }, measurements: { type: 'string' }, batch: { type: 'string' },
    profile: { type: 'string' }, jitter: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string', short: 'o' },
    plan: { type: 'string' },
  });
  if (E.isLeft(parsed)) return parsed;
  const { values: v } = parsed.right;
  const positionals = typeof v.plan === 'string' ? [...parsed.right.positionals, v.plan] : parsed.right.positionals;
  if (positionals.length !== 1) return E.left(usage(`validate: expected one export folder (or its plan.json), got ${positionals.length} (see tpuseg validate --help)`));
  const backend = (v.backend as string | undefined) ?? 'litert';
  if (!['litert', 'edgetpu', 'sim'].includes(backend)) return E.left(usage(`validate: --backend must be litert, edgetpu or sim, got "${backend}"`));
  const seed = typeof v.seed === 'string' ? v.seed : '0';
  const samples = positiveInt('validate', 'samples', v.samples, 1, MAX_SAMPLES);
  const repeats = positiveInt('validate', 'repeats', v.repeats, 3, MAX_REPEATS);
  const jitter = nonNegativeNumber('validate', 'jitter', v.jitter, 0);
  const batch = v.batch === undefined ? E.right(undefined) : positiveInt('validate', 'batch', v.batch, undefined, MAX_BATCH);
  for (const x of [samples, repeats, jitter, batch]) if (E.isLeft(x)) return x;
  const opt = <A>(x: E.Either<TpusegError, A>): A => (x as E.Right<A>).right;
  const out = optionalOutDir('validate', '--out', v.out, io.cwd);
  if (E.isLeft(out)) return out;
  const measurements = optionalOutFile('validate', '--measurements', v.measurements, io.cwd);
  if (E.isLeft(measurements)) return measurements;

  const target = path.resolve(io.cwd, positionals[0]!);
  // The export's plan.json names its folder.
  const dir = loadExportDir(path.basename(target) === MANIFEST && fs.statSync(target, { throwIfNoEntry: false })?.isFile() ? path.dirname(target) : target);
  if (E.isLeft(dir)) return dir;
  let report: E.Either<TpusegError, ValidationReport>;
  if (backend === 'litert') {
    report = await litertReport(dir.right, { seed, samples: opt(samples), repeats: opt(repeats) });
  } else if (backend === 'sim') {
    const profile = typeof v.profile === 'string' ? loadProfile(v.profile.includes('/') || v.profile.endsWith('.json') ? path.resolve(io.cwd, v.profile) : v.profile) : undefined;
    if (profile && E.isLeft(profile)) return profile;
    const b = opt(batch);
    report = simReport(dir.right, { seed, jitter: opt(jitter), ...(profile ? { profile: profile.right } : {}), ...(b !== undefined ? { batch: b } : {}) });
  } else {
    const b = opt(batch);
    report = edgeTpuReport(dir.right, {
      cwd: io.cwd,
      ...(typeof v.compiler === 'string' ? { compiler: v.compiler } : {}),
      ...(typeof v.python === 'string' ? { python: v.python } : {}),
      ...(measurements.right !== undefined ? { measurements: measurements.right } : {}),
      ...(b !== undefined ? { batch: b } : {}),
    });
  }
  if (E.isLeft(report)) return report;
  const r = report.right;
  const reportDir = out.right ?? dir.right.dir;
  const files = tryWrite(() => {
    makeDir(reportDir);
    return writeReport(reportDir, r);
  });
  if (E.isLeft(files)) return files;
  if (v.json) io.out(fs.readFileSync(files.right[0]!, 'utf8').trimEnd());
  else for (const line of summary(r, files.right)) io.out(line);
  if (r.verdict === 'fail') return E.left(segmentInvalid(`${r.model}: ${r.summary}`));
  if (r.verdict === 'not-checked') return E.left(unavailable(`${r.model}: ${r.summary}`));
  return E.right(undefined);
}

export const validateCommand: Command = {
  name: 'validate',
  help: HELP,
  run,
};
