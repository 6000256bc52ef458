import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { segmentRequest } from '../../src/cli/commands/segment';
import type { Io } from '../../src/cli/command';
import { main } from '../../src/cli/main';

const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false, cwd: process.cwd(), interrupted: new Promise(() => undefined) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('cli/commands/segment', () => {
  describe('segmentRequest', () => {
    it('should turn flags into a request with the defaults filled in', () => {
      const r = segmentRequest(['zoo:resnet50_v1', '--tpus', '4', '--pin', '3:0,40:2', '--option', 'annealing.restarts=8', '--option', 'greedy.start=even', '--max-crossing-bytes', '1e6'], '/x');
      expect(r).toEqual(E.right({
        json: false,
        request: {
          model: 'zoo:resnet50_v1', tpus: 4, strategies: ['all'], profile: 'edgetpu-usb3', objective: 'throughput', batch: 15,
          constraints: { pins: [{ op: 3, segment: 0 }, { op: 40, segment: 2 }], maxCrossingBytes: 1e6 },
          seed: '0', timeBudgetMs: 60_000, options: { annealing: { restarts: 8 }, greedy: { start: 'even' } }, cwd: '/x',
        },
      }));
    });

    it('should name the flag and the value that are wrong', () => {
      const msg = (argv: string[]): string => {
        const r = segmentRequest(argv, '/');
        return E.isLeft(r) && r.left._tag === 'Usage' ? r.left.message : 'accepted';
      };
      expect(msg(['m'])).toBe('segment: --tpus N is required (see tpuseg segment --help)');
      expect(msg(['m', '--tpus', '0'])).toBe('segment: --tpus expects a positive integer, got "0"');
      expect(msg(['m', '--tpus', '2', '--pin', '3-1'])).toBe('segment: --pin expects OP:SEG pairs such as 12:1,40:2, got "3-1"');
      expect(msg(['m', '--tpus', '2', '--objective', 'speed'])).toBe('segment: --objective expects throughput | batch | latency, got "speed"');
      expect(msg(['m', '--tpus', '2', '--workers', '-1'])).toContain('--workers');
      expect(msg(['--tpus', '2'])).toBe('segment: expected one model, got 0 (see tpuseg segment --help)');
    });
  });

  describe('segmentCommand', () => {
    it('should print help listing every strategy', async () => {
      const r = await run(['segment', '--help']);
      expect(r.code).toBe(0);
      for (const s of ['compiler', 'profiling', 'balanced', 'dp', 'greedy', 'annealing']) expect(r.out).toContain(`  ${s} `);
    });

    it('should exit non-zero with one line when no requested strategy returns a plan, after printing the report', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-noplan-'));
      try {
        const file = path.join(dir, 'failer.js');
        fs.writeFileSync(file, `const E = require(${JSON.stringify(require.resolve('fp-ts/Either'))});
const t = require(${JSON.stringify(require.resolve('io-ts'))});
exports.strategy = { name: 'failer', description: 'never finds a plan', options: new t.Type('o', () => true, (u) => t.success(u ?? {}), (x) => x),
  search: () => E.left({ _tag: 'WorkerFailed', strategy: 'failer', task: 0, message: 'gave up' }) };`);
        const r = await run(['segment', 'zoo:mobilenet_v1', '--tpus', '3', '--strategy', file, '--workers', '0', '--json']);
        expect(JSON.parse(r.out).best).toBeNull();
        expect(r.code).not.toBe(0);
        expect(r.err).toBe('tpuseg: strategy failer (task 0) failed: gave up; no requested strategy returned a plan');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('should mark a dp plan cut short by its time budget as not proven optimal', async () => {
      const r = await run(['segment', 'zoo:densenet201', '--tpus', '32', '--runner', 'python-threads', '--strategy', 'dp', '--workers', '0', '--time-budget', '0', '--json']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out);
      expect(report.best).toBe('dp');
      expect(report.results[0].stats.unproven).toBe(1);
      const text = await run(['segment', 'zoo:densenet201', '--tpus', '32', '--runner', 'python-threads', '--strategy', 'dp', '--workers', '0', '--time-budget', '0']);
      expect(text.out).toContain('dp: stopped at its time budget; its plan is the best it found, not proven optimal');
    });

    it('should print the JSON contract', async () => {
      const r = await run(['segment', 'zoo:mobilenet_v1', '--tpus', '3', '--strategy', 'compiler,dp', '--workers', '0', '--json']);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out);
      expect(report).toMatchObject({ model: 'zoo:mobilenet_v1', tpus: 3, profile: 'edgetpu-usb3', objective: 'throughput', best: 'dp' });
      expect(report.results.map((x: { strategy: string }) => x.strategy)).toEqual(['compiler', 'dp']);
      expect(Object.keys(report.results[1].segments[0])).toEqual(['firstOp', 'lastOp', 'ops', 'tpuOps', 'paramBytes', 'onChipBytes', 'offChipBytes', 'inBytes', 'outBytes', 'ms', 'msLow', 'msHigh']);
    });

    it('should write the plan view of the search as one self-contained page with --html', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-segment-html-'));
      try {
        const file = path.join(dir, 'plan.html');
        const r = await run(['segment', 'zoo:mobilenet_v1', '--tpus', '3', '--strategy', 'compiler,balanced', '--workers', '0', '--html', file]);
        expect(r.code).toBe(0);
        expect(r.out).toContain('plan view: ');
        const html = fs.readFileSync(file, 'utf8');
        expect(html).toContain('id="plan-view"');
        expect(html).not.toMatch(/<script[^>]+src=/);
        const specs = JSON.parse(/<script type="application\/json" id="tpuseg-specs">(.*)<\/script>/.exec(html)![1]!);
        expect(specs['plan-view'].datasets.segments.map((s: { strategy: string }) => s.strategy)).toEqual(['compiler', 'compiler', 'compiler', 'balanced', 'balanced', 'balanced']);

        const bad = await run(['segment', 'zoo:mobilenet_v1', '--tpus', '2', '--strategy', 'dp', '--workers', '0', '--html', path.join(file, 'x.html')]);
        expect(bad.code).toBe(2);
        expect(bad.err).toContain(`tpuseg: ${file}: cannot write: is not a folder, or a part of its path is a file`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('should print a table naming the winner', async () => {
      const r = await run(['segment', 'zoo:mobilenet_v1', '--tpus', '2', '--strategy', 'dp,greedy', '--workers', '0']);
      expect(r.code).toBe(0);
      expect(r.out.split('\n')[0]).toBe('zoo:mobilenet_v1 on 2 TPUs, profile edgetpu-usb3, runner pycoral, objective throughput');
      expect(r.out.split('\n').pop()).toMatch(/^best: dp, [\d.]+ ms per input in steady state \(80% band [\d.]+-[\d.]+, regime pipeline\/conv\/on-chip, from \d+ calibration rows of edgetpu-ucm-bench, borrowed: edgetpu-usb3 has none in this regime\)$/);
    });

    it('should exit 3 with one line for an infeasible request and 2 for an unknown model', async () => {
      const r = await run(['segment', 'zoo:mobilenet_v1', '--tpus', '500', '--workers', '0']);
      expect([r.code, r.err.split('\n').length]).toEqual([3, 1]);
      expect(r.err).toContain('infeasible: mobilenet_v1 has');
      const m = await run(['segment', 'missing.tflite', '--tpus', '2', '--workers', '0']);
      expect(m.code).toBe(2);
    });
  });
});
