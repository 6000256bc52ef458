import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { experimentWorkers, POOL_MIN_MS, searchWorkers, taskMs } from '../../src/search/workers';
import { workerExecArgv } from '../../src/search/pool';

describe('search/workers', () => {
  it('should run a small search in this thread and spread a large one over the CPUs', () => {
    // --strategy all on ResNet-152: 9 tasks on 213 ops.
    expect(searchWorkers(9, 213, 2)).toBe(0);
    const ops = Math.ceil((POOL_MIN_MS / 9 - taskMs(0)) / (taskMs(1) - taskMs(0)));
    expect(searchWorkers(9, ops + 1, 2)).toBe(2);
    expect(searchWorkers(9, ops + 1, 16)).toBe(9);
  });

  it('should keep the process within 1.5 times the memory of one thread: fewer workers, or none, for a model with heavy weights', () => {
    const ops = Math.ceil((POOL_MIN_MS / 9 - taskMs(0)) / (taskMs(1) - taskMs(0))) + 1;
    expect(searchWorkers(9, ops, 16, 10e6)).toBe(8);
    expect(searchWorkers(9, ops, 16, 40e6)).toBe(2);
    // A 5,000-op model file of about a gigabyte: every worker would hold its own copy.
    expect(searchWorkers(9, ops, 16, 1e9)).toBe(0);
  });

  it('should never start threads for one task or on one CPU', () => {
    expect(searchWorkers(1, 1e6, 8)).toBe(0);
    expect(searchWorkers(50, 1e6, 1)).toBe(0);
    expect(experimentWorkers(80, 1)).toBe(0);
  });

  it('should give an experiment one thread per CPU once it has two groups of cells', () => {
    expect(experimentWorkers(0, 2)).toBe(0);
    expect(experimentWorkers(1, 2)).toBe(0);
    expect(experimentWorkers(2, 8)).toBe(2);
    expect(experimentWorkers(80, 2)).toBe(2);
  });
});

describe('search/pool workerExecArgv', () => {
  it('should give .ts workers the TypeScript hook instead of the parent\'s tsx flags, keep other flags, and drop those a worker refuses', () => {
    const saved = process.execArgv;
    try {
      Object.defineProperty(process, 'execArgv', {
        value: ['--require', '/x/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///x/node_modules/tsx/dist/loader.mjs', '--max-old-space-size=4096', '--enable-source-maps', '--stack-size', '900', '--conditions', 'dev'],
        configurable: true,
      });
      const args = workerExecArgv('/repo/src/search/worker.ts');
      expect(args.slice(0, 3)).toEqual(['--enable-source-maps', '--conditions', 'dev']);
      expect(args[3]).toBe('--require');
      expect(args[4]).toMatch(/bin[/\\]register-ts\.js$/);
      expect(args).toHaveLength(5);
      expect(workerExecArgv('/repo/dist/search/worker.js')).toEqual(['--require', '/x/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///x/node_modules/tsx/dist/loader.mjs', '--enable-source-maps', '--conditions', 'dev']);
    } finally {
      Object.defineProperty(process, 'execArgv', { value: saved, configurable: true });
    }
  });

  it('should run the worker pool of a CLI started with V8 and per-process Node options', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, ['--max-old-space-size=2000', '--stack-size=900', path.join(root, 'bin/tpuseg.js'), 'segment', 'zoo:mobilenet_v1', '--tpus', '2', '--strategy', 'compiler,dp', '--workers', '2', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toContain('ERR_WORKER_INVALID_EXEC_ARGV');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { results: unknown[] }).results).toHaveLength(2);
  });
});
