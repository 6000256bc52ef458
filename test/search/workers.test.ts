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
  it('should give .ts workers the TypeScript hook instead of the parent\'s tsx flags, and keep other flags', () => {
    const saved = process.execArgv;
    try {
      Object.defineProperty(process, 'execArgv', { value: ['--require', '/x/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///x/node_modules/tsx/dist/loader.mjs', '--max-old-space-size=4096'], configurable: true });
      const args = workerExecArgv('/repo/src/search/worker.ts');
      expect(args.slice(0, 1)).toEqual(['--max-old-space-size=4096']);
      expect(args[1]).toBe('--require');
      expect(args[2]).toMatch(/bin[/\\]register-ts\.js$/);
      expect(args).toHaveLength(3);
      expect(workerExecArgv('/repo/dist/search/worker.js')).toEqual(process.execArgv);
    } finally {
      Object.defineProperty(process, 'execArgv', { value: saved, configurable: true });
    }
  });
});
