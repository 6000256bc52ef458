import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { poolExecutor } from '../../src/experiments/pool';
import { readModelFile } from '../../src/model/load';
import { captureIo } from '../helpers/io';
import * as _ from '../../src/experiments/execute';
import type { CellParams } from '../../src/experiments/cell';
import { costModel, loadProfile } from '../../cost-models';
import { synthModel } from '../../src/zoo/synth';
import { evaluatePlan } from '../../src/pipeline/evaluate';
import { compilerCuts } from '../../src/plan/fixed-splits';

const MODEL = 'synth:fc?neurons=1500&layers=5';
const cell = (strategy: string, tpus = 3, extra: Partial<CellParams> = {}): CellParams => ({
  model: MODEL, tpus, strategy, options: {}, label: strategy, profile: 'edgetpu-ucm-bench', objective: 'throughput', batch: 15, seed: 0, budget: {}, ...extra,
});

describe('experiments/execute', () => {
  describe('runGroupInProcess', () => {
    it('should price the compiler split exactly as evaluatePlan does and record the model facts', () => {
      const [out] = _.runGroupInProcess({ baseDir: '/', cwd: process.cwd(), cells: [cell('compiler')] });
      const g = synthModel(MODEL);
      const p = loadProfile('edgetpu-ucm-bench');
      if (E.isLeft(g) || E.isLeft(p)) throw new Error('fixtures do not load');
      const cuts = compilerCuts(g.right, 3);
      if (E.isLeft(cuts)) throw new Error('no compiler cuts');
      const ev = evaluatePlan(costModel(g.right, p.right), cuts.right, 15);
      expect(out!.error).toBeUndefined();
      expect(out!.result!.cuts).toEqual(cuts.right);
      expect(out!.result!.msPerInput).toBeCloseTo(ev.msPerInput, 9);
      expect(out!.modelOps).toBe(g.right.ops.length);
      expect(out!.modelInput).toEqual([64]);
    });

    it('should never let dp lose to the fixed splits of the same group', () => {
      const outs = _.runGroupInProcess({ baseDir: '/', cwd: process.cwd(), cells: [cell('compiler'), cell('layers'), cell('dp')] });
      const [compiler, layers, dp] = outs.map((o) => o.result!.bottleneckMs);
      expect(dp).toBeLessThanOrEqual(compiler! + 1e-9);
      expect(dp).toBeLessThanOrEqual(layers! + 1e-9);
    });

    it('should turn an infeasible N, an unknown model and a bad strategy into per-cell errors', () => {
      const [tooMany] = _.runGroupInProcess({ baseDir: '/', cwd: process.cwd(), cells: [cell('dp', 500)] });
      expect(tooMany!.error).toMatch(/^infeasible: .*cannot be cut into 500/);
      const [missing] = _.runGroupInProcess({ baseDir: '/', cwd: process.cwd(), cells: [cell('dp', 2, { model: 'nope.tflite' })] });
      expect(missing!.error).toMatch(/nope\.tflite.*no such file/);
      const [bad] = _.runGroupInProcess({ baseDir: '/', cwd: process.cwd(), cells: [cell('magic')] });
      expect(bad!.error).toMatch(/unknown strategy "magic"/);
    });
  });

  describe('a file model on a pool', () => {
    it('should read the file once into shared memory and give its bytes to the threads, which parse them instead of the file', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-exec-'));
      const file = path.join(dir, 'fc.tflite');
      expect(await main(['export-model', 'synth:fc?neurons=64&layers=3', '-o', file], captureIo(dir).io)).toBe(0);
      const here = _.runGroupInProcess({ baseDir: dir, cwd: dir, cells: [cell('dp', 2, { model: 'fc.tflite' })] });
      expect(here[0]!.error).toBeUndefined();
      const bytes = readModelFile(file);
      if (E.isLeft(bytes)) throw new Error('unreadable');
      expect(bytes.right.buffer).toBeInstanceOf(SharedArrayBuffer);
      const pool = poolExecutor(2, dir, dir);
      try {
        const group = (tpus: number) => [{ ...cell('dp', tpus, { model: 'fc.tflite' }), id: `n${tpus}` }];
        const first = await pool.runGroup(group(2));
        expect(first[0]!.result!.cuts).toEqual(here[0]!.result!.cuts);
        // The file is gone: a thread that has not built the model yet parses the bytes the executor read.
        fs.rmSync(file);
        const later = await Promise.all([pool.runGroup(group(3)), pool.runGroup(group(4))]);
        expect(later.map((o) => o[0]!.error)).toEqual([undefined, undefined]);
      } finally {
        await pool.close();
      }
    });
  });
});
