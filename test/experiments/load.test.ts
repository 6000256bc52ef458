import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as _ from '../../experiments/load';
import type { Catalog } from '../../src/experiments/catalog';

// A catalog with a known, small world, so the expected problems can be written by hand.
const catalog: Catalog = {
  zooNames: () => ['resnet50_v1', 'vgg16'],
  checkModel: (spec) => {
    if (spec.startsWith('zoo:')) {
      const name = spec.slice(4).split('@')[0]!;
      return ['resnet50_v1', 'vgg16'].includes(name) ? undefined : `unknown zoo model "${name}"`;
    }
    if (spec.startsWith('synth:')) return /^synth:(conv|fc)(\?|$)/.test(spec) ? undefined : 'unknown synthetic family';
    return fs.existsSync(spec) ? undefined : 'no such file';
  },
  checkStrategy: (name, options) => {
    if (!['compiler', 'dp', 'annealing'].includes(name)) return [['name', `unknown strategy "${name}"`]];
    return Object.keys(options).filter((k) => name !== 'annealing' || k !== 'restarts').map((k) => [`options.${k}`, 'unknown option'] as const);
  },
  checkProfile: (p) => (['edgetpu-usb3', 'edgetpu-pcie'].includes(p) ? undefined : `unknown profile "${p}"`),
};

const good = { name: 't', models: ['zoo:resnet50_v1'], tpus: [1, 2], strategies: ['dp'] };

const problems = (raw: unknown): readonly string[] => {
  const r = _.decodeConfig(raw, 'c.json', catalog, '/nowhere');
  if (E.isRight(r)) return [];
  return r.left._tag === 'ConfigInvalid' ? r.left.problems : [r.left._tag];
};

describe('experiments/load', () => {
  describe('decodeConfig', () => {
    it('should accept a minimal config and fill the defaults', () => {
      const r = _.decodeConfig(good, 'c.json', catalog, '/nowhere');
      expect(E.isRight(r)).toBe(true);
      if (E.isLeft(r)) return;
      expect(r.right.config.profiles).toEqual(['edgetpu-usb3']);
      expect(r.right.config.batch).toBe(15);
      expect(r.right.config.objective).toBe('throughput');
      expect(r.right.expansion.cells.map((c) => c.tpus)).toEqual([1, 2]);
    });

    // A dozen wrong configs, each with exactly the problems (and JSON paths) it must produce.
    const cases: readonly [string, unknown, readonly string[]][] = [
      ['not an object', [1, 2], ['(top level): expected an experiment config object, got [1,2]']],
      ['missing required fields', { name: 'x' }, ['models: missing (a non-empty list)', 'strategies: missing (a non-empty list)']],
      ['a string TPU count in a model', { ...good, models: ['zoo:vgg16', 'zoo:vgg16', { model: 'zoo:resnet50_v1', tpus: '8' }] },
        ['models[2].tpus: expected a positive integer, got "8"']],
      ['a zero inside a TPU list', { ...good, tpus: [1, 0, 3] }, ['tpus[1]: expected a positive integer, got 0']],
      ['an empty TPU range', { ...good, tpus: { from: 8, to: 1 } }, ['tpus: range is empty (from 8 > to 1)']],
      ['an unknown field', { ...good, tpu: 4 }, ['tpu: unknown field (allowed: name, models, strategies, description, tpus, profile, objective, runner, batch, seeds, budget, outputs)']],
      ['a bad objective and batch', { ...good, objective: 'speed', batch: 1.5 },
        ['objective: expected one of "throughput", "batch", "latency", got "speed"', 'batch: expected a positive integer, got 1.5']],
      ['an unknown zoo model', { ...good, models: ['zoo:resnet51'] }, ['models[0]: unknown zoo model "resnet51"']],
      ['a missing file', { ...good, models: ['zoo:vgg16', { model: 'missing.tflite' }] }, ['models[1].model: no such file']],
      ['a bad sweep value', { ...good, models: [{ model: 'synth:conv', sweep: { filters: [32, null] } }] },
        ['models[0].sweep.filters[1]: expected a number or a string, got null']],
      ['a zoo sweep over something other than size', { ...good, models: [{ model: 'zoo:vgg16', sweep: { depth: [1] } }] },
        ['models[0].sweep: a zoo model can only sweep "size" (or {placeholders} in its spec), not "depth"']],
      ['unknown strategy and option', { ...good, strategies: ['dp', 'magic', { name: 'annealing', options: { restarts: 2, temp: 1 } }] },
        ['strategies[1].name: unknown strategy "magic"', 'strategies[2].options.temp: unknown option']],
      ['a duplicate strategy label', { ...good, strategies: ['dp', { name: 'dp', options: {} }] },
        ['strategies[1]: label "dp" is already used by strategies[0] (give one a "label")']],
      ['bad seeds and outputs and an unknown profile, all in one pass', { ...good, profile: ['edgetpu-usb3', 'usb9'], seeds: [-1], outputs: { tables: ['pie'] } },
        ['seeds[0]: expected a non-negative integer, got -1', 'outputs.tables[0]: expected one of "single-tpu", "multi-tpu", "synthetic", "cells", got "pie"', 'profile[1]: unknown profile "usb9"']],
      ['a bad entry beside an unknown model and strategy, all in one pass', { ...good, models: [42, 'zoo:resnet51'], strategies: ['dp', 'magic', 7] },
        ['models[0]: expected a non-empty string, got 42', 'strategies[2]: expected a non-empty string, got 7', 'strategies[1].name: unknown strategy "magic"', 'models[1]: unknown zoo model "resnet51"']],
      ['an unknown profile alone', { ...good, profile: ['edgetpu-usb3', 'usb9'] }, ['profile[1]: unknown profile "usb9"']],
      ['a bad model entry', { ...good, models: [42, { spec: 'zoo:vgg16' }] },
        ['models[0]: expected a non-empty string, got 42', 'models[1].model: missing (a non-empty string)', 'models[1].spec: unknown field (allowed: model, sweep, tpus, runner, freshRunner)']],
    ];
    it.each(cases)('should reject %s with every problem by path', (_what, raw, expected) => {
      expect(problems(raw)).toEqual(expected);
    });

    it('should resolve model files against the config directory', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cfg-'));
      fs.writeFileSync(path.join(dir, 'm.tflite'), '');
      const r = _.decodeConfig({ ...good, models: ['m.tflite'] }, 'c.json', catalog, dir);
      expect(E.isRight(r) && r.right.expansion.models).toEqual(['m.tflite']);
      fs.rmSync(dir, { recursive: true });
    });
  });

  describe('loadConfig', () => {
    it('should report invalid JSON as a config problem and a missing file as a file error (exit 2, "no such file")', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-cfg-'));
      const file = path.join(dir, 'bad.json');
      fs.writeFileSync(file, '{ "name": ');
      const bad = _.loadConfig(file, catalog);
      expect(E.isLeft(bad) && bad.left._tag).toBe('ConfigInvalid');
      const missing = _.loadConfig(path.join(dir, 'none.json'), catalog);
      expect(E.isLeft(missing) && missing.left).toEqual({ _tag: 'FileError', file: path.join(dir, 'none.json'), message: 'no such file' });
      fs.rmSync(dir, { recursive: true });
    });
  });
});
