import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cellTools, codeFiles, hashFiles } from '../../src/experiments/code-hash';
import { classify, type CellRecord } from '../../src/experiments/store';

// A cell's freshness depends on the code it ran: its strategy's module and what the cell's
// computation imports, not on every file of strategies/.
const ROOT = path.resolve(__dirname, '../..');
const rel = (files: readonly string[]) => files.map((f) => path.relative(ROOT, f));
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-code-hash-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('code hashes of cells', () => {
  it('should give a built-in its own module and its imports, not the other strategies', async () => {
    const dp = rel(await codeFiles(path.join(ROOT, 'strategies/dp.ts')));
    expect(dp).toEqual(expect.arrayContaining(['strategies/dp.ts', 'strategies/dp-pareto.ts', 'src/search/objective.ts']));
    const others = ['index', 'compiler', 'profiling', 'balanced', 'greedy', 'annealing', 'template.example'].map((n) => `strategies/${n}.ts`);
    expect(dp.filter((f) => others.includes(f))).toEqual([]);
  });

  it('should leave the strategy registry and every strategy module out of what all cells share', async () => {
    const base = rel(await codeFiles(path.join(ROOT, 'src/experiments/execute.ts')));
    expect(base).toEqual(expect.arrayContaining(['src/experiments/execute.ts', 'cost-models/edgetpu.ts', 'src/pipeline/evaluate.ts', 'src/zoo/index.ts']));
    expect(base.filter((f) => f.startsWith('strategies/'))).toEqual(['strategies/options.ts']);
  });

  it('should not see a file added beside the modules (the closure follows imports, not folders)', async () => {
    fs.mkdirSync(path.join(dir, 'strategies'));
    fs.writeFileSync(path.join(dir, 'strategies', 'mine.ts'), "import { two } from './two';\nexport const one = two - 1;\n");
    fs.writeFileSync(path.join(dir, 'strategies', 'two.ts'), 'export const two = 2;\n');
    const mine = path.join(dir, 'strategies', 'mine.ts');
    const before = hashFiles(await codeFiles(mine, true));
    fs.writeFileSync(path.join(dir, 'strategies', 'new-neighbour.ts'), 'export const x = 1;\n');
    expect(hashFiles(await codeFiles(mine, true))).toBe(before);
    fs.writeFileSync(path.join(dir, 'strategies', 'two.ts'), 'export const two = 3;\n');
    expect(hashFiles(await codeFiles(mine, true))).not.toBe(before);
    fs.writeFileSync(mine, "import { two } from './two';\nimport { x } from './new-neighbour';\nexport const one = two - x;\n");
    expect(rel(await codeFiles(mine, true)).map((f) => path.basename(f))).toEqual(['mine.ts', 'new-neighbour.ts', 'two.ts']);
  });

  it('should give each strategy its own identity, a plug-in\'s following its file and its imports (tpuseg/strategy included)', async () => {
    const plugin = path.join(dir, 'plug.ts');
    fs.writeFileSync(plugin, fs.readFileSync(path.join(ROOT, 'strategies/template.example.ts'), 'utf8'));
    const tools = await cellTools('9.9.9', ['dp', 'greedy', 'layers', './plug.ts'], dir);
    expect(new Set(tools.values()).size).toBe(4);
    expect([...tools.values()].every((t) => /^9\.9\.9\+[0-9a-f]{12}$/.test(t))).toBe(true);
    const files = rel(await codeFiles(plugin));
    expect(files).toEqual(expect.arrayContaining(['src/strategy.ts', 'src/search/problem.ts']));
    // Another strategy beside it changes nothing for dp.
    const alone = await cellTools('9.9.9', ['dp'], dir);
    expect(alone.get('dp')).toBe(tools.get('dp'));
  });

  it('should make stale only the cells whose code changed', () => {
    const record = (cell: string, strategy: string, tool: string): CellRecord => ({
      cell, tool, config: 'c', profileHash: 'p',
      params: { model: 'zoo:x', tpus: 2, strategy, options: {}, label: strategy, profile: 'edgetpu-usb3', objective: 'throughput', batch: 15, seed: 0, budget: {} },
      result: { msPerInput: 1, bottleneckMs: 1, latencyMs: 1, cuts: [1], segments: [{ ms: 1 }] } as never,
    });
    const tools: Record<string, string> = { dp: '1+aaa', greedy: '1+bbb-new' };
    const f = classify([record('a', 'dp', '1+aaa'), record('b', 'greedy', '1+bbb')], new Set(['a', 'b']), (p) => tools[p.strategy]!, () => 'p');
    expect([...f.fresh.keys()]).toEqual(['a']);
    expect(f.stale.map((s) => [s.record.cell, s.reason])).toEqual([['b', 'computed by tpuseg 1+bbb, this is 1+bbb-new (the code this cell runs has changed)']]);
  });
});
