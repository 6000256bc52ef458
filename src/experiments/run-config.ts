import * as E from 'fp-ts/Either';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type LoadedConfig } from '../../experiments/load';
import { FIGURES, TABLES, type ResolvedConfig } from '../../experiments/schema';
import type { Io } from '../cli/command';
import type { TpusegError } from '../errors';
import { writeReport, type ReportOutput } from '../report/generate';
import { liveCatalog, profileHash } from './catalog-live';
import { inProcessExecutor, poolExecutor } from './pool';
import { progress } from './progress';
import { groupCells, runCells, type RunSummary } from './runner';
import { experimentWorkers } from '../search/workers';
import { readStore } from './store';
import { acquireLock } from './lock';
import { cellTools } from './code-hash';
import { makeDirBelow, tryWrite, tryWriteAsync, writeFileSafe } from '../safe-write';

/** The edge that ties a config file to the pool, the results store and the report. */

const ROOT = path.resolve(__dirname, '../..');
/** Sources whose code decides a cell's numbers (models, cost model, searchers, evaluation). */
const RESULT_SOURCES = ['cost-models', 'strategies', 'src/search', 'src/pipeline', 'src/plan', 'src/zoo', 'src/graph', 'src/model', 'src/tflite', 'src/experiments/execute.ts'];

function sourceFiles(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs.readdirSync(abs).sort().flatMap((f) => (/\.(ts|js|json)$/.test(f) || fs.statSync(path.join(abs, f)).isDirectory() ? sourceFiles(path.join(rel, f)) : []));
}

/**
 * The tool identity the report states: the package version plus a hash of the sources that compute
 * results. Each result records its own (code-hash.ts: the code its cell ran), so a change to one
 * strategy, or a file added to strategies/, does not make other strategies' results stale.
 */
const VERSION = (require('../../package.json') as { version: string }).version;

export const TOOL_VERSION: string = (() => {
  const version = VERSION;
  const hash = createHash('sha256');
  for (const f of RESULT_SOURCES.flatMap(sourceFiles)) hash.update(f).update('\0').update(fs.readFileSync(path.join(ROOT, f))).update('\0');
  return `${version}+${hash.digest('hex').slice(0, 12)}`;
})();
export const RESULTS_FILE = 'results.jsonl';
/** The paper's table 2: the one config whose report sets the paper's measured speedup beside ours. */
const PAPER_TABLE = path.join(ROOT, 'experiments', 'multi-tpu.json');
export const CONFIG_FILE = 'config.json';

/** What a results directory remembers of its config, so `tpuseg report DIR` can rebuild the report. */
export interface SavedConfig {
  readonly file: string;
  readonly hash: string;
  readonly config: ResolvedConfig;
  /** `outputs.published` / `outputs.measurements` resolved against the config's directory. */
  readonly published?: string;
  readonly measurements?: string;
  readonly mapping?: string;
}

/**
 * Why `u` (a results directory's config.json as read) is not a SavedConfig, in a few words, or
 * undefined: the fields the report reads are checked, so a file from elsewhere is a user error.
 */
export function savedConfigProblem(u: unknown): string | undefined {
  const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const str = (x: unknown): boolean => typeof x === 'string';
  const num = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  const listOf = (x: unknown, allowed: readonly string[]): boolean => Array.isArray(x) && x.every((v) => allowed.includes(v as string));
  if (!obj(u)) return 'expected an object';
  for (const k of ['file', 'hash'] as const) if (!str(u[k])) return `${k}: expected a string`;
  for (const k of ['published', 'measurements', 'mapping'] as const) if (u[k] !== undefined && !str(u[k])) return `${k}: expected a path`;
  const c = u['config'];
  if (!obj(c)) return 'config: expected the config the run used';
  for (const k of ['name', 'description', 'objective'] as const) if (!str(c[k])) return `config.${k}: expected a string`;
  if (!num(c['batch'])) return 'config.batch: expected a number';
  if (!Array.isArray(c['seeds']) || !c['seeds'].every(num)) return 'config.seeds: expected a list of numbers';
  if (!obj(c['budget']) || (c['budget']['timeMs'] !== undefined && !num(c['budget']['timeMs']))) return 'config.budget: expected {timeMs?}';
  const o = c['outputs'];
  if (!obj(o)) return 'config.outputs: expected an object';
  if (!listOf(o['tables'], TABLES)) return `config.outputs.tables: expected a list of ${TABLES.join(', ')}`;
  if (!listOf(o['figures'], FIGURES)) return `config.outputs.figures: expected a list of ${FIGURES.join(', ')}`;
  if (o['stagesAt'] !== undefined && !num(o['stagesAt'])) return 'config.outputs.stagesAt: expected a number';
  return undefined;
}

