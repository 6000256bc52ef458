import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { needsTitle } from '../helpers/shared';

// Opens the HTML report in headless Chromium (Debian's package, driven by playwright-core) and
// checks what a reader sees: every figure rendered without a console error or a network request,
// the per-strategy summary equal to what the results file says, a legend click that changes the
// figure, sortable tables, the plan view's model choice. Screenshots go next to the report
// (.test-output/report-browser/). CI installs the browser (.ci/run), so there it must run.
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpuseg.js');
const CHROMIUM = process.env['TPUSEG_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(ROOT, '.test-output', 'report-browser');
const haveBrowser = fs.existsSync(CHROMIUM);
const HOW = `install one with \`apt-get install chromium\` (Debian), or point TPUSEG_CHROMIUM at a Chromium binary`;

if (!haveBrowser && process.env['CI'] === undefined) {
  // eslint-disable-next-line no-console
  console.warn(`report browser test skipped: no Chromium at ${CHROMIUM}; ${HOW}`);
}

const CONFIG = {
  name: 'browser-check',
  description: 'Three zoo models on 1..4 TPUs, four strategies: the report the browser test opens.',
  models: ['zoo:resnet50_v1', 'zoo:densenet121', 'zoo:inception_v3'],
  tpus: { from: 1, to: 4 },
  strategies: ['compiler', 'profiling', 'balanced', 'dp'],
  profile: 'edgetpu-pcie',
  objective: 'batch',
  batch: 15,
  outputs: { tables: ['multi-tpu'], figures: ['speedup', 'stages'], stagesAt: 4 },
};

interface Rec {
  params: { model: string; tpus: number; label: string };
  result?: { msPerInput: number; error?: string };
  error?: string;
}

/** The summary's numbers, computed here from the results file on their own. */
function expectedSummary(records: readonly Rec[]): Map<string, { cells: number; won: number; overCompiler: string; overOne: string }> {
  const ok = records.filter((r) => r.result !== undefined && r.error === undefined && r.result.error === undefined);
  const msOf = (model: string, tpus: number, label: string): number | undefined =>
    ok.find((r) => r.params.model === model && r.params.tpus === tpus && r.params.label === label)?.result!.msPerInput;
  const geo = (xs: number[]): string => `${Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length).toFixed(2)}x`;
  const out = new Map<string, { cells: number; won: number; overCompiler: string; overOne: string }>();
  for (const label of [...new Set(ok.map((r) => r.params.label))]) {
    const mine = ok.filter((r) => r.params.label === label && r.params.tpus >= 2);
    const won = mine.filter((r) => {
      const rivals = ok.filter((x) => x.params.model === r.params.model && x.params.tpus === r.params.tpus).map((x) => x.result!.msPerInput);
      return r.result!.msPerInput <= Math.min(...rivals) * (1 + 1e-9);
    }).length;
    out.set(label, {
      cells: mine.length,
      won,
      overCompiler: geo(mine.map((r) => msOf(r.params.model, r.params.tpus, 'compiler')! / r.result!.msPerInput)),
      overOne: geo(mine.map((r) => msOf(r.params.model, 1, label)! / r.result!.msPerInput)),
    });
  }
  return out;
}

const tpuseg = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: OUT, encoding: 'utf8', timeout: 300_000 });

