import * as E from 'fp-ts/Either';
import { costModel, loadDevices, loadProfile } from '../../cost-models';
import { boardModel } from '../../cost-models/board';
import { loadModel } from '../../src/model/load';
import { compareScores, scorePlan } from '../../src/search/objective';
import { makeProblem } from '../../src/search/problem';
import { segmentModel, type SegmentReport } from '../../src/search/segment';
import type { CostModel } from '../../cost-models/types';
import type { ObjectiveKind } from '../../strategies/types';
import { allPlans } from './fixtures';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

/** The best objective value on exactly n segments, by trying every plan. */
function bruteBest(cost: CostModel, n: number, kind: ObjectiveKind): number {
  const p = right(makeProblem(cost, n, { kind, batch: 15 }, { pins: [] }));
  let best: number[] | undefined;
  for (const plan of allPlans(cost.graph.ops.length, n)) if (!best || compareScores(scorePlan(p, plan), scorePlan(p, best)) < 0) best = plan;
  return scorePlan(p, best!).primary;
}

const chosenPrimary = (r: SegmentReport): number => r.atMost!.byTpus.find((b) => b.tpus === r.atMost!.used)!.primary!;

describe('segment --at-most', () => {
  const spec = 'synth:conv?filters=64&layers=8&size=32';
  const graph = right(loadModel(spec));
  // Wide enough that five TPUs beat four on the bench profile (the 2.25 MiB layers of F = 512 leave one TPU idle).
  const wide = 'synth:conv?filters=768&layers=8&size=32';
  const cases: [string, string, CostModel, { profile?: string; devices?: string }][] = [
    ['usb3', spec, costModel(graph, right(loadProfile('edgetpu-usb3'))), { profile: 'edgetpu-usb3' }],
    ['ucm-bench', wide, costModel(right(loadModel(wide)), right(loadProfile('edgetpu-ucm-bench'))), { profile: 'edgetpu-ucm-bench' }],
    ['mixed board', spec, boardModel(graph, right(loadDevices('edgetpu-usb3,edgetpu-pcie,edgetpu-usb3,edgetpu-ucm-bench,edgetpu-pcie'))),
      { devices: 'edgetpu-usb3,edgetpu-pcie,edgetpu-usb3,edgetpu-ucm-bench,edgetpu-pcie' }],
  ];

  it('should be exact with dp: the fewest segments whose best is within the tolerance of the best on up to N (brute force)', async () => {
    const N = 5;
    const used = new Set<number>();
    for (const [name, model, cost, where] of cases) {
      for (const kind of ['throughput', 'batch', 'latency'] as const) {
        const brute = Array.from({ length: N }, (_, i) => bruteBest(cost, i + 1, kind));
        const top = Math.min(...brute);
        for (const tolerance of [0, 0.02, 0.1]) {
          const r = right(await segmentModel({ model, tpus: N, ...where, objective: kind, strategies: ['dp'], workers: 0, atMost: true, tolerance }));
          const want = brute.findIndex((b) => b <= top * (1 + tolerance)) + 1;
          used.add(want);
          expect([name, kind, tolerance, r.atMost!.used, r.tpus, r.atMost!.unused]).toEqual([name, kind, tolerance, want, want, N - want]);
          expect(r.atMost!.byTpus.map((b) => b.primary)).toEqual(brute.map((b) => expect.closeTo(b, 9)));
          // Never slower than the best on exactly N segments (beyond the tolerance; with 0, not at all).
          expect(chosenPrimary(r)).toBeLessThanOrEqual(brute[N - 1]! * (1 + tolerance) + 1e-9);
          if (tolerance === 0) expect(chosenPrimary(r)).toBeLessThanOrEqual(brute[N - 1]!);
          const best = r.results.find((x) => x.strategy === r.best)!;
          expect('cuts' in best && best.cuts.length).toBe(want - 1);
        }
      }
    }
    // The cases leave TPUs unused as well as use them all.
    expect(used.has(N)).toBe(true);
    expect([...used].some((n) => n < N)).toBe(true);
  });

  it('should report the plans on exactly N without --at-most, and with it every count searched', async () => {
    const plain = right(await segmentModel({ model: spec, tpus: 4, strategies: ['dp', 'greedy'], workers: 0 }));
    expect(plain.atMost).toBeUndefined();
    expect(plain.tpus).toBe(4);
    const r = right(await segmentModel({ model: spec, tpus: 4, strategies: ['dp', 'greedy'], workers: 0, atMost: true }));
    expect(r.atMost!.byTpus.map((b) => b.tpus)).toEqual([1, 2, 3, 4]);
    expect(r.atMost!.tolerance).toBe(0.02);
    expect(r.results.map((x) => x.strategy)).toEqual(['dp', 'greedy']);
  });
});
