import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { firstDifference, modelDetails, openTflite, runTflite, seededInputs, type TfliteArray } from '../../src/litert';
import type { TpusegError } from '../../src/errors';
import { readTflite } from '../../src/tflite/reader';
import { writeTflite } from '../../src/tflite/writer';
import { describeShared, hasShared, sharedPath } from '../helpers/shared';

const right = <A>(r: E.Either<TpusegError, A>): A => {
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
};

/** MODELS.md's files with their "CPU run" column; "L" there means LiteRT.js runs the file. */
function catalogue(): { file: string; liteRt: boolean }[] {
  if (!hasShared) return [];
  return fs.readFileSync(sharedPath('models', 'MODELS.md'), 'utf8').split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map((c) => ({ file: c[1]!.replace(/`/g, ''), liteRt: /^L\b/.test(c[8]!) }))
    .filter((m) => fs.existsSync(sharedPath('models', m.file)));
}

const MODELS = catalogue();
/**
 * MODELS.md marks the SSD head "L", but its TFLite_Detection_PostProcess outputs declare no
 * shape, so LiteRT.js overruns them; the harness refuses such files (checked below).
 */
const shapeless = (file: string): boolean =>
  right(modelDetails(new Uint8Array(fs.readFileSync(sharedPath('models', file))), file)).outputs.some((t) => t.shape.length === 0);
const RUNNABLE = MODELS.filter((m) => m.liteRt && !shapeless(m.file)).map((m) => m.file);
const SHAPELESS = MODELS.filter((m) => m.liteRt && shapeless(m.file)).map((m) => m.file);
const REFUSED = MODELS.filter((m) => !m.liteRt).map((m) => m.file);
const SAMPLES = [1, 2];

async function outputs(bytes: Uint8Array, label: string): Promise<TfliteArray[][]> {
  const s = right(await openTflite(bytes, label));
  try {
    const runs: TfliteArray[][] = [];
    for (const seed of SAMPLES) runs.push(right(await s.run(seededInputs(s.details.inputs, seed))));
    return runs;
  } finally {
    s.close();
  }
}

describeShared('litert on the real models in ../shared/models', () => {
  describe('runTflite', () => {
    it('should find the models MODELS.md marks as run by LiteRT', () => {
      expect(RUNNABLE.length + SHAPELESS.length).toBeGreaterThanOrEqual(11);
      expect(SHAPELESS.length).toBeLessThanOrEqual(1);
    });

    it.each(RUNNABLE)('should give bit-identical outputs for %s and its rewrite by writeTflite', async (file) => {
      const original = new Uint8Array(fs.readFileSync(sharedPath('models', file)));
      const rewritten = writeTflite(right(readTflite(original, file)));
      const a = await outputs(original, file);
      const b = await outputs(rewritten, `${file} (rewritten)`);
      SAMPLES.forEach((_, i) => expect(firstDifference(a[i]!, b[i]!)).toBeUndefined());
      expect(firstDifference(a[0]!, a[1]!)).toBeDefined();
    });

    it.each(SHAPELESS)('should refuse %s, whose outputs declare no shape, before LiteRT overruns them', async (file) => {
      const bytes = new Uint8Array(fs.readFileSync(sharedPath('models', file)));
      const details = right(modelDetails(bytes, file));
      expect(details.customOps).toEqual(['TFLite_Detection_PostProcess']);
      expect(details.limits.every((l) => /declares no shape/.test(l))).toBe(true);
      const r = await runTflite(bytes, seededInputs(details.inputs, 1), file);
      expect(E.isLeft(r) && r.left._tag).toBe('Unavailable');
    });

    it.each(REFUSED)('should refuse %s as a value, as MODELS.md says LiteRT cannot run it', async (file) => {
      const bytes = new Uint8Array(fs.readFileSync(sharedPath('models', file)));
      const details = right(modelDetails(bytes, file));
      expect(details.limits.length).toBeGreaterThan(0);
      const r = await runTflite(bytes, [], file);
      expect(E.isLeft(r) && r.left._tag).toBe('Unavailable');
    });
  });
});
