import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE, RESULTS_FILE, reportFrom, type SavedConfig } from '../../experiments/run-config';
import { usage } from '../../errors';
import { parse } from '../args';
import type { Command } from '../command';

const HELP = `usage: tpuseg report <results.jsonl | DIR> [--out DIR]

Regenerates the report of finished cells without running anything: index.md, one Markdown
page and CSV per table, SVG figures (vega-lite) under figures/. Given a directory, reads
DIR/results.jsonl; the config.json that \`tpuseg run\` saved beside it says which tables and
figures to draw (without it: the table of every cell, speedup and per-stage figures).

options:
  --out DIR   where to write the report (default: the results file's directory)
  -h, --help`;

export const reportCommand: Command = {
  name: 'report',
  help: HELP,
  async run(argv, io) {
    const args = parse('report', argv, { out: { type: 'string' } });
    if (E.isLeft(args)) return args;
    const [target, ...extra] = args.right.positionals;
    if (target === undefined || extra.length > 0) return E.left(usage('report: expects one results file or directory (see tpuseg report --help)'));
    const abs = path.resolve(io.cwd, target);
    if (!fs.existsSync(abs)) return E.left(usage(`report: ${target}: no such file or directory`));
    const resultsFile = fs.statSync(abs).isDirectory() ? path.join(abs, RESULTS_FILE) : abs;
    if (!fs.existsSync(resultsFile)) return E.left(usage(`report: ${path.relative(io.cwd, resultsFile)}: no results file (run tpuseg run first)`));
    const configFile = path.join(path.dirname(resultsFile), CONFIG_FILE);
    let saved: SavedConfig | undefined;
    if (fs.existsSync(configFile)) {
      try {
        saved = JSON.parse(fs.readFileSync(configFile, 'utf8')) as SavedConfig;
      } catch (e) {
        return E.left(usage(`report: ${configFile}: not valid JSON (${(e as Error).message})`));
      }
    }
    const out = args.right.values['out'];
    const outDir = typeof out === 'string' ? path.resolve(io.cwd, out) : path.dirname(resultsFile);
    const r = await reportFrom(resultsFile, outDir, saved);
    io.out(`report: ${path.relative(io.cwd, r.index)} (${r.files.length} files)`);
    for (const h of r.headlines) io.out(`  ${h}`);
    for (const m of r.skipped) io.out(`  skipped: ${m}`);
    return E.right(undefined);
  },
};
