import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { scatterSpec } from '../../src/report/figures';
import { renderHtml } from '../../src/report/html';
import type { ScatterPoint } from '../../src/report/section';

// Opens the HTML report in headless Chromium (Debian's package, driven by playwright-core) and
// checks what a reader sees: every figure rendered without a console error or a network request,
// a contents bar that stays in view, no text of any figure overprinting another (by the bounding
// boxes of the SVG text elements; also on a crowded 12-series scatter), the per-strategy summary
// equal to what the results file says, a legend click that changes the figure, sortable tables,
// the plan view's model choice and whole-number op ticks. Screenshots go next to the report
// (.test-output/report-browser/). CI installs the browser (.ci/run), so there it must run.
// About 25 s on 2 cores, most of it the tpuseg runs that make the pages.
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

/**
 * Pairs of visible text elements, in any figure under `root`, whose boxes overlap by more than a
 * pixel each way (vega hides an axis label it drops with opacity 0: those do not count).
 */
function overlappingTexts(root: Element): string[] {
  const out: string[] = [];
  for (const fig of root.matches('div.vega') ? [root] : Array.from(root.querySelectorAll('div.vega'))) {
    const boxes = Array.from(fig.querySelectorAll('svg text')).filter((t) => {
      let e: Element | null = t;
      for (; e !== null && e !== fig; e = e.parentElement) if (Number(e.getAttribute('opacity') ?? '1') === 0 || getComputedStyle(e).display === 'none') return false;
      return (t.textContent ?? '').trim() !== '';
    }).map((t) => ({ text: t.textContent!.trim(), r: t.getBoundingClientRect() })).filter((b) => b.r.width > 0 && b.r.height > 0);
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 1 && y > 1) out.push(`${fig.id}: "${a.text}" / "${b.text}"`);
    }));
  }
  return out;
}

/** 12 series of points crowded about the diagonal: the table-3 scatter at its worst (same seed, same page). */
function crowdedScatter(): ScatterPoint[] {
  let s = 7;
  const next = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: 12 }, (_x, f) => Array.from({ length: 40 }, (_y, i) => {
    const m = 2 * Math.exp(next() * 2.5);
    return { series: `${f < 6 ? 'conv' : 'fc'}-${f}-${1 + (f % 4)}tpu.csv`, label: `${f < 6 ? 'conv filters' : 'fc neurons'}=${100 + 10 * i}, N=${1 + (f % 4)}`, measuredMs: m, predictedMs: m * (0.75 + next() * 0.5) };
  })).flat();
}

const tpuseg = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: OUT, encoding: 'utf8', timeout: 300_000 });

(haveBrowser ? describe : process.env['CI'] !== undefined ? describe : describe.skip)('report in a browser', () => {
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
    const small = tpuseg(['segment', 'synth:conv?filters=64&layers=5', '--tpus', '2', '--strategy', 'compiler,dp', '--workers', '0', '--html', 'small.html']);
    if (small.status !== 0) throw new Error(`tpuseg segment failed (${small.status}): ${small.stderr}`);
    // The control: two labels drawn on one spot, which the overlap check must catch.
    const control = { data: { values: [{ x: 1, t: 'one label' }, { x: 1.02, t: 'another label' }] }, mark: 'text', encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 't' } } };
    fs.writeFileSync(path.join(OUT, 'scatter.html'), renderHtml({ title: 'crowded scatter', blocks: [
      { kind: 'figure', id: 'fig-scatter', spec: scatterSpec(crowdedScatter(), 'Predicted vs measured ms: 12 series')! },
      { kind: 'figure', id: 'fig-control', spec: control },
    ] }));

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

  it('should keep a contents bar of the page\'s sections in view, its links landing on their sections', async () => {
    const links = await page.$$eval('nav.toc a', (as) => as.map((a) => [a.getAttribute('href'), document.getElementById((a.getAttribute('href') ?? '').slice(1))?.tagName ?? null]));
    expect(links.length).toBeGreaterThanOrEqual(2);
    for (const [href, tag] of links) expect([href, tag]).toEqual([href, expect.stringMatching(/^H[23]$/)]);
    const last = links[links.length - 1]![0]!;
    await page.click(`nav.toc a[href="${last}"]`);
    await page.waitForTimeout(100);
    const [navTop, headTop, scrolled] = await page.evaluate((id) => [document.querySelector('nav.toc')!.getBoundingClientRect().top,
      document.getElementById(id)!.getBoundingClientRect().top, window.scrollY], last.slice(1));
    expect(scrolled).toBeGreaterThan(0);
    expect(navTop).toBe(0);
    expect(headTop).toBeGreaterThanOrEqual(await page.$eval('nav.toc', (n) => n.getBoundingClientRect().height));
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('should draw no text of any figure over another', async () => {
    expect(await page.$eval('body', overlappingTexts)).toEqual([]);
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
    expect(await page.$eval('body', overlappingTexts)).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('should draw whole-number op ticks in the plan view of a 6-op model, with no text over another', async () => {
    await open(path.join(OUT, 'small.html'));
    const ticks = await page.$$eval('#plan-view svg [aria-label^="X-axis titled \'op"] .role-axis-label text', (ts) => ts.filter((t) => t.getAttribute('opacity') !== '0').map((t) => t.textContent ?? ''));
    expect(ticks.length).toBeGreaterThan(2);
    expect(ticks.filter((t) => !/^\d+$/.test(t))).toEqual([]);
    expect(await page.$eval('body', overlappingTexts)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('should place the labels of a crowded 12-series scatter clear of each other and of the legend', async () => {
    await open(path.join(OUT, 'scatter.html'));
    await page.locator('#fig-scatter').screenshot({ path: path.join(OUT, 'screenshot-scatter.png') });
    expect(await page.$eval('#fig-scatter', overlappingTexts)).toEqual([]);
    expect(await page.$eval('#fig-control', overlappingTexts)).toEqual(['fig-control: "one label" / "another label"']);
    const [labels, legend] = await page.$eval('#fig-scatter svg', (svg) => [
      Array.from(svg.querySelectorAll('.role-mark text')).map((t) => t.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]),
      Array.from(svg.querySelectorAll('.role-legend')).map((l) => l.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]),
    ]);
    expect(labels.length).toBeGreaterThan(12);
    expect(legend.length).toBeGreaterThan(0);
    for (const [l, t, r, b] of labels) for (const [L, T, R, B] of legend) expect(l! < R! && L! < r! && t! < B! && T! < b!).toBe(false);
    const colours = await page.$$eval('#fig-scatter svg .role-legend-symbol path', (ps) => new Set(ps.map((p) => `${p.getAttribute('fill')} ${p.getAttribute('d')}`)).size);
    expect(colours).toBeGreaterThanOrEqual(12);
    expect(problems).toEqual([]);
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
    expect(await page.$eval('body', overlappingTexts)).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
