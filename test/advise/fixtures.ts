import type { CostModel, SegmentCost } from '../../cost-models/types';
import { rng as seeded } from '../../src/rng';
import { randomGraph } from '../search/fixtures';

/**
 * A table cost model with every term a layout can use, drawn at random from a seed: a per-range
 * time with a part scaled by a factor per board position (positions with equal factors are alike),
 * demands on the interpreter lock, a shared link and host CPU, off-chip bytes, first invokes, the
 * runner's work for a stage and the handoff at every cut. Small integers make ties common.
 */
export interface BoardTables {
  readonly n: number;
  readonly factors: readonly number[];
  readonly cores: number;
  readonly shared: boolean;
}

export function boardCost(n: number, seed: string, opts: { factors?: readonly number[]; shared?: boolean; cores?: number; runner?: 'pycoral' | 'python-threads' } = {}): CostModel {
  const r = seeded(`board-${seed}`);
  const graph = randomGraph(n, r);
  const W = n + 1;
  const base = new Float64Array(W * W);
  const part = new Float64Array(W * W);
  const dem = new Float64Array(W * W * 3);
  const off = new Float64Array(W * W);
  const first = new Float64Array(W * W);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b <= n; b++) {
      base[a * W + b] = 1 + r.int(0, 6);
      part[a * W + b] = r.int(0, 4);
      for (let s = 0; s < 3; s++) dem[(a * W + b) * 3 + s] = opts.shared && r.next() < 0.5 ? r.int(0, 3) : 0;
      off[a * W + b] = r.int(0, 2) * 1000;
      first[a * W + b] = r.int(0, 9);
    }
  }
  const handoff = Array.from({ length: W }, () => (opts.shared ? r.int(0, 2) * 0.5 : 0));
  const factors = opts.factors ?? [1];
  const factor = (t: number): number => factors[Math.min(t, factors.length - 1)]!;
  const ms = (a: number, b: number, t = 0): number => base[a * W + b]! + part[a * W + b]! * factor(t);
  const python = opts.runner === 'python-threads';
  const segment = (a: number, b: number, t = 0): SegmentCost => {
    const d = (s: number): number => dem[(a * W + b) * 3 + s]!;
    return {
      firstOp: a, lastOp: b - 1, ops: b - a, paramBytes: 0, onChipBytes: 0, offChipBytes: off[a * W + b]!,
      computeMs: 0, streamMs: 0, inBytes: 0, outBytes: 0, inMs: 0, outMs: 0, fixedMs: 0, hopMs: 0,
      cpuOps: [], cpuMs: 0, gilMs: d(0), linkMs: d(1), hostCpuMs: d(2), firstMs: first[a * W + b]!, ms: ms(a, b, t),
    };
  };
  return {
    id: 'board-table',
    profile: 'board-table',
    graph,
    pipeline: { runner: python ? 'python-threads' : 'pycoral', hostCores: opts.cores ?? 2, freshRunner: false },
    stageDependent: new Set(factors).size > 1,
    hasShared: opts.shared === true,
    segment,
    segmentMs: ms,
    offChipBytes: (a, b) => off[a * W + b]!,
    sharedMs: (a, b, out) => {
      for (let s = 0; s < 3; s++) out[s] = dem[(a * W + b) * 3 + s]!;
    },
    firstMs: (a, b) => first[a * W + b]!,
    positionKey: (t) => String(factor(t)),
    runnerStageMs: () => 0.5,
    handoffMs: (cut) => handoff[cut]!,
  };
}
