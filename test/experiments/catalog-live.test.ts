import * as E from 'fp-ts/Either';
import { decodeConfig } from '../../experiments/load';
import * as _ from '../../src/experiments/catalog-live';

const catalog = _.liveCatalog(process.cwd());

describe('experiments/catalog-live', () => {
  describe('liveCatalog', () => {
    it('should accept zoo, synth and the fixed layer split', () => {
      expect(catalog.checkModel('zoo:resnet50_v1@299')).toBeUndefined();
      expect(catalog.checkModel('synth:conv?filters=32')).toBeUndefined();
      expect(catalog.checkStrategy('layers', {})).toEqual([]);
      expect(catalog.checkStrategy('annealing', {})).toEqual([]);
      expect(catalog.checkProfile('edgetpu-pcie')).toBeUndefined();
    });

    it('should reject real mistakes with the registries\' own messages, by path', () => {
      const r = decodeConfig({
        name: 'x',
        models: ['zoo:resnet51', 'synth:conv?filters=0', 'zoo:vgg16@10', 'missing.tflite'],
        strategies: ['dp', 'quantum', { name: 'layers', options: { k: 1 } }, { name: 'annealing', options: { restartz: 2 } }],
        profile: 'edgetpu-usb9',
      }, 'x.json', catalog, '/nonexistent-dir');
      if (E.isRight(r) || r.left._tag !== 'ConfigInvalid') throw new Error('config was accepted');
      const p = r.left.problems;
      expect(p[0]).toMatch(/^profile: .*no such file \(built-in profiles: edgetpu-usb3, edgetpu-pcie, edgetpu-ucm-bench\)$/);
      expect(p[1]).toMatch(/^strategies\[1\]\.name: unknown strategy "quantum" \(known: compiler, profiling, balanced, dp, greedy, annealing/);
      expect(p[2]).toBe('strategies[2].options: the fixed split "layers" takes no options');
      expect(p[3]).toMatch(/^strategies\[3\]\.options: annealing: unknown option "restartz"/);
      expect(p[4]).toMatch(/^models\[0\]: unknown zoo model "resnet51"/);
      expect(p[5]).toMatch(/^models\[1\]: synth:conv\?filters=0: parameter "filters" must be a positive integer, got "0"/);
      expect(p[6]).toMatch(/^models\[2\]: zoo:vgg16@10: input size 10 is too small for vgg16 \(minimum \d+\)$/);
      expect(p[7]).toBe('models[3]: no such model file /nonexistent-dir/missing.tflite (or give zoo:NAME / synth:FAMILY?...)');
      expect(p).toHaveLength(8);
    });
  });

  describe('profileHash', () => {
    it('should be stable for a profile and differ between profiles', () => {
      expect(_.profileHash('edgetpu-usb3')).toBe(_.profileHash('edgetpu-usb3'));
      expect(_.profileHash('edgetpu-usb3')).not.toBe(_.profileHash('edgetpu-pcie'));
    });
  });
});
