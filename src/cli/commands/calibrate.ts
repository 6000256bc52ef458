import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSTANT_NAMES, loadProfile, PROFILE_NAMES, withValues, type ConstantName, type CostProfile } from '../../../cost-models';
import { configInvalid, usage, type TpusegError } from '../../errors';
import { rowResults, summarize, type FileSummary } from '../../calibrate/accuracy';
import { DEFAULT_TIME_CONSTANTS, fitProfile, MEMORY_CONSTANTS } from '../../calibrate/fit';
import { DOMAIN_PRIORS } from '../../calibrate/priors';
import { loadCases } from '../../calibrate/load';
import { DEFAULT_MAPPING, loadMapping, SplitCodec, type MeasurementEntry } from '../../calibrate/mapping';
import { median, p90 } from '../../calibrate/stats';
import { bandsOfRows, withBorrowed } from '../../calibrate/bands';
import { withPositions } from '../../../cost-models/profile';

const fitted0Positions = (fs: readonly number[]): number[] => fs.map((f) => Number(f.toPrecision(4)));
import { profileBands, ratioBandOf, type RatioBand } from '../../../cost-models/bands';
import { PICK_MARGIN, ratioCheck } from '../../calibrate/ratios';
import { parse, positiveInt, profileArg } from '../args';
import type { Command } from '../command';
import { tryWrite, writeFileSafe } from '../../safe-write';
import { outFile } from '../out-path';
import { readFailed } from '../../file-errors';
import { toJson } from '../text';

const HELP = `usage: tpuseg calibrate <measurements.csv>... --base PROFILE --out PROFILE.json [options]

Fits a cost profile's free constants to measured rows and writes the fitted profile.

Each file is looked up by its base name in the calibration mapping (${path.relative(process.cwd(), DEFAULT_MAPPING) || DEFAULT_MAPPING}),
which says which model and segmentation its rows were measured on. Files in the format of
../shared/data/edgetpu-measurements (columns "Num filters" or "Hidden neurons", "On chip mem used",
"Off chip mem used", "Inference time") and of ../shared/data/published (model, input, one column
of ms per profile) are read. For a file not in the mapping, describe it with the flags below.
A file not in the mapping with "Spec" and "Cuts" columns (the rows \`tpuseg validate --backend
edgetpu\` appends to DIR/measurements.csv) needs no flags: each row names its model (a .tflite
path, relative to the CSV or absolute, zoo: or synth:), its cuts and its "Batch".

Stage 1 fits ${MEMORY_CONSTANTS.join(', ')} to the compiler's on/off-chip MiB
(when the files have them); stage 2 fits the --free constants to the measured ms by robust
least squares (soft-L1 on the relative error, Nelder-Mead), each file weighing the same.

options:
  --base PROFILE       profile to start from: ${PROFILE_NAMES.join(', ')} or a path (required)
  -o, --out FILE       where to write the fitted profile (required; replaced; its folder must exist)
  --name NAME          name of the fitted profile (default: the --out file's stem)
  --free A,B,...       constants fitted to times (default: ${DEFAULT_TIME_CONSTANTS.join(',')})
  --symmetric-link     fit one link rate for both directions (outMBps = inMBps)
  --positions K        fit a compute factor per pipeline position 1..K (TPUs of one host that are not
                       alike: position 0 keeps the base's), pulled toward their mean
  --no-memory          keep the base profile's capacity constants
  --priors             regularize the fit toward the documented Edge TPU facts (src/calibrate/priors.ts):
                       constants your rows cannot pin down stay near them (use it for small or one-sided data)
  --borrow-bands P     prediction bands of profile P for the regimes these rows do not cover
                       (each band names the profile whose rows it comes from)
  --column COL         published tables: the column of ms to fit (default: the one mapped to --name, else to --base)
  --mapping FILE       calibration mapping (default: the project's)
  --model SPEC         model of every row, {x} standing for the row's value (e.g. 'synth:conv?filters={x}')
  --x COLUMN           column holding the row's value
  --tpus N             TPUs the rows ran on
  --split S            whole | compiler | layers | profiling (cuts read from the memory columns) | fastest (the fastest layer split)
  --batch B            inputs per timed batch
  --json               print one JSON object: { file, name, fitted: { constant: value }, before, after }
                       (before/after: per file rows, median and p90 absolute relative error)
  -h, --help`;

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function summaryLines(files: readonly FileSummary[], rows: readonly { relErr: number }[]): string[] {
  const width = Math.max(...files.map((f) => f.file.length), 7);
  const lines = files.map((f) =>
    `  ${f.file.padEnd(width)}  ${String(f.rows).padStart(4)} rows  median ${pct(f.medianAbsRelErr).padStart(6)}  p90 ${pct(f.p90AbsRelErr).padStart(6)}`);
  const abs = rows.map((r) => Math.abs(r.relErr));
  lines.push(`  ${'overall'.padEnd(width)}  ${String(rows.length).padStart(4)} rows  median ${pct(median(abs)).padStart(6)}  p90 ${pct(p90(abs)).padStart(6)}`);
  return lines;
}

