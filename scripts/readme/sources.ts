import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import type { BenchResults } from '../../bench/figures';
import { performanceSection } from './performance';
import { block, fenced, inlineCode, lineDiff, type Region } from './regions';

/**
 * What each generated region of README.md shows and where it comes from: a tpuseg command's
 * output (run as a user runs it), a table or headline of `tpuseg reproduce` (`npm start`), or
 * the figures `npm run bench` saved. Region names are the ones in the README's markers.
 */

export const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'tpuseg.js');

/** The tables of `reproduce` the regions read; neither needs ../shared. */
export const REPRODUCED = ['multi-tpu', 'advise'] as const;

export type Source =
  /** `npx tpuseg ARGS`: the whole output under its command line, or one line of it (by prefix) as inline code. */
  | { readonly kind: 'command'; readonly args: readonly string[]; readonly line?: string }
  /** Rendered from the markdown `reproduce` wrote (RESULTS/<table>/<table>.md). */
  | { readonly kind: 'reproduced'; readonly render: (results: string) => E.Either<string, string> }
  /** bench/results.json, as the last `npm run bench` saved it. */
  | { readonly kind: 'bench' };

const TABLE2 = (results: string): string => path.join(results, 'multi-tpu', 'multi-tpu.md');
const TABLE4 = (results: string): string => path.join(results, 'advise', 'advise.md');
const CELL_PROFILE = 'edgetpu-pcie';

export const SOURCES: ReadonlyMap<string, Source> = new Map<string, Source>([
  ['advise-resnet152', { kind: 'command', args: ['advise', 'zoo:resnet152_v1', '--tpus', '8'] }],
  ['advise-mobilenet-why', { kind: 'command', args: ['advise', 'zoo:mobilenet_v2', '--tpus', '8'], line: 'why: ' }],
  ['advise-fc-why', { kind: 'command', args: ['advise', 'synth:fc?neurons=2048&layers=4', '--tpus', '8'], line: 'why: ' }],
  ['table4-8-tpus', { kind: 'reproduced', render: (r) => readFile(TABLE4(r), (md) => tableAt(md, '| model | TPUs |', (row) => row['TPUs'] === '8', ['TPUs', 'TPUs used'])) }],
  ['table4-headline', { kind: 'reproduced', render: (r) => readFile(TABLE4(r), (md) => E.map(quote)(boldLine(md))) }],
  ['advise-workload', { kind: 'command', args: ['advise', '--model', 'zoo:mobilenet_v2=300', '--model', 'zoo:resnet50_v1=60', '--tpus', '4'] }],
  ['segment-at-most', { kind: 'command', args: ['segment', 'zoo:inception_v4', '--tpus', '8', '--at-most', '--strategy', 'dp'] }],
  ['table2-cell-command', {
    kind: 'command',
    args: ['segment', 'zoo:resnet152_v1', '--tpus', '8', '--strategy', 'balanced', '--profile', CELL_PROFILE, '--objective', 'batch', '--batch', '15', '--workers', '0'],
  }],
  ['table2-cell', {
    kind: 'reproduced',
    render: (r) => readFile(TABLE2(r), (md) => E.map((rows: Record<string, string>[]) => inlineCode(rows[0]!['balanced ms']!.replace(/\*/g, '')))(
      tableRows(md, `## resnet152_v1 (profile ${CELL_PROFILE})`, (row) => row['N'] === '8'))),
  }],
  ['table2-per-strategy', { kind: 'reproduced', render: (r) => readFile(TABLE2(r), (md) => sectionTable(md, `## Per-strategy summary (profile ${CELL_PROFILE})`)) }],
  ['table2-headline', { kind: 'reproduced', render: (r) => readFile(TABLE2(r), (md) => E.map(quote)(boldLine(md))) }],
  ['performance', { kind: 'bench' }],
]);

