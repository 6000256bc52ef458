import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as _ from '../../src/experiments/runner';
import { makeCell, type Cell } from '../../src/experiments/cell';
import { readStore, type CellRecord } from '../../src/experiments/store';

// An executor whose result is a pure function of the cell, counting the cells it ran.
function fakeExecutor(failOn?: string): _.Executor & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    async runGroup(cells) {
      await new Promise((r) => setImmediate(r));
      return cells.map((c) => {
        ran.push(c.id);
        if (c.strategy === failOn) return { error: `${failOn} failed` };
        const ms = c.tpus * 10 + c.strategy.length;
        return { modelOps: 7, result: { strategy: c.label, cuts: [], segments: [], bottleneckMs: ms, latencyMs: ms, batch: c.batch, msPerInput: ms } };
      });
    },
    close: async () => undefined,
  };
}

const cells: Cell[] = ['zoo:a', 'zoo:b'].flatMap((model) => [1, 2, 3].flatMap((tpus) => ['dp', 'greedy'].map((strategy) =>
  makeCell({ model, tpus, strategy, options: {}, label: strategy, profile: 'p', objective: 'throughput', batch: 15, seed: 0, budget: {} }))));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-runner-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const options = (over: Partial<_.RunOptions> = {}): _.RunOptions & { logs: string[] } => {
  const logs: string[] = [];
  return {
    logs,
    store: path.join(dir, 'results.jsonl'), force: false, tool: '1.0.0', configHash: 'c', profileHash: () => 'h', concurrency: 2,
    progress: () => ({ tick: () => undefined, note: () => undefined, finish: () => undefined }),
    log: (l) => logs.push(l), interrupted: new Promise<void>(() => undefined), ...over,
  };
};

const strip = (rs: readonly CellRecord[]) => rs.map((r) => JSON.stringify(r));

describe('experiments/runner', () => {
  describe('groupCells', () => {
    it('should group cells that differ only by strategy, in order of first appearance', () => {
      expect(_.groupCells(cells).map((g) => g.map((c) => `${c.model}/${c.tpus}/${c.strategy}`))).toEqual([
        ['zoo:a/1/dp', 'zoo:a/1/greedy'], ['zoo:a/2/dp', 'zoo:a/2/greedy'], ['zoo:a/3/dp', 'zoo:a/3/greedy'],
        ['zoo:b/1/dp', 'zoo:b/1/greedy'], ['zoo:b/2/dp', 'zoo:b/2/greedy'], ['zoo:b/3/dp', 'zoo:b/3/greedy'],
      ]);
    });
  });

  describe('runCells', () => {
    it('should run every cell once and leave the store in cell order', async () => {
      const ex = fakeExecutor();
      const s = await _.runCells(cells, ex, options());
      expect(ex.ran).toHaveLength(cells.length);
      expect(s).toMatchObject({ computed: 12, reused: 0, stale: 0, failed: 0, interrupted: false });
      expect(readStore(path.join(dir, 'results.jsonl')).records.map((r) => r.cell)).toEqual(cells.map((c) => c.id));
    });

    it('should resume after an interruption without recomputing or duplicating a cell', async () => {
      let interrupt: () => void = () => undefined;
      const interrupted = new Promise<void>((r) => (interrupt = r));
      const first = fakeExecutor();
      const run1 = _.runCells(cells, {
        ...first,
        runGroup: async (g) => {
          const out = await first.runGroup(g);
          if (first.ran.length >= 4) interrupt();
          return out;
        },
      }, options({ interrupted, concurrency: 1 }));
      const s1 = await run1;
      expect(s1.interrupted).toBe(true);
      const partial = readStore(path.join(dir, 'results.jsonl')).records;
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(cells.length);

      const second = fakeExecutor();
      const s2 = await _.runCells(cells, second, options());
      expect(s2).toMatchObject({ reused: partial.length, computed: cells.length - partial.length, interrupted: false });
      expect(second.ran.filter((id) => partial.some((r) => r.cell === id))).toEqual([]);

      const fresh = path.join(dir, 'fresh');
      fs.mkdirSync(fresh);
      await _.runCells(cells, fakeExecutor(), options({ store: path.join(fresh, 'results.jsonl') }));
      expect(fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(fresh, 'results.jsonl'), 'utf8'));
    });

    it('should recompute stale results and everything under --force', async () => {
      await _.runCells(cells, fakeExecutor(), options());
      const again = fakeExecutor();
      const edited = options({ configHash: 'c2' });
      expect(await _.runCells(cells.slice(0, 6), again, edited)).toMatchObject({ computed: 0, reused: 6 });
      expect(edited.logs).toEqual([
        '6 result(s) were computed under an earlier version of this config (hash c); their cells are unchanged, so they are reused',
        '6 stored result(s) belong to cells this config no longer has; they are dropped when the run completes',
      ]);
      expect(readStore(path.join(dir, 'results.jsonl')).records).toHaveLength(6);
      await _.runCells(cells, fakeExecutor(), options());
      const newer = fakeExecutor();
      const s = await _.runCells(cells, newer, options({ tool: '1.1.0' }));
      expect(s).toMatchObject({ computed: 12, stale: 12 });
      const forced = fakeExecutor();
      expect(await _.runCells(cells, forced, options({ tool: '1.1.0', force: true }))).toMatchObject({ computed: 12, reused: 0, stale: 0 });
    });

    it('should repair a torn last line and record failed cells as finished', async () => {
      const store = path.join(dir, 'results.jsonl');
      await _.runCells(cells.slice(0, 2), fakeExecutor(), options());
      fs.appendFileSync(store, '{"cell":"torn');
      const o = options();
      const s = await _.runCells(cells, fakeExecutor('greedy'), o);
      expect(o.logs[0]).toContain('torn last line');
      expect(s).toMatchObject({ reused: 2, computed: 10, failed: 5 });
      const contents = readStore(store);
      expect(contents.torn).toBe(false);
      expect(contents.badLines).toEqual([]);
      expect(strip(contents.records)).toEqual(strip(s.records));
      expect(contents.records.filter((r) => r.error !== undefined)).toHaveLength(5);
    });
  });
});
