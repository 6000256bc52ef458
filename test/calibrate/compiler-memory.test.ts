import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProfile } from '../../cost-models';
import { compilerMemory } from '../../src/calibrate/compiler-memory';
import { describeShared, SHARED } from '../helpers/shared';

describeShared('calibrate/compiler-memory on the released real CNN segments', () => {
  const file = path.join(SHARED, 'data', 'compiler-memory', 'keras-segments.csv');
  const profile = loadProfile('edgetpu-ucm-bench');
  if (E.isLeft(profile)) throw new Error('built-in profile failed to load');
  const result = compilerMemory(fs.readFileSync(file, 'utf8'), file, profile.right, 0.5);
  const rows = E.isRight(result) ? result.right.rows : [];
  const miss = (r: (typeof rows)[number]): number => Math.abs(r.predictedOffChipMiB - r.offChipMiB);

  it('should predict the ResNet segments that run to the output and overflow the cache to 0.2 MiB: the first conv past the cached prefix is cached in part', () => {
    const last: Record<string, number> = { 'zoo:resnet50_v1': 76, 'zoo:resnet101_v1': 144 };
    const over = rows.filter((r) => r.lastOp === last[r.model] && r.offChipMiB > 0);
    expect(over.length).toBe(11);
    for (const r of over) expect([r.model, r.firstOp, r.lastOp, miss(r) <= 0.2]).toEqual([r.model, r.firstOp, r.lastOp, true]);
  });

  it('should keep every DenseNet-201 segment that fits (streaming only its batch-norm constants) to 0.001 MiB', () => {
    const fits = rows.filter((r) => r.model === 'zoo:densenet201' && r.offChipMiB < 1);
    expect(fits.length).toBe(10);
    for (const r of fits) expect(miss(r)).toBeLessThan(0.001);
  });

  it('should predict the DenseNet-201 segments that overflow the cache to 0.2 MiB: their batch-norm constants stream at a quarter of their size beside the streamed layers', () => {
    const over = rows.filter((r) => r.model === 'zoo:densenet201' && r.offChipMiB >= 1);
    expect(over.map((r) => r.firstOp)).toEqual([173, 263, 323, 347]);
    for (const r of over) expect([r.firstOp, miss(r) <= 0.2]).toEqual([r.firstOp, true]);
  });

  it('should put at least 38 of the 42 segments within 0.5 MiB (41: only the resnet101 ops 133-136 log line, explained in the report, is missed)', () => {
    expect(E.isRight(result)).toBe(true);
    const within = result._tag === 'Right' ? result.right.within : 0;
    expect(within).toBeGreaterThanOrEqual(38);
    expect(rows.filter((r) => miss(r) > 0.5).map((r) => `${r.model} ${r.firstOp}-${r.lastOp}`)).toEqual(['zoo:resnet101_v1 133-136']);
  });
});
