import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runConfig, summaryLines, type RunOutcome } from '../../experiments/run-config';
import { usage } from '../../errors';
import { parse } from '../args';
import type { Command } from '../command';
import { workersFlag } from './run';

/** The paper's tables, in the order they are run and listed; each is experiments/<name>.json. */
export const TABLES: readonly { name: string; title: string }[] = [
  { name: 'single-tpu', title: 'Table 1: every zoo model on one Edge TPU (USB 3 and PCIe profiles) against published measurements' },
  { name: 'multi-tpu', title: "Table 2: the paper's main table: classic CNNs on 1..8 TPUs, six strategies" },
  { name: 'synthetic', title: "Table 3: the predecessor's synthetic conv and fc models, measured vs predicted" },
];

const EXPERIMENTS_DIR = path.resolve(__dirname, '../../../experiments');

const HELP = `usage: tpuseg reproduce [all | NAME ...] [--workers W] [--out DIR] [--force]

Regenerates the paper's tables (what \`npm start\` runs): for each NAME, runs
experiments/NAME.json into DIR/NAME/ (resuming finished cells unless --force) and writes
DIR/index.md linking every table and figure.

tables:
${TABLES.map((t) => `  ${t.name.padEnd(11)} ${t.title}`).join('\n')}

options:
  --workers W   worker threads (0 = run in this thread; default: one per CPU when there are
                several models or TPU counts, else this thread)
  --out DIR     results directory (default results/)
  --force       recompute every cell
  -h, --help`;

function indexPage(done: readonly { name: string; title: string; outcome: RunOutcome }[], outDir: string): string {
  const lines = ['# tpuseg: the paper\'s tables, reproduced', '',
    'Predicted with tpuseg\'s Edge TPU cost model (no hardware was used); measured figures, where shown, are read from ../shared/data at run time. Each table names the profile and assumptions it used.', ''];
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
    const args = parse('reproduce', argv, { workers: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } });
    if (E.isLeft(args)) return args;
    const names = args.right.positionals.length === 0 || args.right.positionals.includes('all') ? TABLES.map((t) => t.name) : args.right.positionals;
    const unknown = names.find((n) => !TABLES.some((t) => t.name === n));
    if (unknown !== undefined) return E.left(usage(`reproduce: unknown table "${unknown}" (known: all, ${TABLES.map((t) => t.name).join(', ')})`));
    const workers = workersFlag('reproduce', args.right.values['workers']);
    if (E.isLeft(workers)) return workers;
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
      for (const line of summaryLines(r.right, io.cwd)) io.out(line);
    }
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'index.md'), indexPage(done, outDir));
    io.out(`index: ${path.relative(io.cwd, path.join(outDir, 'index.md'))} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return E.right(undefined);
  },
};
