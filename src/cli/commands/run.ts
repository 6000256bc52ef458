import * as E from 'fp-ts/Either';
import * as path from 'node:path';
import { runConfig, summaryLines } from '../../experiments/run-config';
import { usage, type TpusegError } from '../../errors';
import { parse } from '../args';
import type { Command } from '../command';

/** `--workers W`: a non-negative integer (0 = in this thread); absent, undefined: chosen from the work (src/search/workers.ts). */
export function workersFlag(command: string, raw: unknown): E.Either<TpusegError, number | undefined> {
  if (raw === undefined) return E.right(undefined);
  const s = String(raw);
  return /^\d+$/.test(s) && Number(s) <= 256 ? E.right(Number(s)) : E.left(usage(`${command}: --workers expects an integer from 0 to 256, got "${s}"`));
}

const HELP = `usage: tpuseg run <experiments/NAME.json> [--workers W] [--out DIR] [--force]

Expands an experiment config into cells (model x profile x TPU count x seed x strategy), runs
the cells not already done on a pool of worker threads, appends each finished cell to
DIR/results.jsonl at once (one line, fsync'd), then writes the report (index.md, Markdown and
CSV tables, SVG figures) into DIR.

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
  --workers W   worker threads (0 = run in this thread; default: one per CPU when there are
                several models or TPU counts, else this thread)
  --out DIR     results and report directory (default results/<name>)
  --force       recompute every cell
  -h, --help`;

export const runCommand: Command = {
  name: 'run',
  help: HELP,
  async run(argv, io) {
    const args = parse('run', argv, { workers: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } });
    if (E.isLeft(args)) return args;
    const [file, ...extra] = args.right.positionals;
    if (file === undefined || extra.length > 0) return E.left(usage('run: expects exactly one config file (see tpuseg run --help)'));
    const workers = workersFlag('run', args.right.values['workers']);
    if (E.isLeft(workers)) return workers;
    const out = args.right.values['out'];
    const r = await runConfig({
      configFile: path.resolve(io.cwd, file),
      ...(typeof out === 'string' ? { outDir: path.resolve(io.cwd, out) } : {}),
      ...(workers.right !== undefined ? { workers: workers.right } : {}),
      force: args.right.values['force'] === true,
    }, io);
    if (E.isLeft(r)) return r;
    for (const line of summaryLines(r.right, io.cwd)) io.out(line);
    return E.right(undefined);
  },
};
