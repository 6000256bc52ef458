import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE, RESULTS_FILE, reportFrom, savedConfigProblem, withResultsDir, type SavedConfig } from '../../experiments/run-config';
import { readStore } from '../../experiments/store';
import { usage } from '../../errors';
import { parseJson } from '../../json-text';
import { MAX_TEXT_BYTES } from '../../limits';
import { readRegularText } from '../../read-file';
import { parse } from '../args';
import type { Command } from '../command';
import { toJson } from '../text';

const HELP = `usage: tpuseg report <results.jsonl | DIR> [--out DIR] [--json]

Regenerates the report of finished cells without running anything: index.md, one Markdown
page and CSV per table, SVG figures (vega-lite) under figures/, and index.html, all of it in one
self-contained page (sortable tables, interactive figures, the plan view). Given a directory, reads
DIR/results.jsonl; the config.json that \`tpuseg run\` saved beside it says which tables and
figures to draw (without it: the table of every cell, speedup and per-stage figures).

options:
  -o, --out DIR  where to write the report (default: the results file's directory)
  --json         print one JSON object: { index, files, headlines, skipped }
  -h, --help`;

/** Why a file is no results file to report on (nothing is written then), or undefined when it is one. */
function resultsProblem(file: string): string | undefined {
  const { records, badLines } = readStore(file);
  if (records.length > 0) return undefined;
  if (badLines.length > 0) return `not a results file (line ${badLines[0]} is not a cell record; tpuseg run writes ${RESULTS_FILE})`;
  return 'no finished cell in it: nothing to report (run tpuseg run first)';
}

export const reportCommand: Command = {
  name: 'report',
  help: HELP,
  async run(argv, io) {
    const args = parse('report', argv, { out: { type: 'string', short: 'o' }, json: { type: 'boolean' } });
    if (E.isLeft(args)) return args;
    const [target, ...extra] = args.right.positionals;
    if (target === undefined || extra.length > 0) return E.left(usage('report: expects one results file or directory (see tpuseg report --help)'));
    const abs = path.resolve(io.cwd, target);
    if (!fs.existsSync(abs)) return E.left(usage(`report: ${target}: no such file or directory`));
    const resultsFile = fs.statSync(abs).isDirectory() ? path.join(abs, RESULTS_FILE) : abs;
    if (!fs.existsSync(resultsFile)) return E.left(usage(`report: ${path.relative(io.cwd, resultsFile)}: no results file (run tpuseg run first)`));
    const notResults = resultsProblem(resultsFile);
    if (notResults !== undefined) return E.left(usage(`report: ${resultsFile === abs ? target : path.relative(io.cwd, resultsFile)}: ${notResults}`));
    const configFile = path.join(path.dirname(resultsFile), CONFIG_FILE);
    let saved: SavedConfig | undefined;
    if (fs.existsSync(configFile)) {
      const text = readRegularText(configFile, MAX_TEXT_BYTES, 'a saved config');
      const json = E.isLeft(text) ? text : parseJson(text.right);
      if (E.isLeft(json)) return E.left(usage(`report: ${configFile}: ${json.left}`));
      const problem = savedConfigProblem(json.right);
      if (problem !== undefined) return E.left(usage(`report: ${path.relative(io.cwd, configFile) || configFile}: not the config.json tpuseg run writes (${problem})`));
      saved = json.right as SavedConfig;
    }
    const out = args.right.values['out'];
    const outDir = typeof out === 'string' ? path.resolve(io.cwd, out) : path.dirname(resultsFile);
    const made = await withResultsDir(outDir, io.err, async () => E.right(await reportFrom(resultsFile, outDir, saved)));
    if (E.isLeft(made)) return made;
    const r = made.right;
    if (args.right.values['json'] === true) {
      io.out(toJson({ index: r.index, html: r.html, files: r.files, headlines: r.headlines, skipped: r.skipped }));
      return E.right(undefined);
    }
    io.out(`report: ${path.relative(io.cwd, r.index)} (${r.files.length} files); in a browser: ${path.relative(io.cwd, r.html)}`);
    for (const h of r.headlines) io.out(`  ${h}`);
    for (const m of r.skipped) io.out(`  skipped: ${m}`);
    return E.right(undefined);
  },
};