export interface RunRequest {
  readonly configFile: string;
  readonly outDir?: string;
  /** Worker threads (0 = this thread); default: src/search/workers.ts chooses from the cells. */
  readonly workers?: number;
  readonly force: boolean;
  /** The output folder `outDir` lies in (default: itself): no folder between them may be a link. */
  readonly root?: string;
}

export interface RunOutcome {
  readonly loaded: LoadedConfig;
  readonly outDir: string;
  readonly summary: RunSummary;
  readonly report?: ReportOutput;
}

export function savedConfig(loaded: LoadedConfig): SavedConfig {
  const o = loaded.config.outputs;
  return {
    file: loaded.file, hash: loaded.hash, config: loaded.config,
    ...(o.published !== undefined ? { published: path.resolve(loaded.baseDir, o.published) } : {}),
    ...(o.measurements !== undefined ? { measurements: path.resolve(loaded.baseDir, o.measurements) } : {}),
    ...(o.mapping !== undefined ? { mapping: path.resolve(loaded.baseDir, o.mapping) } : {}),
  };
}

/** Regenerates the report of a results directory (or of a results file with its config.json beside it). */
export async function reportFrom(resultsFile: string, outDir: string, saved: SavedConfig | undefined): Promise<ReportOutput> {
  const records = readStore(resultsFile).records;
  const c = saved?.config;
  return writeReport(records, {
    outDir,
    title: c !== undefined ? `Experiment ${c.name}` : `Results ${path.basename(resultsFile)}`,
    description: c?.description ?? '',
    tables: c?.outputs.tables ?? ['cells'],
    figures: c?.outputs.figures ?? ['speedup', 'stages'],
    ...(c?.outputs.stagesAt !== undefined ? { stagesAt: c.outputs.stagesAt } : {}),
    ...(saved?.published !== undefined ? { published: saved.published } : {}),
    ...(saved?.measurements !== undefined ? { measurements: saved.measurements } : {}),
    ...(saved?.mapping !== undefined ? { mapping: saved.mapping } : {}),
    resultsFile: path.relative(outDir, resultsFile) || RESULTS_FILE,
    ...(saved !== undefined && path.resolve(saved.file) === PAPER_TABLE ? { paper: true } : {}),
    provenance: [
      `tpuseg ${TOOL_VERSION}`,
      ...(saved !== undefined ? [`Config: \`${saved.file}\` (hash ${saved.hash})`] : []),
      ...(c !== undefined ? [`Objective: ${c.objective}; batch ${c.batch}; seeds ${c.seeds.join(', ')}${c.budget.timeMs !== undefined ? `; time budget ${c.budget.timeMs} ms per task` : ''}`] : []),
    ],
  });
}

/**
 * Runs `f` holding the lock of `outDir` (created if needed, with its figures/ folder, which must
 * not be a link; so must not the folders between `root` and `outDir`); file-system errors become
 * one-line errors.
 */
export async function withResultsDir<A>(outDir: string, log: (line: string) => void, f: () => Promise<E.Either<TpusegError, A>>, root = outDir): Promise<E.Either<TpusegError, A>> {
  const made = tryWrite(() => makeDirBelow(root, path.relative(root, outDir)));
  if (E.isLeft(made)) return made;
  const lock = acquireLock(outDir, log);
  if (E.isLeft(lock)) return lock;
  try {
    return await tryWriteAsync(() => {
      makeDirBelow(outDir, 'figures');
      return f();
    });
  } finally {
    lock.right.release();
  }
}

