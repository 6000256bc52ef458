import type { CellParams } from '../../src/experiments/cell';
import type { CellRecord } from '../../src/experiments/store';

/** A finished cell with hand-picked stage times (ms); msPerInput = (sum + 14 max) / 15. */
export function cellRecord(model: string, tpus: number, strategy: string, stageMs: readonly number[], extra: Partial<CellParams> = {}): CellRecord {
  const sum = stageMs.reduce((a, b) => a + b, 0);
  const max = Math.max(...stageMs);
  const params: CellParams = { model, tpus, strategy, options: {}, label: strategy, profile: 'p', objective: 'throughput', batch: 15, seed: 0, budget: {}, ...extra };
  return {
    cell: `${model}/${tpus}/${strategy}/${params.profile}`, tool: 't', config: 'c', profileHash: 'h', params,
    modelOps: 10, modelParamBytes: 3 * 1024 * 1024, modelInput: [224, 224, 3],
    result: {
      strategy, cuts: stageMs.slice(1).map((_, i) => i + 1),
      segments: stageMs.map((ms, i) => ({ firstOp: i, lastOp: i, ops: 1, paramBytes: 1024 * 1024, onChipBytes: 1024 * 1024, offChipBytes: 0, inBytes: 0, outBytes: 0, ms })),
      bottleneckMs: max, latencyMs: sum, batch: 15, msPerInput: (sum + 14 * max) / 15,
    },
  };
}
