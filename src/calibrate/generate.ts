import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProfile } from '../../cost-models';
import { configInvalid, type TpusegError } from '../errors';
import { loadCases, csvFiles } from './load';
import { DEFAULT_MAPPING, loadMapping } from './mapping';
import { renderReport } from './markdown';
import { compilerMemory, type CompilerMemory } from './compiler-memory';
import { OFF_CHIP_TARGET_MIB } from './accuracy';
import { readRegularText } from '../read-file';
import { MAX_TEXT_BYTES } from '../limits';
import { buildReport, type AccuracyReport } from './report';

/** Reads the data under `shared` (../shared beside the checkout) and builds the accuracy report. */

export const REPORT_DIR = path.resolve(__dirname, '../../experiments/calibration');
export const EXPLANATIONS = path.join(REPORT_DIR, 'explanations.json');
export const BENCH_PROFILE = 'edgetpu-ucm-bench';

export interface Generated {
  readonly report: AccuracyReport;
  readonly markdown: string;
  /** The report as committed: numbers rounded to 4 significant digits. */
  readonly json: string;
}

const round = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v);

function explanations(): E.Either<TpusegError, Record<string, string>> {
  try {
    const json = JSON.parse(fs.readFileSync(EXPLANATIONS, 'utf8')) as unknown;
    if (typeof json !== 'object' || json === null || Object.values(json).some((v) => typeof v !== 'string')) {
      return E.left(configInvalid(EXPLANATIONS, ['expected an object of strings keyed by target id']));
    }
    return E.right(json as Record<string, string>);
  } catch (e) {
    return E.left(configInvalid(EXPLANATIONS, [(e as Error).message]));
  }
}

export function generateReport(shared: string): E.Either<TpusegError, Generated> {
  const mapping = loadMapping(DEFAULT_MAPPING);
  if (E.isLeft(mapping)) return mapping;
  const files = [...csvFiles(path.join(shared, 'data', 'edgetpu-measurements')), ...csvFiles(path.join(shared, 'data', 'published'))];
  if (files.length === 0) return E.left(configInvalid(shared, ['no measurement files under data/edgetpu-measurements or data/published']));
  const known = (f: string): boolean => path.basename(f) in mapping.right.measurements || path.basename(f) in mapping.right.published;
  const loaded = loadCases(files.filter(known), mapping.right);
  if (E.isLeft(loaded)) return loaded;
  const bench = loadProfile(BENCH_PROFILE);
  if (E.isLeft(bench)) return bench;
  const baseName = bench.right.calibration?.['base'];
  if (typeof baseName !== 'string') return E.left(configInvalid(BENCH_PROFILE, ['calibration.base: expected the name of the profile it was fitted from']));
  // The bench's base: a built-in profile, else one of experiments/calibration/bases/.
  const base = E.orElse(() => loadProfile(path.join(REPORT_DIR, 'bases', `${baseName}.json`)))(loadProfile(baseName));
  if (E.isLeft(base)) return base;
  const why = explanations();
  if (E.isLeft(why)) return why;
  const memoryFile = path.join(shared, 'data', 'compiler-memory', 'keras-segments.csv');
  let memory: CompilerMemory | undefined;
  if (fs.existsSync(memoryFile)) {
    const text = readRegularText(memoryFile, MAX_TEXT_BYTES, 'a compiler-memory file');
    if (E.isLeft(text)) return E.left(configInvalid(memoryFile, [text.left]));
    const m = compilerMemory(text.right, memoryFile, bench.right, OFF_CHIP_TARGET_MIB);
    if (E.isLeft(m)) return m;
    memory = m.right;
  }
  const report = buildReport({
    cases: loaded.right.cases, skipped: loaded.right.skipped, unmapped: files.filter((f) => !known(f)).map((f) => path.basename(f)),
    bench: bench.right, base: base.right, profile: loadProfile, ...(memory ? { compilerMemory: memory } : {}),
  });
  if (E.isLeft(report)) return report;
  return E.right({ report: report.right, markdown: renderReport(report.right, why.right), json: `${JSON.stringify(report.right, round, 1)}\n` });
}
