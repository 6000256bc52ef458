import * as E from 'fp-ts/Either';
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
});
