import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasShared } from '../helpers/shared';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpuseg.js');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-reproduce-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const reproduce = (args: string[]) => spawnSync(process.execPath, [BIN, 'reproduce', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });

/** Relative Markdown link targets of a page. */
const links = (file: string): string[] =>
  [...fs.readFileSync(file, 'utf8').matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));

describe('cli/reproduce', () => {
  it('should reject an unknown table name', () => {
    const r = reproduce(['table9']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown table "table9" (known: all, single-tpu, multi-tpu, synthetic, advise, workload)');
  });

  it('should regenerate table 1 with its figure and an index whose links all resolve', () => {
    const r = reproduce(['single-tpu', '--out', 'out', '--workers', '1']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.status).toBe(0);
    const out = path.join(dir, 'out');
    const index = path.join(out, 'index.md');
    expect(fs.existsSync(index)).toBe(true);
    const targets = links(index);
    expect(targets).toEqual(expect.arrayContaining(['single-tpu/index.md', 'single-tpu/single-tpu.md']));
    for (const t of targets) expect(fs.existsSync(path.join(out, t))).toBe(true);
    for (const t of links(path.join(out, 'single-tpu/single-tpu.md'))) expect(fs.existsSync(path.join(out, 'single-tpu', t))).toBe(true);

    const table = fs.readFileSync(path.join(out, 'single-tpu/single-tpu.md'), 'utf8');
    expect(table).toContain('`edgetpu-usb3`, `edgetpu-pcie`');
    expect(table).toMatch(/\| vgg16 \| 224x224x3 \|/);
    if (hasShared) {
      expect(table).toContain('measured ms (usb3_ms)');
      expect(fs.readFileSync(path.join(out, 'single-tpu/figures/scatter-single-tpu.svg'), 'utf8')).toMatch(/^<svg/);
    } else {
      expect(table).toContain('> Skipped: published figures not found');
    }
    for (const page of ['index.html', 'single-tpu/index.html']) {
      const html = fs.readFileSync(path.join(out, page), 'utf8');
      expect(html).toContain('<table class="sortable"');
      expect(html).not.toMatch(/<script[^>]+src=/);
    }
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('href="single-tpu/single-tpu.md"');
    expect(r.stdout).toContain('report: out/index.html (open it in a browser)');
    const csv = fs.readFileSync(path.join(out, 'single-tpu/single-tpu.csv'), 'utf8').split('\n');
    expect(csv[0]).toMatch(/^model,input,params_mib,on_chip_mib,off_chip_mib,ms_edgetpu_usb3/);
  });

  it('should write the advise table: per model and board, each shape\'s best and the advised configuration, with its figure', () => {
    const r = reproduce(['advise', '--out', 'adv']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.status).toBe(0);
    const out = path.join(dir, 'adv');
    for (const t of links(path.join(out, 'index.md'))) expect(fs.existsSync(path.join(out, t))).toBe(true);
    const md = fs.readFileSync(path.join(out, 'advise/advise.md'), 'utf8');
    expect(md).toContain('| model | TPUs | best pipeline | inputs/s | best replication | inputs/s | best hybrid | inputs/s | advised | inputs/s | TPUs used | advised x pipeline |');
    const csv = fs.readFileSync(path.join(out, 'advise/advise.csv'), 'utf8').trim().split('\n');
    // Ten models on boards of 1..8 TPUs.
    expect(csv).toHaveLength(1 + 10 * 8);
    const head = csv[0]!.split(',');
    for (const line of csv.slice(1)) {
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
      const at = (name: string): number => Number(cells[head.indexOf(name)]);
      const best = Math.max(...['pipeline', 'replicas', 'hybrid'].map((k) => at(`${k}_inputs_per_s`)).filter((x) => Number.isFinite(x)));
      // The advised configuration is within the 2% tolerance of the best of every shape, on no more TPUs than the board has.
      expect(at('advised_inputs_per_s')).toBeGreaterThanOrEqual(best / 1.02 - 1e-9);
      expect(at('advised_tpus')).toBeLessThanOrEqual(at('tpus'));
    }
    expect(fs.readFileSync(path.join(out, 'advise/figures/advise-throughput.svg'), 'utf8')).toMatch(/^<svg/);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('Table 4: what to run on 1..8 TPUs');
    expect(r.stdout).toMatch(/^advise: 80 rows \(10 models, 1\.\.8 TPUs\)/m);
  });
});