export async function runConfig(req: RunRequest, io: Io): Promise<E.Either<TpusegError, RunOutcome>> {
  const loaded = loadConfig(req.configFile, liveCatalog(io.cwd));
  if (E.isLeft(loaded)) return loaded;
  const outDir = req.outDir ?? path.join(io.cwd, 'results', loaded.right.config.name);
  return withResultsDir(outDir, io.err, () => runLoaded(loaded.right, outDir, req, io), req.root);
}

async function runLoaded(config: LoadedConfig, outDir: string, req: RunRequest, io: Io): Promise<E.Either<TpusegError, RunOutcome>> {
  const saved = savedConfig(config);
  writeFileSafe(path.join(outDir, CONFIG_FILE), JSON.stringify(saved, null, 1) + '\n');

  const cells = config.expansion.cells;
  const hashes = new Map<string, string>();
  const hashOfProfile = (p: string): string => {
    if (!hashes.has(p)) hashes.set(p, profileHash(p));
    return hashes.get(p)!;
  };
  const tools = await cellTools(VERSION, cells.map((c) => c.strategy), config.baseDir);
  const workers = req.workers ?? experimentWorkers(groupCells(cells).length);
  const executor = workers === 0 ? inProcessExecutor(config.baseDir, io.cwd, io.interrupted) : poolExecutor(workers, config.baseDir, io.cwd, io.interrupted);
  const tty = io.isTty && Boolean(process.stderr.isTTY);
  io.err(`${config.config.name}: ${cells.length} cells (${config.expansion.models.length} models), ${workers === 0 ? 'in this thread' : `${workers} worker(s)`}`);
  let summary: RunSummary;
  try {
    summary = await runCells(cells, executor, {
      store: path.join(outDir, RESULTS_FILE),
      force: req.force,
      tool: (p) => tools.get(p.strategy) ?? TOOL_VERSION,
      configHash: config.hash,
      profileHash: hashOfProfile,
      concurrency: Math.max(1, workers * 2),
      progress: (total, already) => progress({ write: (s) => process.stderr.write(s), log: io.err, tty, now: () => performance.now() }, total, already),
      log: io.err,
      interrupted: io.interrupted,
    });
  } finally {
    await executor.close();
  }
  if (summary.interrupted) return E.right({ loaded: config, outDir, summary });
  const report = await reportFrom(path.join(outDir, RESULTS_FILE), outDir, saved);
  return E.right({ loaded: config, outDir, summary, report });
}

/** What `run --json` and `reproduce --json` print for a config: counts, files, headlines. */
export function summaryObject(o: RunOutcome): Record<string, unknown> {
  const s = o.summary;
  return {
    name: o.loaded.config.name, cells: o.loaded.expansion.cells.length, done: s.records.length, computed: s.computed, reused: s.reused,
    stale: s.stale, failed: s.failed, interrupted: s.interrupted, results: path.join(o.outDir, RESULTS_FILE),
    ...(o.report ? { report: o.report.index, files: o.report.files, headlines: o.report.headlines, skipped: o.report.skipped } : {}),
  };
}

/** The lines `run` and `reproduce` print when a config is done (or interrupted). */
export function summaryLines(o: RunOutcome, cwd: string): string[] {
  const s = o.summary;
  const rel = (p: string): string => path.relative(cwd, p) || '.';
  const counts = `${s.records.length}/${o.loaded.expansion.cells.length} cells: ${s.computed} computed, ${s.reused} reused` +
    `${s.stale > 0 ? ` (${s.stale} stale recomputed)` : ''}${s.failed > 0 ? `, ${s.failed} failed` : ''}`;
  if (s.interrupted) return [`${o.loaded.config.name}: interrupted; ${counts}. Run the same command again to resume.`];
  return [
    `${o.loaded.config.name}: ${counts}`,
    `  results: ${rel(path.join(o.outDir, RESULTS_FILE))}`,
    `  report:  ${rel(o.report!.index)}; in a browser: ${rel(o.report!.html)}`,
    ...o.report!.headlines.map((h) => `  ${h}`),
    ...o.report!.skipped.map((m) => `  skipped: ${m}`),
  ];
}
