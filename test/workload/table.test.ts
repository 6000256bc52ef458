import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { loadWorkloadTable, workloadTable, type WorkloadTableConfig } from '../../src/workload/table';
import { captureIo } from '../helpers/io';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

describe('table 5: workloads', () => {
  it('should put the advised assignment at or above both obvious ones, on no more TPUs when it meets the targets', () => {
    const config: WorkloadTableConfig = {
      name: 'w',
      workloads: [
        { name: 'two', models: [{ model: 'zoo:mobilenet_v2', rate: 200 }, { model: 'zoo:resnet50_v1', rate: 40 }] },
        { name: 'three', models: [{ model: 'zoo:mobilenet_v1', rate: 100 }, { model: 'zoo:mobilenet_v2', rate: 100 }, { model: 'zoo:efficientnet_edgetpu_s', rate: 50 }] },
      ],
      tpus: [2, 4],
    };
    const t = right(workloadTable(config));
    expect(t.rows.map((r) => [r.workload, r.tpus])).toEqual([['two', 2], ['two', 4], ['three', 2], ['three', 4]]);
    for (const r of t.rows) {
      // The search is exact and both obvious assignments are among those it weighs.
      expect(r.bestOnK.ratio).toBeGreaterThanOrEqual(r.coCompiled.ratio - 1e-12);
      if (r.alone) expect(r.bestOnK.ratio).toBeGreaterThanOrEqual(r.alone.ratio - 1e-12);
      expect(r.coCompiled.tpus).toBe(r.tpus);
      if (r.met) {
        expect(r.advised.ratio).toBeGreaterThanOrEqual(1);
        for (const o of [r.alone, r.coCompiled]) if (o && o.ratio >= 1) expect(r.advised.tpus).toBeLessThanOrEqual(o.tpus);
      } else {
        expect(r.advised.ratio).toBe(r.bestOnK.ratio);
        expect(r.reasoning).toMatch(/^the targets cannot be met/);
      }
    }
    // Three models on two TPUs: none can run alone on K / m of them.
    expect(t.rows[2]!.alone).toBeUndefined();
  });

  it('should load the shipped table and write it with tpuseg reproduce workload', async () => {
    const shipped = right(loadWorkloadTable(path.resolve(__dirname, '../../experiments/workload/table.json')));
    expect(shipped.tpus).toEqual([4, 8]);
    expect(shipped.workloads.map((w) => w.models.length).sort()).toEqual(expect.arrayContaining([2, 3]));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-table5-'));
    const c = captureIo(dir);
    expect(await main(['reproduce', 'workload', '--out', 'out'], c.io)).toBe(0);
    const md = fs.readFileSync(path.join(dir, 'out', 'workload', 'workload.md'), 'utf8');
    expect(md).toContain('| workload (targets) | TPUs | advised | TPUs used | lowest achieved / target (80% band) | targets met | best on all TPUs | each alone on K/m | TPUs used | all co-compiled on every TPU |');
    expect(md.split('\n').filter((l) => /^\| \w.*\| [48] \|/.test(l))).toHaveLength(shipped.workloads.length * 2);
    expect(fs.readFileSync(path.join(dir, 'out', 'index.html'), 'utf8')).toContain('Table 5: several of table 2');
    expect(c.out.join('\n')).toMatch(/^workload: 8 rows \(4 workloads on 4 and 8 TPUs\)/m);
  });

  it('should refuse a table config in one line naming the field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-table5-'));
    const f = path.join(dir, 't.json');
    fs.writeFileSync(f, JSON.stringify({ name: 'w', workloads: [{ name: 'a', models: [{ model: 'zoo:mobilenet_v2', rate: 0 }] }], tpus: [4] }));
    const r = loadWorkloadTable(f);
    expect(E.isLeft(r) && r.left._tag === 'ConfigInvalid' ? r.left.problems : []).toEqual(['workloads[0].models[0].rate: expected a positive number, got 0']);
  });
});
