import * as E from 'fp-ts/Either';
import { main } from '../../src/cli/main';
import { segmentModel } from '../../src/search/segment';
import { captureIo } from '../helpers/io';
import { describeShared, sharedPath } from '../helpers/shared';

describeShared('search on a model the compiler cannot map whole (DeepLab v3)', () => {
  const model = sharedPath('models', 'deeplabv3_mnv2_dm05_pascal_quant.tflite');

  it.each([2, 3, 4])('should give every TPU a stage with ops the compiler maps (N = %i)', async (tpus) => {
    const r = await segmentModel({ model, tpus, strategies: ['dp', 'greedy'], workers: 0 });
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
    for (const res of r.right.results) {
      if ('error' in res) throw new Error(res.error);
      expect([res.strategy, res.segments.map((s) => (s.tpuOps ?? 0) > 0)]).toEqual([res.strategy, res.segments.map(() => true)]);
    }
  });

  it('should predict the whole model with its last 8 ops on the host', async () => {
    const c = captureIo(process.cwd());
    expect(await main(['predict', model, '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join('\n'));
    expect(r.segments[0]).toMatchObject({ ops: 72, tpuOps: 64 });
  });

  it('should refuse the compiled twin in predict and segment, naming the source model (exit 2)', async () => {
    const twin = sharedPath('models', 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite');
    for (const argv of [['predict', twin], ['segment', twin, '--tpus', '2', '--workers', '0']]) {
      const c = captureIo(process.cwd());
      expect(await main(argv, c.io)).toBe(2);
      expect(c.out).toEqual([]);
      expect(c.err).toEqual([expect.stringMatching(/already compiled for the Edge TPU .*give the source model, deeplabv3_mnv2_dm05_pascal_quant\.tflite, instead$/)]);
    }
  });
});
