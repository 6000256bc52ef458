import * as E from 'fp-ts/Either';
import * as _ from '../../src/experiments/expand';
import type { Catalog } from '../../src/experiments/catalog';
import { ExperimentConfig, withDefaults } from '../../experiments/schema';

const catalog: Catalog = {
  zooNames: () => ['a', 'b', 'c'],
  checkModel: () => undefined,
  checkStrategy: () => [],
  checkProfile: () => undefined,
};

const resolved = (raw: unknown) => {
  const d = ExperimentConfig.decode(raw);
  if (E.isLeft(d)) throw new Error('test config does not decode');
  return withDefaults(d.right);
};

const cellsOf = (raw: unknown) => {
  const r = _.expand(resolved(raw), catalog, '/');
  if (E.isLeft(r)) throw new Error(r.left.join('; '));
  return r.right.cells;
};

describe('experiments/expand', () => {
  describe('expand', () => {
    it('should nest models, profiles, TPU counts, seeds and strategies in that order', () => {
      const cells = cellsOf({ name: 'x', models: ['zoo:a', 'zoo:b'], tpus: { from: 1, to: 2 }, strategies: ['s', 't'], profile: ['p', 'q'] });
      expect(cells.map((c) => `${c.model} ${c.profile} ${c.tpus} ${c.strategy}`)).toEqual([
        'zoo:a p 1 s', 'zoo:a p 1 t', 'zoo:a p 2 s', 'zoo:a p 2 t', 'zoo:a q 1 s', 'zoo:a q 1 t', 'zoo:a q 2 s', 'zoo:a q 2 t',
        'zoo:b p 1 s', 'zoo:b p 1 t', 'zoo:b p 2 s', 'zoo:b p 2 t', 'zoo:b q 1 s', 'zoo:b q 1 t', 'zoo:b q 2 s', 'zoo:b q 2 t',
      ]);
    });

    it('should unroll zoo:* and synth sweeps into specs (first key outermost)', () => {
      const cells = cellsOf({
        name: 'x', strategies: ['s'],
        models: ['zoo:*', { model: 'synth:conv?layers=5', sweep: { filters: { from: 32, to: 52, step: 10 }, size: [64, 32] } }],
      });
      expect(cells.map((c) => c.model)).toEqual([
        'zoo:a', 'zoo:b', 'zoo:c',
        'synth:conv?layers=5&filters=32&size=64', 'synth:conv?layers=5&filters=32&size=32',
        'synth:conv?layers=5&filters=42&size=64', 'synth:conv?layers=5&filters=42&size=32',
        'synth:conv?layers=5&filters=52&size=64', 'synth:conv?layers=5&filters=52&size=32',
      ]);
    });

    it('should fill {placeholders} with sweep values, in any kind of spec', () => {
      const cells = cellsOf({ name: 'x', strategies: ['s'], models: [
        { model: 'calib:fc?neurons={x}&layers=5&inputs=6912', sweep: { x: [2, 22] } },
        { model: 'models/m_{v}.tflite', sweep: { v: ['a', 'b'] } },
      ] });
      expect(cells.map((c) => c.model)).toEqual([
        'calib:fc?neurons=2&layers=5&inputs=6912', 'calib:fc?neurons=22&layers=5&inputs=6912', 'models/m_a.tflite', 'models/m_b.tflite',
      ]);
    });

    it('should sweep zoo input sizes and take per-model TPU counts', () => {
      const cells = cellsOf({ name: 'x', strategies: ['s'], tpus: 8, models: [{ model: 'zoo:a', sweep: { size: [224, 299] }, tpus: [1, 3] }, 'zoo:b'] });
      expect(cells.map((c) => `${c.model}/${c.tpus}`)).toEqual(['zoo:a@224/1', 'zoo:a@224/3', 'zoo:a@299/1', 'zoo:a@299/3', 'zoo:b/8']);
    });

    it('should give the same id to the same cell in any config and drop duplicates', () => {
      const one = cellsOf({ name: 'x', models: ['zoo:a'], tpus: [2], strategies: ['s'] });
      const two = cellsOf({ name: 'y', models: ['zoo:b', 'zoo:a', 'zoo:a'], tpus: [2, 2], strategies: ['s'] });
      expect(two).toHaveLength(2);
      expect(two[1]!.id).toBe(one[0]!.id);
      expect(new Set(two.map((c) => c.id)).size).toBe(2);
    });

    it('should give different ids when options, seed or budget differ', () => {
      const ids = [
        cellsOf({ name: 'x', models: ['zoo:a'], strategies: ['s'] })[0]!.id,
        cellsOf({ name: 'x', models: ['zoo:a'], strategies: [{ name: 's', options: { k: 1 } }] })[0]!.id,
        cellsOf({ name: 'x', models: ['zoo:a'], strategies: ['s'], seeds: 1 })[0]!.id,
        cellsOf({ name: 'x', models: ['zoo:a'], strategies: ['s'], budget: { timeMs: 10 } })[0]!.id,
      ];
      expect(new Set(ids).size).toBe(4);
    });
  });
});
