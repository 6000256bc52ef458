import * as E from 'fp-ts/Either';
import { costModel, loadDevices, loadProfile, type CostProfile } from '../../cost-models';
import { BoardModel, boardModel, boardName, HOST_CONSTANTS, onHost } from '../../cost-models/board';
import { edgeTpuModel } from '../../cost-models/edgetpu';
import { SHARED_COUNT, type CostModel } from '../../cost-models/types';
import { loadModel } from '../../src/model/load';
import { rng } from '../../src/rng';
import { unlimited } from '../../src/search/budget';
import { compareScores, scorePlan } from '../../src/search/objective';
import { makeProblem } from '../../src/search/problem';
import { strategy as dp } from '../../strategies/dp';
import type { ObjectiveKind } from '../../strategies/types';
import { allPlans } from '../search/fixtures';

const profile = (name: string): CostProfile => {
  const p = loadProfile(name);
  if (E.isLeft(p)) throw new Error(name);
  return p.right;
};
const graphOf = (spec: string) => {
  const g = loadModel(spec);
  if (E.isLeft(g)) throw new Error(spec);
  return g.right;
};
const usb3 = profile('edgetpu-usb3');
const pcie = profile('edgetpu-pcie');
const ucm = profile('edgetpu-ucm-bench');

const solve = (cost: CostModel, k: number, kind: ObjectiveKind, prune = true): number[] => {
  const p = makeProblem(cost, k, { kind, batch: 5 }, { pins: [] });
  if (E.isLeft(p)) throw new Error(JSON.stringify(p.left));
  const r = dp.search(p.right, { prune }, rng(0), unlimited, { index: 0, count: 1 });
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return [...r.right.cuts];
};

describe('cost-models/board', () => {
  it('should price the stage at position t with device t\'s profile at position t, on the host\'s constants', () => {
    const g = graphOf('zoo:mobilenet_v1');
    const board = new BoardModel(g, [pcie, usb3, ucm], pcie);
    const n = g.ops.length;
    const onPcie = edgeTpuModel(g, onHost(usb3, pcie));
    expect(board.segmentMs(3, 20, 1)).toBe(onPcie.segmentMs(3, 20, 1));
    expect(board.segment(3, 20, 2)).toEqual(edgeTpuModel(g, onHost(ucm, pcie)).segment(3, 20, 2));
    expect(board.segmentMs(0, n, 0)).toBe(costModel(g, pcie).segmentMs(0, n, 0));
    const row = new Float64Array(n + 1);
    board.segmentMsRow(20, 0, 20, row, 2);
    for (let a = 0; a < 20; a++) expect(row[a]).toBe(board.segmentMs(a, 20, 2));
    expect(board.stageDependent).toBe(true);
    expect(() => board.segmentMs(0, 3, 3)).toThrow(RangeError);
    for (const k of HOST_CONSTANTS) expect(onHost(ucm, pcie).constants[k]).toEqual(pcie.constants[k]);
    expect(onHost(ucm, pcie).constants.convTops).toEqual(ucm.constants.convTops);
    expect(board.positionKey(0)).not.toBe(board.positionKey(1));
    expect(boardName([pcie, usb3, usb3, usb3, ucm])).toBe('edgetpu-pcie,3xedgetpu-usb3,edgetpu-ucm-bench');
  });

  it('should give the homogeneous model itself when every device is the host\'s profile, and the same numbers when built as a board', () => {
    const g = graphOf('zoo:mobilenet_v1');
    const n = g.ops.length;
    for (const p of [usb3, ucm]) {
      const plain = costModel(g, p);
      expect(boardModel(g, [p, p, p, p]).id).toBe(plain.id);
      const forced = new BoardModel(g, [p, p, p, p], p);
      const out = [new Float64Array(SHARED_COUNT), new Float64Array(SHARED_COUNT)];
      for (const [a, b] of [[0, 5], [4, 17], [10, n], [0, n]] as const) {
        for (let t = 0; t < 4; t++) {
          expect(forced.segment(a, b, t)).toEqual(plain.segment(a, b, t));
          forced.sharedMs(a, b, out[0]!, t);
          plain.sharedMs!(a, b, out[1]!);
          expect([...out[0]!]).toEqual([...out[1]!]);
        }
      }
      for (const kind of ['throughput', 'latency', 'batch'] as const) {
        for (const k of [2, 3, 4]) expect([p.name, kind, k, solve(forced, k, kind)]).toEqual([p.name, kind, k, solve(plain, k, kind)]);
      }
    }
  });

  it('should keep dp optimal for a given order of different devices (brute force)', () => {
    const boards: [string, CostProfile[]][] = [
      ['synth:conv?filters=64&layers=8&size=32', [pcie, usb3, ucm, usb3]],
      ['synth:conv?filters=64&layers=8&size=32', [usb3, pcie, pcie]],
      ['synth:fc?neurons=1024&layers=6', [ucm, usb3, pcie, usb3]],
      ['zoo:mobilenet_v1', [usb3, pcie, usb3]],
    ];
    for (const [spec, devices] of boards) {
      const g = graphOf(spec);
      const n = g.ops.length;
      const board = new BoardModel(g, devices, devices[0]!);
      for (const kind of ['throughput', 'latency', 'batch'] as const) {
        for (let k = 2; k <= devices.length; k++) {
          const p = makeProblem(board, k, { kind, batch: 5 }, { pins: [] });
          if (E.isLeft(p)) throw new Error('problem');
          let best: number[] | undefined;
          for (const plan of allPlans(n, k)) if (!best || compareScores(scorePlan(p.right, plan), scorePlan(p.right, best)) < 0) best = plan;
          for (const prune of [true, false]) {
            const cuts = solve(board, k, kind, prune);
            expect([spec, kind, k, prune, compareScores(scorePlan(p.right, cuts), scorePlan(p.right, best!))]).toEqual([spec, kind, k, prune, 0]);
          }
        }
      }
    }
  });

  it('should load a device list and name what is wrong in it', () => {
    const ok = loadDevices('edgetpu-pcie, edgetpu-usb3,edgetpu-usb3');
    expect(E.isRight(ok) && ok.right.map((p) => p.name)).toEqual(['edgetpu-pcie', 'edgetpu-usb3', 'edgetpu-usb3']);
    const bad = loadDevices('edgetpu-pcie,nope.json');
    expect(E.isLeft(bad) && bad.left._tag).toBe('ConfigInvalid');
    const empty = loadDevices('edgetpu-pcie,,edgetpu-usb3');
    expect(E.isLeft(empty) && JSON.stringify(empty.left)).toContain('one per TPU position');
  });
});
