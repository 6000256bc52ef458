import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { main } from '../../src/cli/main';
import { segmentModel } from '../../src/search/segment';
import { closePlugins } from '../../src/plugins/host';
import { captureIo } from '../helpers/io';

// The hostile plug-in suite (fixtures/hostile-plugins) beside dp: dp's plan and times are those of
// a run without them, and each hostile plug-in that breaks a rule fails alone, in one line naming it.
const HOSTILE = path.resolve(__dirname, '../../fixtures/hostile-plugins');
const files = fs.readdirSync(HOSTILE).filter((f) => f.endsWith('.js')).sort();
const MODEL = 'synth:conv?filters=64&layers=8&size=32';

/** What each plug-in does beside dp: its one line (a regexp), or 'ok' for those whose mischief stays in their own thread. */
const EXPECTED: Record<string, RegExp | 'ok'> = {
  'exits-at-load.js': /^plug-in \S*exits-at-load\.js: called process\.exit\(0\)$/,
  'exits-in-search.js': /^strategy exits-in-search \(task 0\) failed: called process\.exit\(0\)$/,
  'mutates-problem.js': /^strategy mutates-problem \(task 0\) failed: threw: Cannot assign to read only property 'length'/,
  'overrides-builtins.js': 'ok',
  'spins-at-load.js': /^plug-in \S*spins-at-load\.js: loading took longer than 1000 ms; stopped$/,
  'spins-in-decode.js': /^plug-in spins-in-decode \(\S*spins-in-decode\.js\): options\.decode took longer than 1000 ms; stopped$/,
  'spins-in-search.js': /^strategy spins-in-search \(task 0\) failed: exceeded its time budget of 1000 ms$/,
  'string-cuts.js': /^strategy string-cuts \(task 0\) failed: returned cuts \["1","2"\]: cut 0 is the string "1", not a number/,
  'takes-builtin-name.js': /^plug-in \S*takes-builtin-name\.js: its name "dp" is taken by tpuseg's own strategy; give it another name$/,
  'throws-in-decode.js': /^plug-in throws-in-decode \(\S*throws-in-decode\.js\): options\.decode threw: decode exploded$/,
  'writes-stdout.js': 'ok',
};

interface Result { strategy: string; error?: string; cuts?: number[]; bottleneckMs?: number; msPerInput?: number; latencyMs?: number; segments?: unknown[] }

async function segment(strategies: string[], workers: string): Promise<{ code: number; results: Result[]; err: string[] }> {
  const c = captureIo(HOSTILE);
  const code = await main(['segment', MODEL, '--tpus', '3', '--time-budget', '1', '--workers', workers, '--json', '--strategy', strategies.join(',')], c.io);
  return { code, results: (JSON.parse(c.out.join('\n')) as { results: Result[] }).results, err: c.err };
}

const dpPart = (r: Result | undefined) => r && { cuts: r.cuts, bottleneckMs: r.bottleneckMs, msPerInput: r.msPerInput, latencyMs: r.latencyMs, segments: r.segments };

afterAll(() => closePlugins());

