import { checkModel, expectRunsAsWritten, zooSpecs } from './zoo-check';

// `npm run test:slow`: the zoo models above MAIN_SUITE_PARAM_BYTES (ResNets, VGGs, Inception v3/v4,
// Inception-ResNet v2, Xception, DenseNet-169/201, EfficientNet-EdgeTPU L), written and run in LiteRT.
describe('litert on written zoo models (large)', () => {
  describe('runTflite', () => {
    it.each(zooSpecs('slow'))('should run %s as written, with the declared outputs, varied and input-dependent', async (spec) => {
      expectRunsAsWritten(await checkModel(spec));
    });
  });
});
