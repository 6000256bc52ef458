import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { loadModel, sharedModelBytes } from '../../src/model/load';
import { createSearchPool } from '../../src/search/pool';
import { modelLoads, runWorkerTask } from '../../src/search/worker';
import { captureIo } from '../helpers/io';

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

describe('search/worker: a file model shared with worker threads', () => {
  it('should read a model file into shared memory once, and parse those bytes in a pool thread without the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-shared-'));
    const file = path.join(dir, 'fc.tflite');
    expect(await main(['export-model', 'synth:fc?neurons=64&layers=3', '-o', file], captureIo(dir).io)).toBe(0);
    const graph = loadModel(file);
    if (E.isLeft(graph)) throw new Error('unreadable');
    const bytes = sharedModelBytes(graph.right)!;
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(bytes.length).toBe(fs.statSync(file).size);
    const fileTask = { ...task, model: file };
    const here = runWorkerTask(fileTask);
    fs.rmSync(file);
    expect(runWorkerTask({ ...fileTask, model: path.join(dir, 'gone.tflite') })._tag).toBe('Left');
    const pool = createSearchPool(1);
    try {
      const there = await pool.run({ ...fileTask, modelBytes: bytes });
      expect(there._tag).toBe('Right');
      expect(there._tag === 'Right' && here._tag === 'Right' && there.cuts).toEqual(here._tag === 'Right' && here.cuts);
    } finally {
      await pool.close();
    }
  });
});
