import { tieNote } from '../../src/report/segment-page';
import type { SegmentReport, StrategyResult } from '../../src/search/segment';

const MiB = 1024 * 1024;

/** A finished strategy whose stages take `stageMs` and stream `offMiB` MiB in all. */
function result(strategy: string, stageMs: readonly number[], offMiB: number, cuts: readonly number[]): StrategyResult {
  const max = Math.max(...stageMs);
  const sum = stageMs.reduce((a, b) => a + b, 0);
  return {
    strategy, cuts,
    segments: stageMs.map((ms, i) => ({ firstOp: i, lastOp: i, ops: 1, paramBytes: MiB, onChipBytes: MiB, offChipBytes: i === 0 ? offMiB * MiB : 0, inBytes: 0, outBytes: 0, ms })),
    bottleneckMs: max, latencyMs: sum, batch: 15, msPerInput: (sum + 14 * max) / 15, evaluations: 1, searchMs: 1, tasks: 1, stats: {},
  };
}

const report = (results: StrategyResult[], best: string): SegmentReport => ({
  model: 'zoo:m', tpus: 2, profile: 'p', runner: 'pycoral', objective: 'throughput', results, best, madeFor: { name: 'zoo:m', ops: 2, graphHash: 'h' },
});

describe('report/segment-page tieNote', () => {
  it('should say nothing when no other strategy reaches the best objective value', () => {
    expect(tieNote(report([result('dp', [4, 4], 0, [1]), result('compiler', [6, 2], 0, [1])], 'dp'))).toBe('');
  });

  it('should say that a tie on the objective was broken on off-chip bytes, then latency, then the order listed', () => {
    const r = report([result('dp', [4, 3], 1, [1]), result('greedy', [4, 4], 1, [2]), result('balanced', [4, 2], 3, [3]), result('annealing', [4, 3], 1, [1])], 'dp');
    expect(tieNote(r)).toBe(', tied on the throughput objective (4.000 ms per input) with greedy, balanced, annealing. Ties go to fewer off-chip bytes, then lower latency, ' +
      'then the strategy listed first: balanced streams more from the host (3.00 MiB against 1.00); greedy streams the same and takes longer for one input ' +
      '(8.000 ms against 7.000); annealing found the same plan and is listed after it');
  });
});
