import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../experiments/load';
import { liveCatalog } from '../../src/experiments/catalog-live';

const DIR = path.resolve(__dirname, '../../experiments');
const shipped = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('experiments/*.json', () => {
  it('should ship the three tables of the paper', () => {
    expect(shipped).toEqual(expect.arrayContaining(['single-tpu.json', 'multi-tpu.json', 'synthetic.json']));
  });

  it.each(shipped)('should load %s with the real registries', (file) => {
    const r = loadConfig(path.join(DIR, file), liveCatalog(process.cwd()));
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
    expect(r.right.expansion.cells.length).toBeGreaterThan(0);
  });

  it('should cover the models, TPU counts and strategies table 2 asks for', () => {
    const r = loadConfig(path.join(DIR, 'multi-tpu.json'), liveCatalog(process.cwd()));
    if (E.isLeft(r)) throw new Error('multi-tpu.json does not load');
    const cells = r.right.expansion.cells;
    expect(new Set(cells.map((c) => c.model))).toEqual(new Set(['inception_v3', 'inception_v4', 'resnet50_v1', 'resnet101_v1', 'resnet152_v1',
      'densenet121', 'densenet201', 'xception', 'vgg16', 'efficientnet_edgetpu_l'].map((m) => `zoo:${m}`)));
    expect([...new Set(cells.map((c) => c.tpus))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...new Set(cells.map((c) => c.strategy))]).toEqual(['compiler', 'profiling', 'balanced', 'dp', 'greedy', 'annealing']);
    expect(new Set(cells.map((c) => c.batch))).toEqual(new Set([15]));
  });
});
