import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { captureIo } from '../helpers/io';
import { pluginModule } from '../helpers/plugins';

// One misbehaving plug-in fails its own cell: not its (model, N) group, not the run, not the resume.
// Its cells are labelled by its own name.
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-run-plugins-'));
  pluginModule(dir, 'hang', 'for (;;) {}');
  pluginModule(dir, 'quit', 'process.exit(3)');
  pluginModule(dir, 'lefty', "return { _tag: 'Left', left: 'not a tpuseg error' };");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const config = (name: string, strategies: string[]): string => {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ name, models: ['synth:fc?neurons=16&layers=4'], tpus: 2, strategies, budget: { timeMs: 100 } }));
  return file;
};
const records = (out: string): { params: { label: string }; error?: string; result?: unknown }[] =>
  fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const outcome = (out: string): Record<string, string> =>
  Object.fromEntries(records(out).map((r) => [r.params.label, r.error?.replace(/worker crashed: .*/, 'worker crashed') ?? 'ok']));

describe('run with misbehaving plug-ins', () => {
  it('should fail only the cells of a hanging, exiting or foreign-Left plug-in, and retry them on resume', async () => {
    const file = config('mixed', ['compiler', './hang.js', './quit.js', './lefty.js']);
    const out = path.join(dir, 'out-mixed');
    const c = captureIo(dir);
    expect(await main(['run', file, '--out', out, '--workers', '1'], c.io)).toBe(0);
    expect(outcome(out)).toEqual({
      compiler: 'ok',
      hang: 'strategy hang (task 0) failed: stopped after 1 s (time budget exceeded)',
      quit: 'strategy quit (task 0) failed: called process.exit(3)',
      lefty: 'strategy lefty (task 0) failed: returned an error tpuseg does not know: "not a tpuseg error"',
    });
    const again = captureIo(dir);
    expect(await main(['run', file, '--out', out, '--workers', '1'], again.io)).toBe(0);
    expect(again.err).toContain('3 cell(s) failed in an earlier run; they are tried again');
    expect(again.out[0]).toBe('mixed: 4/4 cells: 3 computed, 1 reused, 3 failed');
  });

  it('should stop a looping plug-in at its budget with --workers 0', async () => {
    const file = config('here', ['compiler', './hang.js']);
    const out = path.join(dir, 'out-here');
    const t0 = performance.now();
    expect(await main(['run', file, '--out', out, '--workers', '0'], captureIo(dir).io)).toBe(0);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(outcome(out)).toEqual({ compiler: 'ok', hang: 'strategy hang (task 0) failed: stopped after 1 s (time budget exceeded)' });
  });

  it('should neither crash report nor reuse a stored result with non-finite times', async () => {
    const file = config('nan', ['compiler']);
    const out = path.join(dir, 'out-nan');
    expect(await main(['run', file, '--out', out, '--workers', '0'], captureIo(dir).io)).toBe(0);
    const [r] = records(out) as unknown as [{ result: { msPerInput: number | null; segments: { ms: number | null }[] } }];
    r.result.msPerInput = null;
    r.result.segments[0]!.ms = null;
    fs.writeFileSync(path.join(out, 'results.jsonl'), `${JSON.stringify(r)}\n`);
    const rep = captureIo(dir);
    // Its one record unreadable, the store has no cell to report: one line, exit 2.
    expect(await main(['report', out], rep.io)).toBe(2);
    expect(rep.err).toEqual([expect.stringMatching(/results.jsonl: not a results file \(line 1 is not a cell record/)]);
    const again = captureIo(dir);
    expect(await main(['run', file, '--out', out, '--workers', '0'], again.io)).toBe(0);
    expect(again.err).toContain(`${path.join(out, 'results.jsonl')}: ignored 1 unreadable line(s): 1`);
    expect(again.out[0]).toBe('nan: 1/1 cells: 1 computed, 0 reused');
  });
});