(haveBrowser ? describe : process.env['CI'] !== undefined ? describe : describe.skip)(`report in a browser${needsTitle(haveBrowser || process.env['CI'] !== undefined, `Chromium at ${CHROMIUM}`)}`, () => {
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const problems: string[] = [];
  const requests: string[] = [];
  const reportDir = path.join(OUT, 'browser-check');

  beforeAll(async () => {
    if (!haveBrowser) throw new Error(`no Chromium at ${CHROMIUM}: ${HOW}`);
    fs.rmSync(OUT, { recursive: true, force: true });
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, 'config.json'), JSON.stringify(CONFIG, null, 1));
    const run = tpuseg(['run', 'config.json', '--out', 'browser-check', '--workers', '1']);
    if (run.status !== 0) throw new Error(`tpuseg run failed (${run.status}): ${run.stderr}`);
    const seg = tpuseg(['segment', 'zoo:mobilenet_v2', '--tpus', '3', '--strategy', 'compiler,profiling,balanced', '--workers', '0', '--html', 'segment.html']);
    if (seg.status !== 0) throw new Error(`tpuseg segment failed (${seg.status}): ${seg.stderr}`);
    const adv = tpuseg(['reproduce', 'advise', '--out', 'advise-check']);
    if (adv.status !== 0) throw new Error(`tpuseg reproduce advise failed (${adv.status}): ${adv.stderr}`);

    const { chromium } = await import('playwright-core');
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!/^(file|data|blob|about):/.test(r.url())) requests.push(r.url());
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir !== undefined) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  const open = async (file: string): Promise<void> => {
    await page.goto(`file://${file}`);
    await page.evaluate(() => (window as unknown as { tpusegReport: { ready: Promise<unknown> } }).tpusegReport.ready);
  };

  it('should render every figure as SVG, with no console error and no network request', async () => {
    await open(path.join(reportDir, 'index.html'));
    const figures = await page.$$eval('div.vega', (els) => els.map((e) => ({
      id: e.id, rendered: e.getAttribute('data-rendered'), marks: e.querySelectorAll('svg path, svg rect, svg line').length + e.querySelectorAll('canvas').length,
    })));
    expect(figures.map((f) => f.id)).toEqual(expect.arrayContaining(['fig-browser-check-speedup-edgetpu-pcie', 'fig-browser-check-stages-resnet50_v1-n4', 'fig-browser-check-plan-view']));
    for (const f of figures) expect([f.id, f.rendered, f.marks > 10]).toEqual([f.id, 'yes', true]);
    await page.screenshot({ path: path.join(reportDir, 'screenshot.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('should show the per-strategy summary the results file gives', async () => {
    const records = fs.readFileSync(path.join(reportDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
    const want = expectedSummary(records);
    const shown = await page.$$eval('#browser-check-strategy-summary tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const header = await page.$$eval('#browser-check-strategy-summary thead th', (ths) => ths.map((th) => th.textContent ?? ''));
    const col = (name: string): number => header.indexOf(name);
    expect(shown.map((r) => r[0])).toEqual([...want.keys()]);
    for (const r of shown) {
      const w = want.get(r[0]!)!;
      expect([r[0], Number(r[col('cells')]), Number(r[col('cells won')]), r[col('geo-mean x compiler')], r[col('geo-mean x 1 TPU')]])
        .toEqual([r[0], w.cells, w.won, w.overCompiler, w.overOne]);
    }
  });

  it('should isolate a strategy when its legend entry is clicked', async () => {
    const figure = page.locator('#fig-browser-check-speedup-edgetpu-pcie');
    const faded = (): Promise<number> => figure.evaluate((el) => [...el.querySelectorAll('svg path')].filter((p) => {
      const o = p.getAttribute('opacity') ?? p.getAttribute('stroke-opacity') ?? p.getAttribute('fill-opacity');
      return o !== null && Number(o) < 0.5;
    }).length);
    const before = await figure.screenshot({ path: path.join(reportDir, 'screenshot-speedup.png') });
    expect(await faded()).toBe(0);
    await figure.locator('.role-legend .role-legend-label text', { hasText: /^dp$/ }).first().click();
    await page.waitForTimeout(300);
    const after = await figure.screenshot({ path: path.join(reportDir, 'screenshot-speedup-dp-isolated.png') });
    expect(await faded()).toBeGreaterThan(0);
    expect(after.equals(before)).toBe(false);
    expect(problems).toEqual([]);
  });

  it('should sort a table by the column header clicked', async () => {
    const table = '#browser-check-strategy-summary';
    const values = (): Promise<number[]> => page.$$eval(`${table} tbody tr td:nth-child(4)`, (tds) => tds.map((td) => parseFloat(td.textContent ?? '')));
    await page.click(`${table} thead th:nth-child(4)`);
    const up = await values();
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await page.click(`${table} thead th:nth-child(4)`);
    const down = await values();
    expect(down).toEqual([...up].sort((a, b) => b - a));
  });

  it('should redraw the plan view for the model chosen in the page', async () => {
    const plan = page.locator('#fig-browser-check-plan-view');
    const svg = (): Promise<string> => plan.evaluate((el) => el.querySelector('svg')!.outerHTML);
    const before = await svg();
    await plan.locator('select').first().selectOption('densenet121');
    await page.waitForTimeout(300);
    expect(await svg()).not.toEqual(before);
    await plan.screenshot({ path: path.join(reportDir, 'screenshot-plan-view.png') });
    expect(problems).toEqual([]);
  });

  it('should render the plan view `tpuseg segment --html` writes', async () => {
    await open(path.join(OUT, 'segment.html'));
    const state = await page.$eval('#plan-view', (el) => [el.getAttribute('data-rendered'), el.querySelectorAll('svg rect, svg path').length > 10]);
    expect(state).toEqual(['yes', true]);
    expect(await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent))).toEqual(['compiler', 'profiling', 'balanced']);
    await page.screenshot({ path: path.join(OUT, 'screenshot-segment.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('should render the advise table\'s figure in the reproduce page, and isolate a shape on a legend click', async () => {
    await open(path.join(OUT, 'advise-check', 'index.html'));
    const figure = page.locator('#fig-advise-throughput');
    expect(await figure.getAttribute('data-rendered')).toBe('yes');
    expect(await figure.evaluate((el) => el.querySelectorAll('svg path, svg line').length)).toBeGreaterThan(10);
    const before = await figure.screenshot({ path: path.join(OUT, 'screenshot-advise.png') });
    await figure.locator('.role-legend .role-legend-label text', { hasText: /^advised$/ }).first().click();
    await page.waitForTimeout(300);
    expect((await figure.screenshot()).equals(before)).toBe(false);
    expect(await page.$$eval('#advise-rows tbody tr', (trs) => trs.length)).toBe(80);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
