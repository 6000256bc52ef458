import * as E from 'fp-ts/Either';
import { calibrationModel } from '../../src/calibrate/models';

describe('calibrate/models', () => {
  describe('calibrationModel', () => {
    it('should build the fc family with a given number of inputs', () => {
      const g = calibrationModel('calib:fc?neurons=2&layers=5&inputs=6912');
      if (E.isLeft(g)) throw new Error('build');
      const fcs = g.right.ops.filter((o) => o.type === 'FULLY_CONNECTED');
      expect(fcs.map((o) => g.right.tensors[o.inputs[1]!]!.shape)).toEqual([[2, 6912], [2, 2], [2, 2], [2, 2], [2, 2], [10, 2]]);
      expect(g.right.tensors[g.right.inputs[0]!]!.dtype).toBe('float32');
    });

    it('should pass other specs to loadModel and reject a malformed calib: spec', () => {
      expect(E.isRight(calibrationModel('synth:fc?neurons=4&layers=2'))).toBe(true);
      const bad = calibrationModel('calib:fc?neurons=2');
      expect(E.isLeft(bad) && bad.left._tag).toBe('Usage');
    });
  });
});
