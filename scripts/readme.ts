import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/Either';
import { findRegions, replaceRegions } from './readme/regions';
import { renderRegions, reproduce, REPRODUCED, ROOT, SOURCES, staleRegions } from './readme/sources';

/**
 * `npm run readme [-- NAME ...] [--results DIR] [--check]`: regenerates README.md's generated
 * regions (every one, or the named ones) in place. The regions that show reproduced tables read a
 * fresh `tpuseg reproduce multi-tpu advise` run in a scratch folder, or DIR when given (a folder
 * such a run wrote, e.g. results/). `--check` writes nothing and exits 1 when the README differs.
 */
const HELP = `usage: npm run readme -- [NAME ...] [--results DIR] [--check]\n\nregions: ${[...SOURCES.keys()].join(', ')}`;

class Failure {
  constructor(readonly message: string, readonly code: number) {}
}

/** Ends the run with a one-line error (cleanup in `finally` blocks still runs). */
function fail(message: string, code = 2): never {
  throw new Failure(message, code);
}

function main(): void {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { results: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    fail(`${(e as Error).message} (${HELP.split('\n')[0]})`);
  }
  if (args.values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const names = args.positionals.length > 0 ? args.positionals : undefined;
  const unknown = names?.find((n) => !SOURCES.has(n));
  if (unknown !== undefined) fail(`unknown region "${unknown}" (known: ${[...SOURCES.keys()].join(', ')})`);
  const file = path.join(ROOT, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const regions = findRegions(text);
  if (E.isLeft(regions)) fail(`README.md ${regions.left}`);
  const missing = [...SOURCES.keys()].filter((n) => !regions.right.some((r) => r.name === n));
  if (missing.length > 0) fail(`README.md has no region ${missing.map((m) => `"${m}"`).join(', ')}`);
  const orphan = regions.right.find((r) => !SOURCES.has(r.name));
  if (orphan) fail(`README.md has a region "${orphan.name}" no source renders`);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-readme-'));
  try {
    const needsReproduce = [...SOURCES].some(([n, s]) => s.kind === 'reproduced' && (names === undefined || names.includes(n)));
    const results = args.values.results === undefined ? path.join(scratch, 'results') : path.resolve(args.values.results);
    if (args.values.results === undefined && needsReproduce) {
      process.stderr.write(`readme: tpuseg reproduce ${REPRODUCED.join(' ')} into a scratch folder\n`);
      const r = reproduce(results);
      if (E.isLeft(r)) fail(r.left, 1);
    } else if (args.values.results !== undefined && !fs.existsSync(results)) fail(`--results ${results}: no such folder`);
    const contents = renderRegions(results, scratch, names);
    if (E.isLeft(contents)) fail(contents.left, 1);
    const stale = staleRegions(regions.right, contents.right);
    if (args.values.check) {
      for (const r of stale) process.stderr.write(`README.md region "${r.name}" differs from what its source gives (npm run readme regenerates it):\n${r.diff}\n`);
      if (stale.length > 0) fail(`${stale.length} region(s) out of date: ${stale.map((r) => r.name).join(', ')}`, 1);
      process.stdout.write(`README.md: ${contents.right.size} regions as generated\n`);
      return;
    }
    // Regions equal but for run-to-run times are left as they are, so a regeneration changes only what changed.
    fs.writeFileSync(file, replaceRegions(text, regions.right, new Map(stale.map((r) => [r.name, contents.right.get(r.name)!]))));
    process.stdout.write(`README.md: ${contents.right.size} regions regenerated, ${stale.length} changed${stale.length > 0 ? ` (${stale.map((r) => r.name).join(', ')})` : ''}\n`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  if (!(e instanceof Failure)) throw e;
  process.stderr.write(`readme: ${e.message}\n`);
  process.exitCode = e.code;
}
