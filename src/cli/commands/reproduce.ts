import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { runConfig, summaryLines, summaryObject, TOOL_VERSION, withResultsDir } from '../../experiments/run-config';
import type { ReportOutput } from '../../report/generate';
import type { Io } from '../command';
import { toJson } from '../text';
import { usage, type TpusegError } from '../../errors';
import { rebase, renderHtml, type HtmlBlock } from '../../report/html';
import { parse, workersOption } from '../args';
import { optionalOutDir } from '../out-path';
import type { Command } from '../command';
import { makeDir, tryWrite, writeFileSafe } from '../../safe-write';
import { DEFAULT_WORKERS_TEXT } from '../../search/workers';

/**
 * The paper's tables, in the order they are run and listed: each experiments/<name>.json, then the
 * advise table (experiments/advise/table.json: advise's configurations for the paper's models) and
 * the workload table (experiments/workload/table.json: several models on one board).
 */
export const TABLES: readonly { name: string; title: string }[] = [
  { name: 'single-tpu', title: 'Table 1: every zoo model on one Edge TPU (USB 3 and PCIe profiles) against published measurements' },
  { name: 'multi-tpu', title: "Table 2: the paper's main table: classic CNNs on 1..8 TPUs, six strategies" },
  { name: 'synthetic', title: "Table 3: the predecessor's synthetic conv and fc models, measured vs predicted" },
  { name: 'advise', title: "Table 4: what to run on 1..8 TPUs: pipelines, replicas or both, for table 2's models (tpuseg advise)" },
  { name: 'workload', title: "Table 5: several of table 2's models on one board of 4 or 8 TPUs at target rates (tpuseg advise --workload)" },
];

/** What one table left behind, whichever way it was made. */
interface Done {
  readonly name: string;
  readonly title: string;
  readonly outDir: string;
  /** Absent when interrupted. */
  readonly report?: ReportOutput;
  /** Cells (an experiment) or rows (the advise table), and which. */
  readonly count: number;
  readonly unit: string;
  readonly lines: readonly string[];
  readonly json: Record<string, unknown>;
}

const EXPERIMENTS_DIR = path.resolve(__dirname, '../../../experiments');

const HELP = `usage: tpuseg reproduce [all | NAME ...] [--workers W] [--out DIR] [--force] [--json]

Regenerates the paper's tables (what \`npm start\` runs): for each NAME, runs
experiments/NAME.json into DIR/NAME/ (resuming finished cells unless --force; the advise table,
experiments/advise/table.json, is computed afresh) and writes DIR/index.md linking every table
and figure, and DIR/index.html, every table and figure in one page that opens in a browser from
disk (sortable tables, interactive figures, plan view).

tables:
${TABLES.map((t) => `  ${t.name.padEnd(11)} ${t.title}`).join('\n')}

options:
  --workers W   worker threads (0 = run in this thread; default: ${DEFAULT_WORKERS_TEXT})
  -o, --out DIR results folder (default results/; created if missing, in a folder that must exist)
  --force       recompute every cell
  --json        print one JSON object: { index, tables: [what \`run --json\` prints, per table] }
  -h, --help`;

const INTRO = 'Predicted with tpuseg\'s Edge TPU cost model (no hardware was used); measured figures, where shown, are read from ../shared/data at run time. Each table names the profile and assumptions it used.';

/** Every table's report in one page, under a heading per table. */
function indexHtml(done: readonly Done[], outDir: string): string {
  const blocks: HtmlBlock[] = [{ kind: 'heading', level: 1, text: 'tpuseg: the paper\'s tables, reproduced' }, { kind: 'text', text: INTRO }];
  for (const d of done) {
    const dir = path.relative(outDir, d.outDir) || '.';
    blocks.push({ kind: 'heading', level: 2, text: d.title, id: d.name });
    if (d.report === undefined) {
      blocks.push({ kind: 'text', text: 'Interrupted before every cell was done: run `tpuseg reproduce` again to finish.', className: 'error' });
      continue;
    }
    blocks.push({ kind: 'text', text: `${d.count} ${d.unit}; this table alone: [${dir}/index.html](${dir}/index.html)` });
    blocks.push(...rebase(d.report.body.map((b): HtmlBlock => (b.kind === 'heading' ? { ...b, level: b.level === 2 ? 3 : b.level === 3 ? 4 : b.level } : b)), dir));
  }
  return renderHtml({ title: "tpuseg: the paper's tables, reproduced", blocks });
}

