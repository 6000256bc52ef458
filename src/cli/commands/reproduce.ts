import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { runConfig, summaryLines, summaryObject, type RunOutcome } from '../../experiments/run-config';
import { toJson } from '../text';
import { usage } from '../../errors';
import { rebase, renderHtml, type HtmlBlock } from '../../report/html';
import { parse, workersOption } from '../args';
import type { Command } from '../command';
import { makeDir, tryWrite, writeFileSafe } from '../../safe-write';
import { DEFAULT_WORKERS_TEXT } from '../../workers';

/** The paper's tables, in the order they are run and listed; each is experiments/<name>.json. */
export const TABLES: readonly { name: string; title: string }[] = [
  { name: 'single-tpu', title: 'Table 1: every zoo model on one Edge TPU (USB 3 and PCIe profiles) against published measurements' },
  { name: 'multi-tpu', title: "Table 2: the paper's main table: classic CNNs on 1..8 TPUs, six strategies" },
  { name: 'synthetic', title: "Table 3: the predecessor's synthetic conv and fc models, measured vs predicted" },
];

const EXPERIMENTS_DIR = path.resolve(__dirname, '../../../experiments');

const HELP = `usage: tpuseg reproduce [all | NAME ...] [--workers W] [--out DIR] [--force] [--json]

Regenerates the paper's tables (what \`npm start\` runs): for each NAME, runs
experiments/NAME.json into DIR/NAME/ (resuming finished cells unless --force) and writes
DIR/index.md linking every table and figure, and DIR/index.html, every table and figure in
one page that opens in a browser from disk (sortable tables, interactive figures, plan view).

tables:
${TABLES.map((t) => `  ${t.name.padEnd(11)} ${t.title}`).join('\n')}

options:
  --workers W   worker threads (0 = run in this thread; default: ${DEFAULT_WORKERS_TEXT})
  -o, --out DIR results directory (default results/)
  --force       recompute every cell
  --json        print one JSON object: { index, tables: [what \`run --json\` prints, per table] }
  -h, --help`;

const INTRO = 'Predicted with tpuseg\'s Edge TPU cost model (no hardware was used); measured figures, where shown, are read from ../shared/data at run time. Each table names the profile and assumptions it used.';

/** Every table's report in one page, under a heading per table. */
function indexHtml(done: readonly { name: string; title: string; outcome: RunOutcome }[], outDir: string): string {
  const blocks: HtmlBlock[] = [{ kind: 'heading', level: 1, text: 'tpuseg: the paper\'s tables, reproduced' }, { kind: 'text', text: INTRO }];
  for (const d of done) {
    const dir = path.relative(outDir, d.outcome.outDir) || '.';
    blocks.push({ kind: 'heading', level: 2, text: d.title, id: d.name });
    if (d.outcome.report === undefined) {
      blocks.push({ kind: 'text', text: 'Interrupted before every cell was done: run `tpuseg reproduce` again to finish.', className: 'error' });
      continue;
    }
    blocks.push({ kind: 'text', text: `${d.outcome.summary.records.length} cells; this table alone: [${dir}/index.html](${dir}/index.html)` });
    blocks.push(...rebase(d.outcome.report.body.map((b): HtmlBlock => (b.kind === 'heading' ? { ...b, level: b.level === 2 ? 3 : b.level } : b)), dir));
  }
  return renderHtml({ title: "tpuseg: the paper's tables, reproduced", blocks });
}

function indexPage(done: readonly { name: string; title: string; outcome: RunOutcome }[], outDir: string): string {
  const lines = ['# tpuseg: the paper\'s tables, reproduced', '', INTRO, '', 'Interactive version: [index.html](index.html)', ''];
  for (const d of done) {
    const dir = path.relative(outDir, d.outcome.outDir) || '.';
    lines.push(`## ${d.title}`, '');
    if (d.outcome.report === undefined) {
      lines.push('Interrupted before every cell was done: run `tpuseg reproduce` again to finish.', '');
      continue;
    }
    lines.push(`[${d.name}](${dir}/index.md): ${d.outcome.summary.records.length} cells`, '');
    for (const f of d.outcome.report.files.filter((f) => f.endsWith('.md') && f !== 'index.md')) lines.push(`- table: [${f}](${dir}/${f})`);
    for (const f of d.outcome.report.files.filter((f) => f.endsWith('.svg'))) lines.push(`- figure: [${path.basename(f)}](${dir}/${f})`);
    for (const h of d.outcome.report.headlines) lines.push('', `**${h}**`);
    for (const m of d.outcome.report.skipped) lines.push('', `> Skipped: ${m}`);
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
    const out = args.right.values['out'];
    const outDir = path.resolve(io.cwd, typeof out === 'string' ? out : 'results');
    const t0 = performance.now();
    const done: { name: string; title: string; outcome: RunOutcome }[] = [];
    let stopped = false;
    void io.interrupted.then(() => (stopped = true));
    for (const t of TABLES.filter((x) => names.includes(x.name))) {
      if (stopped) break;
      const r = await runConfig({
        configFile: path.join(EXPERIMENTS_DIR, `${t.name}.json`), outDir: path.join(outDir, t.name),
        ...(workers.right !== undefined ? { workers: workers.right } : {}), force: args.right.values['force'] === true,
      }, io);
      if (E.isLeft(r)) return r;
      done.push({ ...t, outcome: r.right });
      if (!json) for (const line of summaryLines(r.right, io.cwd)) io.out(line);
    }
    const written = tryWrite(() => {
      makeDir(outDir);
      writeFileSafe(path.join(outDir, 'index.md'), indexPage(done, outDir));
      writeFileSafe(path.join(outDir, 'index.html'), indexHtml(done, outDir));
    });
    if (E.isLeft(written)) return written;
    if (json) io.out(toJson({ index: path.join(outDir, 'index.md'), html: path.join(outDir, 'index.html'), tables: done.map((d) => summaryObject(d.outcome)) }));
    else {
      io.out(`index: ${path.relative(io.cwd, path.join(outDir, 'index.md'))} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      io.out(`report: ${path.relative(io.cwd, path.join(outDir, 'index.html'))} (open it in a browser)`);
    }
    return E.right(undefined);
  },
};