function freeList(raw: unknown): E.Either<TpusegError, ConstantName[]> {
  if (raw === undefined) return E.right([...DEFAULT_TIME_CONSTANTS]);
  const names = String(raw).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.filter((n) => !CONSTANT_NAMES.includes(n as ConstantName) || n === 'weightPadChannels' || n === 'inputPadChannels');
  return bad.length > 0
    ? E.left(usage(`calibrate: --free names unknown or integer constants: ${bad.join(', ')} (constants: ${CONSTANT_NAMES.join(', ')})`))
    : E.right(names as ConstantName[]);
}

export const calibrateCommand: Command = {
  name: 'calibrate',
  help: HELP,
  async run(argv, io) {
    const parsed = parse('calibrate', argv, {
      base: { type: 'string' }, out: { type: 'string', short: 'o' }, json: { type: 'boolean' }, name: { type: 'string' }, free: { type: 'string' },
      'symmetric-link': { type: 'boolean' }, 'no-memory': { type: 'boolean' }, priors: { type: 'boolean' }, column: { type: 'string' },
      'borrow-bands': { type: 'string' }, positions: { type: 'string' },
      mapping: { type: 'string' }, model: { type: 'string' }, x: { type: 'string' }, tpus: { type: 'string' },
      split: { type: 'string' }, batch: { type: 'string' },
    });
    if (E.isLeft(parsed)) return parsed;
    const { values: v, positionals } = parsed.right;
    if (positionals.length === 0) return E.left(usage('calibrate: give at least one measurements CSV (see tpuseg calibrate --help)'));
    if (typeof v['base'] !== 'string') return E.left(usage('calibrate: --base PROFILE is required'));
    if (typeof v['out'] !== 'string') return E.left(usage('calibrate: --out FILE is required'));
    const resolve = (p: string): string => path.resolve(io.cwd, p);
    const outChecked = outFile('calibrate', '--out', v['out'], io.cwd);
    if (E.isLeft(outChecked)) return outChecked;
    // A missing file is said as such, before the mapping or the flags are looked at.
    for (const f of positionals) {
      try {
        fs.accessSync(resolve(f), fs.constants.R_OK);
      } catch (e) {
        return E.left(readFailed(f, e));
      }
    }
    const base = loadProfile(profileArg(v['base'], io.cwd));
    if (E.isLeft(base)) return base;
    const free = freeList(v['free']);
    if (E.isLeft(free)) return free;
    const positions = v['positions'] === undefined ? E.right(0) : positiveInt('calibrate', 'positions', v['positions']);
    if (E.isLeft(positions)) return positions;
    const lender = typeof v['borrow-bands'] === 'string' ? loadProfile(profileArg(v['borrow-bands'], io.cwd)) : undefined;
    if (lender && E.isLeft(lender)) return lender;
    const mapping = loadMapping(typeof v['mapping'] === 'string' ? resolve(v['mapping']) : DEFAULT_MAPPING);
    if (E.isLeft(mapping)) return mapping;

    const overrides: Record<string, unknown> = {};
    if (typeof v['model'] === 'string') overrides['model'] = v['model'];
    if (typeof v['x'] === 'string') overrides['x'] = v['x'];
    for (const flag of ['tpus', 'batch'] as const) {
      if (v[flag] === undefined) continue;
      const n = positiveInt('calibrate', flag, v[flag]);
      if (E.isLeft(n)) return n;
      overrides[flag] = n.right;
    }
    if (v['split'] !== undefined) {
      if (!SplitCodec.is(v['split'])) return E.left(usage(`calibrate: --split expects whole, compiler, layers, profiling or fastest, got "${String(v['split'])}"`));
      overrides['split'] = v['split'];
    }
    const loaded = loadCases(positionals.map(resolve), mapping.right, overrides as Partial<MeasurementEntry>);
    if (E.isLeft(loaded)) return loaded;

    const out = resolve(v['out']);
    const name = typeof v['name'] === 'string' ? v['name'] : path.basename(out).replace(/\.json$/, '');
    const column = typeof v['column'] === 'string' ? v['column'] : undefined;
    const columnOf = (label: string): string => /\(([^()]*)\)$/.exec(label)?.[1] ?? '';
    const published = loaded.right.cases.filter((c) => c.profile !== undefined);
    let picked = published;
    if (column !== undefined) picked = published.filter((c) => columnOf(c.label) === column);
    else if (published.length > 0) {
      picked = published.filter((c) => c.profile === name || c.profile === base.right.name);
      if (new Set(picked.map((c) => c.profile)).size !== 1) {
        const columns = [...new Set(published.map((c) => columnOf(c.label)))];
        return E.left(usage(`calibrate: the published table has one column per profile (${columns.join(', ')}); pick one with --column`));
      }
    }
    const cases = [...loaded.right.cases.filter((c) => c.profile === undefined), ...picked];
    if (cases.length === 0) return E.left(configInvalid(positionals.join(', '), ['no rows to fit (published tables: see --column)']));
    for (const s of loaded.right.skipped) io.err(`calibrate: skipped ${s.file} ${s.label}: ${s.reason}`);

    const files = [...new Set(cases.map((c) => c.file))];
    const memory = v['no-memory'] !== true && cases.some((c) => c.onChipMiB || c.offChipMiB);
    const priors = v.priors === true;
    const source = `fitted by tpuseg calibrate on ${files.join(', ')} (${cases.length} rows; base ${base.right.name}): `
      + (memory ? 'compiler MiB for the capacity constants, ' : '') + 'robust soft-L1 least squares on the relative time error'
      + (priors ? ', regularized toward the domain priors of src/calibrate/priors.ts' : '');
    const symmetric = v['symmetric-link'] === true;
    const before = rowResults(cases, () => base.right);
    const fit = fitProfile(cases, base.right, {
      time: free.right, memory, ...(symmetric ? { tie: { outMBps: 'inMBps' } } : {}), ...(priors ? { priors: DOMAIN_PRIORS } : {}),
      ...(positions.right > 0 ? { positions: positions.right } : {}),
    }, source);
    // Four significant digits: the data do not support more, and the file stays readable.
    const rounded = withValues(fit.profile, Object.fromEntries(fit.fitted.map((k) => [k, Number(fit.profile.constants[k].value.toPrecision(4))])), source);
    const positioned = fit.computeFactors ? withPositions(rounded, fitted0Positions(fit.computeFactors), `${source}; `
      + 'per pipeline position 0, 1, ..., a factor on the TPU compute of the stage there (TPUs of one host that are not alike); '
      + `positions past the list take the mean of positions 1..${fit.computeFactors.length - 1}`) : rounded;
    const unbanded: CostProfile = {
      ...positioned,
      name,
      description: `Fitted by tpuseg calibrate to ${files.join(', ')} from ${base.right.name}: ${base.right.description}`,
      calibration: {
        files, rows: cases.length, base: base.right.name, fitted: fit.fitted, memoryLoss: fit.memoryLoss ?? null, timeLoss: fit.timeLoss,
        evaluations: fit.evals, symmetricLink: symmetric, priors: priors ? 'domain' : null, positions: positions.right,
      },
    };
    // The bands are calibration data only: the fitted profile predicts every row as the unbanded one does.
    const after = rowResults(cases, () => unbanded);
    const own = bandsOfRows(cases, after, unbanded.name);
    const bands = lender ? withBorrowed(own, profileBands((lender as E.Right<CostProfile>).right)) : own;
    // The speedup band: from the rows' own pairs of splits, else the lender's.
    const pairs = ratioCheck(after, 'profiling');
    const ratioBand: RatioBand | undefined = pairs
      ? { lo: Number(pairs.band.lo.toPrecision(4)), hi: Number(pairs.band.hi.toPrecision(4)), pairs: pairs.pairs.length, against: pairs.against, from: name }
      : lender ? ratioBandOf((lender as E.Right<CostProfile>).right) : undefined;
    const fitted: CostProfile = { ...unbanded, calibration: { ...unbanded.calibration, bands, ...(ratioBand ? { ratioBand } : {}) } };
    const json = v['json'] === true;
    const say = json ? (): void => undefined : io.out;
    say(`base ${base.right.name}:`);
    for (const l of summaryLines(summarize(before), before)) say(l);
    say(`fitted ${name} (${fit.fitted.join(', ')}):`);
    for (const l of summaryLines(summarize(after), after)) say(l);
    for (const k of fit.fitted) say(`  ${k} = ${fitted.constants[k].value.toPrecision(5)} (was ${base.right.constants[k].value})`);
    if (fit.computeFactors) say(`  compute factor by position: ${fitted.positions!.computeFactor.join(', ')}`);
    for (const [k, b] of Object.entries(bands)) say(`  band ${k}: ${b.lo}-${b.hi} x predicted (${b.rows} rows of ${b.from})`);
    if (ratioBand) say(`  speedup band: ${ratioBand.lo}-${ratioBand.hi} x predicted ratio (${ratioBand.pairs} pairs of ${ratioBand.against} and compiler splits of ${ratioBand.from})`);
    if (pairs) {
      say(`  speedup of ${pairs.against} over compiler splits: median |predicted / measured - 1| ${(pairs.medianAbsErr * 100).toFixed(1)}% over ${pairs.pairs.length} pairs, `
        + `the faster split picked on ${pairs.decided - pairs.wrongPicks}/${pairs.decided} pairs of different splits that differ by more than ${(PICK_MARGIN * 100).toFixed(0)}%`);
    }
    const written = tryWrite(() => writeFileSafe(out, `${JSON.stringify(fitted, null, 2)}\n`));
    if (E.isLeft(written)) return written;
    if (json) {
      io.out(toJson({
        file: out, name, base: base.right.name,
        fitted: Object.fromEntries(fit.fitted.map((k) => [k, fitted.constants[k].value])),
        ...(fitted.positions ? { computeFactor: fitted.positions.computeFactor } : {}), bands,
        before: summarize(before), after: summarize(after),
      }));
    } else io.out(`wrote ${path.relative(io.cwd, out) || out}`);
    return E.right(undefined);
  },
};
