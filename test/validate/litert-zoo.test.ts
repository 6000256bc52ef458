import { rangeIndex } from '../../src/graph/cuts';
import { loadModel } from '../../src/model/load';
import { litertReport } from '../../src/validate/litert-report';
import type { LitertValidation } from '../../src/validate/litert';
import { dpCuts, exportTo, right } from './export-fixture';

/** Must-show of issue 7 on zoo models (int8 inside, int8 tensors at every boundary). */
const opts = { seed: 0, samples: 1, repeats: 0 };

describe('validate/litert-report (zoo models)', () => {
  describe('litertReport', () => {
    for (const name of ['resnet50_v1', 'inception_v3']) {
      it(`should find zoo:${name} cut by dp into 4 segments bit-exact`, async () => {
        const cuts = right(dpCuts(`zoo:${name}`, 4));
        const r = right(await litertReport(exportTo(`zoo:${name}`, cuts, 'dp'), opts));
        expect(r.verdict).toBe('pass');
        expect(r.segments).toHaveLength(4);
        expect((r.details as LitertValidation).bridges.every((b) => b.exact)).toBe(true);
      });
    }

    it('should find zoo:densenet121 bit-exact with every cut crossing several tensors', async () => {
      const g = right(loadModel('zoo:densenet121'));
      const idx = rangeIndex(g);
      const n = g.ops.length;
      // The first cut at or after n/4, n/2 and 3n/4 that crosses two or more tensors.
      const cuts = [1, 2, 3].map((q) => {
        let c = Math.floor((q * n) / 4);
        while (idx.crossing(c).length < 2) c++;
        return c;
      });
      const x = exportTo('zoo:densenet121', cuts);
      expect(x.manifest.segments.slice(1).every((s) => s.inputs.length >= 2)).toBe(true);
      const r = right(await litertReport(x, opts));
      expect(r.verdict).toBe('pass');
    });
  });
});
