// LiteRT.js reads no int8 graph output: the conv family runs here as its float-output variant (validation bridges int8 ports, src/validate/bridge.ts).
import { checkModel, expectRunsAsWritten, zooSpecs } from './zoo-check';

const SYNTH = [
  'synth:conv?filters=8&layers=1&size=32&output=float',
  'synth:conv?filters=32&layers=5&size=64&output=float',
  'synth:conv?filters=64&layers=10&size=64&output=float',
  'synth:fc?neurons=16&layers=1',
  'synth:fc?neurons=100&layers=5',
  'synth:fc?neurons=1000&layers=5',
];

describe('litert on written zoo and synthetic models', () => {
  describe('runTflite', () => {
    it.each([...zooSpecs('main'), ...SYNTH])('should run %s as written, with the declared outputs, varied and input-dependent', async (spec) => {
      expectRunsAsWritten(await checkModel(spec));
    });
  });
});
