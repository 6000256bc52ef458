import * as E from 'fp-ts/Either';
import { litertReport } from '../../src/validate/litert-report';
import { describeShared, sharedPath } from '../helpers/shared';
import { dpCuts, exportTo, right } from './export-fixture';

/**
 * Must-show of issue 7: every model of ../shared/models that TFLite runs on CPU (MODELS.md "CPU
 * run" L, plus deeplab, whose int64 ARG_MAX output is left out of the comparison), cut by dp into
 * 2, 3 and 4 segments, gives bit-exact outputs in LiteRT.
 */
const MODELS: readonly [file: string, ops: number][] = [
  ['mobilenet_v1_0.25_128_quant.tflite', 31],
  ['mobilenet_v1_0.5_160_quant.tflite', 31],
  ['mobilenet_v1_0.75_192_quant.tflite', 31],
  ['mobilenet_v1_1.0_224_quant_embedding_extractor.tflite', 28],
  ['mobilenet_v1_1.0_224_quant_head_layers.tflite', 3],
  ['mobilenet_v2_1.0_224_quant.tflite', 66],
  ['tf2_mobilenet_v2_1.0_224_ptq.tflite', 68],
  ['mobilenet_edgetpu_0.75_224_post_training_quant.tflite', 79],
  ['deeplabv3_mnv2_dm05_pascal_quant.tflite', 72],
  ['movenet_single_pose_lightning_ptq.tflite', 157],
  ['ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite', 17],
  ['split_concat.tflite', 3],
];

describeShared('validate/litert-report (real models)', () => {
  describe('litertReport', () => {
    for (const [file, ops] of MODELS) {
      for (const tpus of [2, 3, 4]) {
        const spec = sharedPath('models', file);
        if (tpus > ops) {
          it(`should refuse to cut ${file} (${ops} ops) into ${tpus} segments`, () => {
            const r = dpCuts(spec, tpus);
            expect(E.isLeft(r) && (r.left as { _tag: string })._tag).toBe('Infeasible');
          });
          continue;
        }
        it(`should find ${file} cut by dp into ${tpus} segments bit-exact`, async () => {
          const cuts = right(dpCuts(spec, tpus));
          expect(cuts).toHaveLength(tpus - 1);
          const r = right(await litertReport(exportTo(spec, cuts, 'dp'), { seed: 0, samples: 1, repeats: 0 }));
          expect(r.summary).toMatch(/bit for bit/);
          expect(r.verdict).toBe('pass');
          const details = r.details as { outputs: { equal: boolean }[]; checkedOps: number; totalOps: number };
          expect(details.outputs.length).toBeGreaterThan(0);
          expect(details.outputs.every((o) => o.equal)).toBe(true);
          if (file.startsWith('deeplab')) expect([details.checkedOps, details.totalOps]).toEqual([71, 72]);
          else if (file.startsWith('ssd')) expect([details.checkedOps, details.totalOps]).toEqual([16, 17]);
          else expect(details.checkedOps).toBe(ops);
        });
      }
    }
  });
});
