import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import type { BenchResults } from '../../bench/figures';
import { findRegions, replaceRegions, type Region } from '../../scripts/readme/regions';
import { commandLine, masked, renderRegions, reproduce, ROOT, SOURCES, staleRegions } from '../../scripts/readme/sources';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const right = <A>(e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left);
  return e.right;
};

describe('scripts/readme: the regions', () => {
  it('should find block and inline regions and replace only their content', () => {
    const text = 'a\n<!-- generated: one -->\nold\n<!-- /generated -->\nb <!-- generated: two -->`x`<!-- /generated --> c\n';
    const regions = right(findRegions(text));
    expect(regions.map((r) => [r.name, r.content])).toEqual([['one', '\nold\n'], ['two', '`x`']]);
    expect(replaceRegions(text, regions, new Map([['two', '`y`']]))).toBe(text.replace('`x`', '`y`'));
    expect(replaceRegions(text, regions, new Map([['one', '\nnew\n']]))).toBe(text.replace('old', 'new'));
  });

  it('should reject an unclosed, a nested or a repeated region with its line', () => {
    expect(findRegions('x\n<!-- generated: a -->\nno end')).toEqual(E.left('line 2: region "a" has no <!-- /generated --> before the next region'));
    expect(findRegions('<!-- generated: a -->\n<!-- generated: b --><!-- /generated -->')).toEqual(E.left('line 1: region "a" has no <!-- /generated --> before the next region'));
    expect(findRegions('<!-- generated: a --><!-- /generated -->\n<!-- generated: a --><!-- /generated -->')).toEqual(E.left('line 2: region "a" appears twice'));
    expect(findRegions('<!-- /generated -->')).toEqual(E.left('1 <!-- /generated --> markers for 0 regions'));
  });

  it('should mask only the search time of a segment table', () => {
    const table = (ms: string, pad = ''): string => [
      'strategy  bottleneck ms  evaluations  search ms  stage ms  cuts',
      `dp${pad}          8.313         8040       ${ms}  8.31 8.19  8,40`,
      'best: dp, 8.313 ms per input',
    ].join('\n');
    expect(masked(table('11.7'))).toBe(masked(table('105.2', ' ')));
    expect(masked(table('11.7'))).not.toBe(masked(table('11.7').replace('8040', '8041')));
    expect(masked(table('11.7'))).not.toBe(masked(table('11.7').replace('8,40', '8,41')));
  });

  it('should quote a command line as a shell takes it', () => {
    expect(commandLine(['advise', 'synth:fc?neurons=2048&layers=4', '--tpus', '8'])).toBe("npx tpuseg advise 'synth:fc?neurons=2048&layers=4' --tpus 8");
  });

  it('should have in README.md exactly the regions a source renders', () => {
    expect(right(findRegions(README)).map((r) => r.name).sort()).toEqual([...SOURCES.keys()].sort());
  });
});

/**
 * Every region rendered afresh (the reproduce tables once, in a scratch folder, about 4 s) and
 * compared with README.md; the bench is not rerun: its section must be what bench/results.json
 * renders.
 */
describe('README.md as the code gives it', () => {
  let scratch: string;
  let contents: Map<string, string>;
  let regions: Region[];
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-readme-test-'));
    right(reproduce(path.join(scratch, 'results')));
    contents = right(renderRegions(path.join(scratch, 'results'), scratch));
    regions = right(findRegions(README));
  }, 120_000);
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it.each([...SOURCES.keys()])('region %s should be what its source gives (npm run readme regenerates it)', (name) => {
    const stale = staleRegions(regions.filter((r) => r.name === name), contents);
    if (stale.length > 0) throw new Error(`README.md region "${name}" differs from the code (run \`npm run readme\`):\n${stale[0]!.diff}`);
  });

  it('should find a changed figure and name its line', () => {
    const r = regions.find((x) => x.name === 'table2-per-strategy')!;
    const edited = { ...r, content: r.content.replace(/\| dp \| 70 \| \d+ \|/, '| dp | 70 | 69 |') };
    expect(edited.content).not.toBe(r.content);
    const stale = staleRegions([edited], contents);
    expect(stale.map((s) => s.name)).toEqual(['table2-per-strategy']);
    expect(stale[0]!.diff).toMatch(/line \d+ README: {4}\| dp \| 70 \| 69 \|/);
  });

  it('should show a well-formed performance section: one row and one note per saved figure', () => {
    const bench = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
    const section = regions.find((r) => r.name === 'performance')!.content;
    expect(section).toContain(`Measured by \`npm run bench\` on ${bench.started.slice(0, 10)}`);
    const rows = section.split('\n').filter((l) => /^\| .+ \| (met|\*\*not met\*\*) \|$/.test(l));
    expect(rows).toHaveLength(bench.figures.length);
    expect(section.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(bench.figures.length);
  });
});
