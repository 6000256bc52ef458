import { modelLoads, runWorkerTask } from '../../src/search/worker';

const task = {
  model: 'zoo:mobilenet_v1', profile: 'edgetpu-usb3', tpus: 3, objective: { kind: 'throughput' as const, batch: 15 },
  constraints: { pins: [] }, strategy: 'dp', options: undefined, seed: 1, index: 0, count: 1, timeBudgetMs: 60_000,
};

describe('search/worker', () => {
  describe('runWorkerTask', () => {
    it('should build a model once per (model, profile) and reuse it for later tasks', () => {
      const before = modelLoads();
      const a = runWorkerTask(task);
      const b = runWorkerTask({ ...task, strategy: 'greedy' });
      expect(a._tag).toBe('Right');
      expect(b._tag).toBe('Right');
      expect(modelLoads() - before).toBe(1);
      runWorkerTask({ ...task, profile: 'edgetpu-pcie' });
      expect(modelLoads() - before).toBe(2);
    });

    it('should return failures as values, never throw', () => {
      expect(runWorkerTask({ ...task, model: 'zoo:nope' })._tag).toBe('Left');
      expect(runWorkerTask({ ...task, strategy: 'nope' })).toMatchObject({ _tag: 'Left', error: { _tag: 'Usage' } });
      expect(runWorkerTask({ ...task, options: { bad: 1 } })).toMatchObject({ _tag: 'Left', error: { _tag: 'ConfigInvalid' } });
    });
  });
});
