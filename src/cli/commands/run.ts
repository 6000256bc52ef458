import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { runConfig, summaryLines, summaryObject } from '../../experiments/run-config';
import { toJson } from '../text';
import { usage } from '../../errors';
import { DEFAULT_WORKERS_TEXT } from '../../search/workers';
import { parse, workersOption } from '../args';
import { optionalOutDir } from '../out-path';
import type { Command } from '../command';

const HELP = `usage: tpuseg run <experiments/NAME.json> [--workers W] [--out DIR] [--force] [--json]

Expands an experiment config into cells (model x profile x TPU count x seed x strategy), runs
the cells not already done on a pool of worker threads, appends each finished cell to
DIR/results.jsonl at once (one line, fsync'd), then writes the report (index.md, Markdown and
CSV tables, SVG figures, and index.html: the same in one page for a browser) into DIR.

A wrong config is rejected before any work, with every problem listed by its JSON path.
Running again resumes: finished cells are reused unless --force; results computed by another
tpuseg version or under a changed profile are stale and recomputed. Ctrl-C stops after the
cells in flight; the next run picks up from there.

Config fields (see experiments/schema.ts and the shipped experiments/*.json):
  name         results go to results/<name>/ unless --out
  models       specs (file.tflite, zoo:NAME[@SIZE], zoo:*, synth:FAMILY?k=v) or
               { "model": spec, "sweep": { key: [values] | {from,to,step} }, "tpus": ... }
  tpus         N, [N, ...] or {from, to}                     (default 1)
  strategies   names (compiler, profiling, balanced, dp, greedy, annealing, layers, a module
               path) or { "name", "options", "label" }
  profile      name or path, or a list                       (default edgetpu-usb3)
  objective    throughput | batch | latency                  (default throughput)
  batch, seeds, budget { timeMs }, outputs { tables, figures, stagesAt, published, measurements }

options:
  --workers W   worker threads (0 = run in this thread; default: ${DEFAULT_WORKERS_TEXT})
  -o, --out DIR results and report folder (default results/<name>; created if missing, in a folder
                that must exist)
  --force       recompute every cell
  --json        print one JSON object: { name, cells, done, computed, reused, stale, failed,
                interrupted, results, report, files, headlines, skipped }
  -h, --help`;

export const runCommand: Command = {
  name: 'run',
  help: HELP,
  async run(argv, io) {
    const args = parse('run', argv, { workers: { type: 'string' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, json: { type: 'boolean' } });
    if (E.isLeft(args)) return args;
    const [file, ...extra] = args.right.positionals;
    if (file === undefined || extra.length > 0) return E.left(usage('run: expects exactly one config file (see tpuseg run --help)'));
    const workers = workersOption('run', args.right.values['workers']);
    if (E.isLeft(workers)) return workers;
    const out = optionalOutDir('run', '--out', args.right.values['out'], io.cwd);
    if (E.isLeft(out)) return out;
    const r = await runConfig({
      configFile: path.resolve(io.cwd, file),
      ...(out.right !== undefined ? { outDir: out.right } : {}),
      ...(workers.right !== undefined ? { workers: workers.right } : {}),
      force: args.right.values['force'] === true,
    }, io);
    if (E.isLeft(r)) return r;
    if (args.right.values['json'] === true) io.out(toJson(summaryObject(r.right)));
    else for (const line of summaryLines(r.right, io.cwd)) io.out(line);
    return E.right(undefined);
  },
};