describe('hostile plug-ins beside dp', () => {
  it('should cover every fixture', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(['0', '1'])('should leave dp\'s plan and times as without them, each failing alone (--workers %s)', async (workers) => {
    const alone = await segment(['dp'], workers);
    const stdout = jest.spyOn(process.stdout, 'write');
    const beside = await segment(['dp', ...files.map((f) => `./${f}`)], workers);
    stdout.mockRestore();
    expect(beside.code).toBe(0);
    expect(dpPart(beside.results.find((r) => r.strategy === 'dp'))).toEqual(dpPart(alone.results[0]));
    expect(beside.results.filter((r) => r.strategy === 'dp')).toHaveLength(1);
    for (const f of files) {
      const name = f.replace(/\.js$/, '');
      const mine = beside.results.filter((r) => r.strategy === name || r.strategy === `./${f}`);
      expect(mine).toHaveLength(f === 'takes-builtin-name.js' ? 1 : 1);
      const want = EXPECTED[f]!;
      if (want === 'ok') expect(mine[0]!.error).toBeUndefined();
      else {
        expect(mine[0]!.error).toMatch(want);
        expect(mine[0]!.error).not.toContain('\n');
      }
    }
    // Nothing a plug-in printed reached stdout (the --json output parsed above came from the command alone).
    expect(stdout.mock.calls.map((c) => String(c[0])).join('')).not.toContain('writes-stdout');
  });

  it.each(['spins-at-load.js', 'spins-in-decode.js'])('should stop %s on Ctrl-C, whatever its budget', async (f) => {
    const interrupted = new Promise<void>((ok) => setTimeout(ok, 1500));
    const t0 = performance.now();
    const r = await segmentModel({ model: MODEL, tpus: 3, workers: 0, cwd: HOSTILE, strategies: ['dp', `./${f}`], timeBudgetMs: 600_000, interrupted });
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(E.isRight(r) && r.right.results.map((x) => ('error' in x ? x.error : 'ok'))).toEqual(['strategy dp (task 0) failed: interrupted before it finished', expect.stringMatching(/^plug-in \S+( \(\S+\))?: interrupted (while it loaded|in options\.decode)$/)]);
  });

  it('should fail each hostile cell alone in run, dp\'s cells as without them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-hostile-run-'));
    try {
      const config = (name: string, strategies: string[]): string => {
        const file = path.join(dir, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify({ name, models: [MODEL], tpus: [2, 3], strategies, budget: { timeMs: 1000 } }));
        return file;
      };
      const records = (out: string) => fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n')
        .map((l) => JSON.parse(l) as { params: { label: string; tpus: number; strategy: string }; error?: string; result?: { cuts: number[]; msPerInput: number; segments: unknown[] } });
      const refusedAtCheck = ['takes-builtin-name.js', 'spins-at-load.js', 'exits-at-load.js', 'spins-in-decode.js', 'throws-in-decode.js'];
      const hostile = files.filter((f) => !refusedAtCheck.includes(f)).map((f) => path.join(HOSTILE, f));
      expect(await main(['run', config('alone', ['dp']), '--out', path.join(dir, 'alone'), '--workers', '0'], captureIo(dir).io)).toBe(0);
      const c = captureIo(dir);
      expect(await main(['run', config('beside', ['dp', ...hostile]), '--out', path.join(dir, 'beside'), '--workers', '1'], c.io)).toBe(0);
      const dp = (out: string) => records(out).filter((r) => r.params.strategy === 'dp').map((r) => ({ tpus: r.params.tpus, cuts: r.result?.cuts, ms: r.result?.msPerInput, segments: r.result?.segments }));
      expect(dp(path.join(dir, 'beside'))).toEqual(dp(path.join(dir, 'alone')));
      const byLabel = new Map(records(path.join(dir, 'beside')).map((r) => [`${r.params.label}@${r.params.tpus}`, r.error ?? 'ok']));
      expect(byLabel.get('overrides-builtins@3')).toBe('ok');
      expect(byLabel.get('writes-stdout@3')).toBe('ok');
      expect(byLabel.get('exits-in-search@3')).toBe('strategy exits-in-search (task 0) failed: called process.exit(0)');
      expect(byLabel.get('spins-in-search@2')).toBe('strategy spins-in-search (task 0) failed: stopped after 3 s (time budget exceeded)');
      expect(byLabel.get('string-cuts@2')).toMatch(/^strategy string-cuts \(task 0\) failed: returned cuts \["1"\]/);
      // A config naming a plug-in that cannot load or decode, or takes a built-in's name, is refused before any work, each in one line naming it.
      const refused = captureIo(dir);
      const t0 = performance.now();
      expect(await main(['run', config('refused', ['dp', ...refusedAtCheck.map((f) => path.join(HOSTILE, f))]), '--out', path.join(dir, 'refused'), '--workers', '0'], refused.io)).toBe(2);
      expect(performance.now() - t0).toBeLessThan(20_000);
      const lines = refused.err.join('\n');
      expect(lines).toMatch(/strategies\[1\]\.name: plug-in \S*takes-builtin-name\.js: its name "dp" is taken by tpuseg's own strategy/);
      expect(lines).toMatch(/strategies\[2\]\.name: plug-in \S*spins-at-load\.js: loading took longer than 1000 ms; stopped/);
      expect(lines).toMatch(/strategies\[3\]\.name: plug-in \S*exits-at-load\.js: called process\.exit\(0\)/);
      expect(lines).toMatch(/strategies\[4\]\.options: plug-in spins-in-decode \(\S*\): options\.decode took longer than 1000 ms; stopped/);
      expect(lines).toMatch(/strategies\[5\]\.options: plug-in throws-in-decode \(\S*\): options\.decode threw: decode exploded/);
      expect(fs.existsSync(path.join(dir, 'refused', 'results.jsonl'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
