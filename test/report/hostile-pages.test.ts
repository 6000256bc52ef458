import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { rebase, renderHtml } from '../../src/report/html';
import { needsTitle } from '../helpers/shared';

// Every page tpuseg writes (segment --html, run's and report's index.html, the advise report, the
// reproduce index built from rebased blocks), made with Markdown links to javascript: in a model's
// file name, a profile's name and description, a config's description and the error texts that
// quote them, opened in headless Chromium: no link may lead to javascript:, no script may run that
// the page did not write, and the page's Content-Security-Policy must let it render with no error.
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpuseg.js');
const CHROMIUM = process.env['TPUSEG_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const haveBrowser = fs.existsSync(CHROMIUM);

const MODEL = '[c](javascript:alert%281%29).tflite';
const PROFILE = '[q](javascript:alert%285%29).json';
const HOSTILE = '[x](javascript:alert%286%29) [y](JaVaScRiPt:alert(7)) [z](%20javascript:alert(8)) [w](vbscript:x) [v](data:text/html,<script>alert(9)</script>) ' +
  '[u](//example.org/) <script>alert(10)</script> <img src=x onerror=alert(11)> [ok](https://example.org/) [top](#top) [rel](a/b.md)';

(haveBrowser || process.env['CI'] !== undefined ? describe : describe.skip)(`report pages with hostile names${needsTitle(haveBrowser || process.env['CI'] !== undefined, `Chromium at ${CHROMIUM}`)}`, () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  const pages: string[] = [];

  const tpuseg = (args: string[]): void => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`tpuseg ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-hostile-'));
    const profile = JSON.parse(fs.readFileSync(path.join(ROOT, 'cost-models/profiles/edgetpu-pcie.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, PROFILE), JSON.stringify({ ...profile, name: '[p](javascript:alert%282%29)', description: HOSTILE }));
    tpuseg(['export-model', 'synth:conv?filters=32&layers=4&size=32', '-o', MODEL]);
    tpuseg(['segment', MODEL, '--tpus', '2', '--strategy', 'compiler,dp', '--profile', PROFILE, '--workers', '0', '--html', 'segment.html']);
    pages.push(path.join(dir, 'segment.html'));
    // N up to 7 on a 5-op model: cells that fail with an error text quoting the model's name.
    fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify({
      name: 'hostile', description: HOSTILE, models: [MODEL], tpus: { from: 1, to: 7 }, strategies: ['compiler', 'dp'],
      profile: PROFILE, objective: 'batch', batch: 15, outputs: { tables: ['multi-tpu', 'cells'], figures: ['speedup', 'stages'], stagesAt: 2 },
    }));
    tpuseg(['run', 'cfg.json', '--out', 'run', '--workers', '0']);
    pages.push(path.join(dir, 'run', 'index.html'));
    tpuseg(['report', 'run', '-o', 'again']);
    pages.push(path.join(dir, 'again', 'index.html'));
    // The advise report as reproduce writes it (vega renders its SVG figure outside jest).
    const config = { name: 'hostile-advise', description: HOSTILE, models: [path.join(dir, MODEL)], tpus: 3, profile: path.join(dir, PROFILE) };
    const advise = spawnSync(process.execPath, ['-e', `
      require(${JSON.stringify(path.join(ROOT, 'bin/register-ts'))});
      const E = require('fp-ts/Either');
      const t = require(${JSON.stringify(path.join(ROOT, 'src/advise/table.ts'))}).adviseTable(${JSON.stringify(config)});
      if (E.isLeft(t)) { console.error(JSON.stringify(t.left)); process.exit(2); }
      require(${JSON.stringify(path.join(ROOT, 'src/report/advise.ts'))}).writeAdviseReport(t.right, ${JSON.stringify(path.join(dir, 'advise'))}, ${JSON.stringify([`Config: \`${HOSTILE}\``, HOSTILE])});
    `], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    if (advise.status !== 0) throw new Error(`advise report failed (${advise.status}): ${advise.stderr}`);
    pages.push(path.join(dir, 'advise', 'index.html'));
    fs.writeFileSync(path.join(dir, 'index.html'), renderHtml({
      title: HOSTILE,
      blocks: rebase([{ kind: 'heading', level: 2, text: HOSTILE, id: 'x" onclick="alert(12)' }, { kind: 'text', text: HOSTILE, className: 'x" onclick="alert(13)' },
        { kind: 'list', items: [HOSTILE] }, { kind: 'table', caption: HOSTILE, table: { columns: [HOSTILE], rows: [[HOSTILE]] } }], 'run'),
    }));
    pages.push(path.join(dir, 'index.html'));

    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await context.newPage();
  }, 600_000);

  afterAll(async () => {
    await context?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([0, 1, 2, 3, 4])('should open page %i with no javascript: link, no foreign script and no console error', async (i) => {
    const file = pages[i]!;
    const html = fs.readFileSync(file, 'utf8');
    const problems: string[] = [];
    const onConsole = (m: { type(): string; text(): string }): void => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text().slice(0, 300)}`);
    };
    const onError = (e: Error): void => void problems.push(`page error: ${e.message}`);
    const onDialog = (d: { message(): string; dismiss(): Promise<void> }): void => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    };
    page.on('console', onConsole);
    page.on('pageerror', onError);
    page.on('dialog', onDialog);
    try {
      await page.goto(`file://${file}`);
      await page.evaluate(() => (window as unknown as { tpusegReport: { ready: Promise<unknown> } }).tpusegReport.ready);
      const hrefs = await page.$$eval('[href], [src], [action], [formaction]', (els) => els.map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action') ?? e.getAttribute('formaction') ?? ''));
      const resolved = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).protocol));
      const handlers = await page.$$eval('*', (els) => els.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)));
      const scripts = await page.$$eval('script', (ss) => ss.map((s) => ({ type: s.getAttribute('type'), src: s.getAttribute('src'), text: s.textContent ?? '' })));
      const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content') ?? '');

      expect(hrefs.filter((h) => !/^(https?:\/\/|#|[a-z0-9_.-]+\/|[a-z0-9_.-]+$)/i.test(h))).toEqual([]);
      expect(resolved.filter((p) => !['file:', 'http:', 'https:'].includes(p))).toEqual([]);
      expect(handlers).toEqual([]);
      // Every script element that runs is one whose hash the policy names, and the policy allows nothing else.
      const hashes = [...csp.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]);
      const running = scripts.filter((s) => s.type !== 'application/json');
      expect(running.every((s) => s.src === null && hashes.includes(createHash('sha256').update(s.text, 'utf8').digest('base64')))).toBe(true);
      expect(running.length).toBe(hashes.length);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
      expect(html).not.toMatch(/<a [^>]*href="\s*(javascript|vbscript|data):/i);
      expect(problems).toEqual([]);
      const figures = await page.$$eval('div.vega', (els) => els.map((e) => `${e.id}: ${e.getAttribute('data-rendered')}`));
      expect(figures.filter((f) => !f.endsWith(': yes'))).toEqual([]);
      // The hostile names are shown as text.
      expect(await page.evaluate(() => document.body.textContent ?? '')).toContain('javascript:alert');
    } finally {
      page.off('console', onConsole);
      page.off('pageerror', onError);
      page.off('dialog', onDialog);
    }
  });

  it('should run no script put into a page after it was written', async () => {
    const file = path.join(dir, 'segment-injected.html');
    const html = fs.readFileSync(pages[0]!, 'utf8');
    const at = html.lastIndexOf('</body>');
    fs.writeFileSync(file, `${html.slice(0, at)}<script>document.title = "injected"</script>${html.slice(at)}`);
    const blocked: string[] = [];
    const onConsole = (m: { type(): string; text(): string }): void => void (/Content Security Policy/.test(m.text()) && blocked.push(m.text()));
    page.on('console', onConsole);
    await page.goto(`file://${file}`);
    page.off('console', onConsole);
    expect(await page.title()).not.toBe('injected');
    expect(blocked.length).toBeGreaterThan(0);
  });
});