/** How the README shows a command: `npx tpuseg` and the arguments as a POSIX shell would take them. */
export function commandLine(args: readonly string[]): string {
  return ['npx', 'tpuseg', ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');
}

/** Runs the CLI as a user does (a process of its own, in a scratch folder): its stdout, or why it failed. */
function runCli(args: readonly string[], scratch: string): E.Either<string, string> {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return E.left(`\`${commandLine(args)}\` exited ${r.status ?? r.signal}: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  return E.right(r.stdout.replace(/\n+$/, ''));
}

/** Runs the reproduce tables the regions read into `results`: about 4 s. */
export function reproduce(results: string): E.Either<string, void> {
  return E.map(() => undefined)(runCli(['reproduce', ...REPRODUCED, '--out', results], path.dirname(results)));
}

function readFile(file: string, f: (text: string) => E.Either<string, string>): E.Either<string, string> {
  if (!fs.existsSync(file)) return E.left(`${file} is missing (run \`tpuseg reproduce ${REPRODUCED.join(' ')}\` into that folder)`);
  return E.mapLeft((e: string) => `${file}: ${e}`)(f(fs.readFileSync(file, 'utf8')));
}

const quote = (s: string): string => block(`> ${s}`);

/** The report's headline: its first paragraph in bold. */
function boldLine(md: string): E.Either<string, string> {
  const line = md.split('\n').find((l) => /^\*\*.+\*\*$/.test(l));
  return line === undefined ? E.left('no headline (a bold paragraph)') : E.right(line.slice(2, -2));
}

const splitRow = (line: string): string[] => line.replace(/^\|\s?/, '').replace(/\s?\|$/, '').split(/ (?<!\\)\| /).map((c) => c.trim());

/** The markdown table starting with the first line that begins with `start` (`## heading`: the first table after it). */
function findTable(md: string, start: string): E.Either<string, string[]> {
  const lines = md.split('\n');
  const at = start.startsWith('#') ? lines.indexOf(start) : lines.findIndex((l) => l.startsWith(start));
  if (at < 0) return E.left(`no ${start.startsWith('#') ? `section "${start}"` : `table starting "${start}"`}`);
  const first = lines.findIndex((l, i) => i >= at && l.startsWith('|'));
  if (first < 0) return E.left(`no table after "${start}"`);
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  return E.right(lines.slice(first, end < 0 ? undefined : end));
}

const sectionTable = (md: string, heading: string): E.Either<string, string> => E.map((t: string[]) => block(t.join('\n')))(findTable(md, heading));

function tableRows(md: string, start: string, keep: (row: Record<string, string>) => boolean): E.Either<string, Record<string, string>[]> {
  return E.chain((t: string[]) => {
    const head = splitRow(t[0]!);
    const rows = t.slice(2).map((l) => Object.fromEntries(splitRow(l).map((c, i) => [head[i]!, c]))).filter(keep);
    return rows.length > 0 ? E.right(rows) : E.left(`no row of the table after "${start}" is the one wanted`);
  })(findTable(md, start));
}

/** A table's rows that `keep` accepts, without the named columns (the first column of each name: headers repeat). */
function tableAt(md: string, start: string, keep: (row: Record<string, string>) => boolean, drop: readonly string[]): E.Either<string, string> {
  return E.chain((t: string[]) => {
    const head = splitRow(t[0]!);
    const cols = head.map((_, i) => i).filter((i) => !drop.includes(head[i]!) || head.indexOf(head[i]!) !== i);
    const row = (cells: readonly string[]): string => `| ${cols.map((i) => cells[i] ?? '').join(' | ')} |`;
    const body = t.slice(2).map(splitRow).filter((cells) => keep(Object.fromEntries(cells.map((c, i) => [head[i]!, c]))));
    if (body.length === 0) return E.left(`no row of the table starting "${start}" is the one wanted`);
    return E.right(block([row(head), row(splitRow(t[1]!)), ...body.map(row)].join('\n')));
  })(findTable(md, start));
}

/** Every named region rendered (all when `names` is absent); `results` holds a reproduce run of REPRODUCED. */
export function renderRegions(results: string, scratch: string, names?: readonly string[]): E.Either<string, Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, s] of SOURCES) {
    if (names !== undefined && !names.includes(name)) continue;
    const r = renderOne(s, results, scratch);
    if (E.isLeft(r)) return E.left(`region "${name}": ${r.left}`);
    out.set(name, r.right);
  }
  return E.right(out);
}

function renderOne(s: Source, results: string, scratch: string): E.Either<string, string> {
  switch (s.kind) {
    case 'bench': {
      const file = path.join(ROOT, 'bench', 'results.json');
      return E.right(block(performanceSection(JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults)));
    }
    case 'reproduced':
      return s.render(results);
    case 'command':
      return E.chain((out: string): E.Either<string, string> => {
        if (s.line === undefined) return E.right(block(fenced(`$ ${commandLine(s.args)}\n${out}`)));
        const line = out.split('\n').find((l) => l.startsWith(s.line!));
        return line === undefined ? E.left(`\`${commandLine(s.args)}\` printed no line starting "${s.line}"`) : E.right(inlineCode(line));
      })(runCli(s.args, scratch));
  }
}

/**
 * The text with what changes from run to run masked: the `search ms` column of segment's table
 * (wall-clock time of the search). Columns are found by the header, values compared as tokens.
 */
export function masked(text: string): string {
  const lines = text.split('\n');
  let col = -1;
  return lines.map((l) => {
    if (/\S {2,}search ms {2,}/.test(l)) {
      col = l.trim().split(/ {2,}/).indexOf('search ms');
      return l.trim().split(/\s+/).join(' ');
    }
    if (col < 0 || l.trim() === '' || l.startsWith('best:') || l.startsWith('```')) {
      col = -1;
      return l;
    }
    return l.trim().split(/\s+/).map((t, i) => (i === col ? '#' : t)).join(' ');
  }).join('\n');
}

/** The regions whose content differs from what their source renders (times masked), each with the lines that differ. */
export function staleRegions(regions: readonly Region[], contents: ReadonlyMap<string, string>): { name: string; diff: string }[] {
  return regions.flatMap((r) => {
    const want = contents.get(r.name);
    if (want === undefined || masked(r.content) === masked(want)) return [];
    return [{ name: r.name, diff: lineDiff(masked(r.content), masked(want)) }];
  });
}