function indexPage(done: readonly Done[], outDir: string): string {
  const lines = ['# tpuseg: the paper\'s tables, reproduced', '', INTRO, '', 'Interactive version: [index.html](index.html)', ''];
  for (const d of done) {
    const dir = path.relative(outDir, d.outDir) || '.';
    lines.push(`## ${d.title}`, '');
    if (d.report === undefined) {
      lines.push('Interrupted before every cell was done: run `tpuseg reproduce` again to finish.', '');
      continue;
    }
    lines.push(`[${d.name}](${dir}/index.md): ${d.count} ${d.unit}`, '');
    for (const f of d.report.files.filter((f) => f.endsWith('.md') && f !== 'index.md')) lines.push(`- table: [${f}](${dir}/${f})`);
    for (const f of d.report.files.filter((f) => f.endsWith('.svg'))) lines.push(`- figure: [${path.basename(f)}](${dir}/${f})`);
    for (const h of d.report.headlines) lines.push('', `**${h}**`);
    for (const m of d.report.skipped) lines.push('', `> Skipped: ${m}`);
    lines.push('');
  }
  return lines.join('\n');
}

export const reproduceCommand: Command = {
  name: 'reproduce',
  help: HELP,
  async run(argv, io) {
    const args = parse('reproduce', argv, { workers: { type: 'string' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, json: { type: 'boolean' } });
    if (E.isLeft(args)) return args;
    const names = args.right.positionals.length === 0 || args.right.positionals.includes('all') ? TABLES.map((t) => t.name) : args.right.positionals;
    const unknown = names.find((n) => !TABLES.some((t) => t.name === n));
    if (unknown !== undefined) return E.left(usage(`reproduce: unknown table "${unknown}" (known: all, ${TABLES.map((t) => t.name).join(', ')})`));
    const workers = workersOption('reproduce', args.right.values['workers']);
    if (E.isLeft(workers)) return workers;
    const json = args.right.values['json'] === true;
    const out = optionalOutDir('reproduce', '--out', args.right.values['out'], io.cwd);
    if (E.isLeft(out)) return out;
    const outDir = out.right ?? path.resolve(io.cwd, 'results');
    const t0 = performance.now();
    const done: Done[] = [];
    let stopped = false;
    void io.interrupted.then(() => (stopped = true));
    for (const t of TABLES.filter((x) => names.includes(x.name))) {
      if (stopped) break;
      let d: Done;
      if (t.name === 'advise') {
        const r = await runAdvise(path.join(EXPERIMENTS_DIR, 'advise', 'table.json'), outDir, t.name, io, () => stopped);
        if (E.isLeft(r)) return r;
        d = { ...t, ...r.right };
      } else if (t.name === 'workload') {
        const r = await runWorkloadTable(path.join(EXPERIMENTS_DIR, 'workload', 'table.json'), path.join(outDir, t.name), io, () => stopped);
        if (E.isLeft(r)) return r;
        d = { ...t, ...r.right };
      } else {
        const r = await runConfig({
          configFile: path.join(EXPERIMENTS_DIR, `${t.name}.json`), outDir: path.join(outDir, t.name), root: outDir,
          ...(workers.right !== undefined ? { workers: workers.right } : {}), force: args.right.values['force'] === true,
        }, io);
        if (E.isLeft(r)) return r;
        d = {
          ...t, outDir: r.right.outDir, ...(r.right.report ? { report: r.right.report } : {}), count: r.right.summary.records.length, unit: 'cells',
          lines: summaryLines(r.right, io.cwd), json: summaryObject(r.right),
        };
      }
      done.push(d);
      if (!json) for (const line of d.lines) io.out(line);
    }
    const written = tryWrite(() => {
      makeDir(outDir);
      writeFileSafe(path.join(outDir, 'index.md'), indexPage(done, outDir));
      writeFileSafe(path.join(outDir, 'index.html'), indexHtml(done, outDir));
    });
    if (E.isLeft(written)) return written;
    if (json) io.out(toJson({ index: path.join(outDir, 'index.md'), html: path.join(outDir, 'index.html'), tables: done.map((d) => d.json) }));
    else {
      io.out(`index: ${path.relative(io.cwd, path.join(outDir, 'index.md'))} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      io.out(`report: ${path.relative(io.cwd, path.join(outDir, 'index.html'))} (open it in a browser)`);
    }
    return E.right(undefined);
  },
};

/**
 * The advise table (src/advise/table.ts) into `outDir`: computed afresh each time (about a second
 * per model), under the results directory's lock as the experiments are.
 */
async function runAdvise(configFile: string, root: string, name: string, io: Io, stopped: () => boolean): Promise<E.Either<TpusegError, Omit<Done, 'name' | 'title'>>> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { adviseTable, loadAdviseTable } = require('../../advise/table') as typeof import('../../advise/table');
  const { writeAdviseReport } = require('../../report/advise') as typeof import('../../report/advise');
  const config = loadAdviseTable(configFile);
  if (E.isLeft(config)) return config;
  const c = config.right;
  return runTable(configFile, path.join(root, name), root, io, stopped, {
    name: c.name, started: `${c.models.length} models on 1..${c.tpus} TPUs`, scope: `${c.models.length} models, 1..${c.tpus} TPUs`,
    compute: () => adviseTable(c, stopped), profile: (t) => `${t.profile}; objective ${c.objective ?? 'throughput'}`, write: writeAdviseReport,
  });
}

/** The workload table (src/workload/table.ts) into `outDir`: computed afresh each time (a few seconds). */
async function runWorkloadTable(configFile: string, outDir: string, io: Io, stopped: () => boolean): Promise<E.Either<TpusegError, Omit<Done, 'name' | 'title'>>> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { workloadTable, loadWorkloadTable } = require('../../workload/table') as typeof import('../../workload/table');
  const { writeWorkloadReport } = require('../../report/workload') as typeof import('../../report/workload');
  const config = loadWorkloadTable(configFile);
  if (E.isLeft(config)) return config;
  const c = config.right;
  const scope = `${c.workloads.length} workloads on ${c.tpus.join(' and ')} TPUs`;
  return runTable(configFile, outDir, outDir, io, stopped, {
    name: c.name, started: scope, scope, compute: () => workloadTable(c, stopped), profile: (t) => t.profile, write: writeWorkloadReport,
  });
}

/** One table of reproduce's: what it is called and covers, how it is computed, and how its report is written. */
interface TableRun<T> {
  readonly name: string;
  /** What it covers, as the line at its start and the summary at its end say it. */
  readonly started: string;
  readonly scope: string;
  readonly compute: () => E.Either<TpusegError, T>;
  readonly profile: (table: T) => string;
  readonly write: (table: T, outDir: string, provenance: readonly string[]) => Promise<ReportOutput> | ReportOutput;
}

/** A table computed and its report written into `outDir` (below `root`), under the results directory's lock. */
async function runTable<T extends { readonly rows: readonly unknown[] }>(configFile: string, outDir: string, root: string, io: Io, stopped: () => boolean,
  run: TableRun<T>): Promise<E.Either<TpusegError, Omit<Done, 'name' | 'title'>>> {
  return withResultsDir(outDir, io.err, async (): Promise<E.Either<TpusegError, Omit<Done, 'name' | 'title'>>> => {
    io.err(`${run.name}: ${run.started}`);
    const t0 = performance.now();
    const table = run.compute();
    if (E.isLeft(table)) return table;
    const base = { outDir, count: table.right.rows.length, unit: 'rows' };
    const rel = (p: string): string => path.relative(io.cwd, p) || '.';
    if (stopped()) return E.right({ ...base, lines: [`${run.name}: interrupted; run the same command again to finish.`], json: { name: run.name, rows: base.count, interrupted: true } });
    const report = await run.write(table.right, outDir, [`tpuseg ${TOOL_VERSION}`, `Config: \`${configFile}\``, `Profile: ${run.profile(table.right)}`]);
    return E.right({
      ...base, report,
      lines: [`${run.name}: ${base.count} rows (${run.scope}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        `  report:  ${rel(report.index)}; in a browser: ${rel(report.html)}`, ...report.headlines.map((h) => `  ${h}`)],
      json: { name: run.name, rows: base.count, report: report.index, files: report.files, headlines: report.headlines },
    });
  }, root);
}
