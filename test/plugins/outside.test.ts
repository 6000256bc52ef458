import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { closePlugins } from '../../src/plugins/host';
import { captureIo } from '../helpers/io';

// The README's plug-in instructions followed in a folder outside the repository: copy the
// template, rename it, pass it by path to `segment` and list it in an experiment config.
const ROOT = path.resolve(__dirname, '../..');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-outside-'));
  const source = fs.readFileSync(path.join(ROOT, 'strategies/template.example.ts'), 'utf8');
  fs.mkdirSync(path.join(dir, 'plugins'));
  fs.writeFileSync(path.join(dir, 'plugins', 'my-strategy.ts'), source.replace(/'random-template'/g, "'my-random'").replace('template: best of random plans', 'mine: best of random plans'));
});
afterAll(() => {
  closePlugins();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a plug-in outside the repository', () => {
  it('should sit where no node_modules or src/ of tpuseg can be found by a relative path', () => {
    expect(path.relative(ROOT, dir).startsWith('..')).toBe(true);
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'plugins', 'my-strategy.ts'), 'utf8')).toContain("from 'tpuseg/strategy'");
  });

  it('should run in segment beside dp, named by its name, with its own output on stdout as JSON', async () => {
    const c = captureIo(dir);
    expect(await main(['segment', 'zoo:resnet50_v1', '--tpus', '4', '--strategy', './plugins/my-strategy.ts,dp', '--json'], c.io)).toBe(0);
    const report = JSON.parse(c.out.join('\n')) as { results: { strategy: string; error?: string; cuts?: number[] }[] };
    expect(report.results.map((r) => r.strategy)).toEqual(['my-random', 'dp']);
    expect(report.results.every((r) => r.error === undefined && Array.isArray(r.cuts))).toBe(true);
  });

  it('should run in an experiment config, its path relative to the config\'s folder, labelled by its name in every table and figure', async () => {
    const configDir = path.join(dir, 'configs');
    fs.mkdirSync(configDir);
    const config = path.join(configDir, 'mine.json');
    fs.writeFileSync(config, JSON.stringify({ name: 'mine', models: ['synth:conv?filters=32&layers=6&size=32'], tpus: [1, 2, 3], strategies: ['compiler', 'dp', '../plugins/my-strategy.ts'] }));
    const out = path.join(dir, 'results');
    // Run from elsewhere: the strategy path must not depend on the working directory.
    const c = captureIo(os.tmpdir());
    expect(await main(['run', config, '--out', out, '--workers', '0'], c.io)).toBe(0);
    const records = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { params: { label: string; strategy: string }; error?: string; strategyName?: string });
    const mine = records.filter((r) => r.params.strategy === '../plugins/my-strategy.ts');
    expect(mine).toHaveLength(3);
    expect(mine.every((r) => r.params.label === 'my-random' && r.strategyName === 'my-random' && r.error === undefined)).toBe(true);

    const texts = fs.readdirSync(out).filter((f) => /\.(md|csv|json|html)$/.test(f) && f !== 'config.json').map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    const figures = fs.existsSync(path.join(out, 'figures')) ? fs.readdirSync(path.join(out, 'figures')).map((f) => fs.readFileSync(path.join(out, 'figures', f), 'utf8')) : [];
    const all = [...texts, ...figures].join('\n');
    expect(all).toContain('my-random');
    expect(all).not.toContain('my-strategy.ts');
    expect(all).toContain('mine: best of random plans');
  });
});
