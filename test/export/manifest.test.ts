import * as E from 'fp-ts/Either';
import { parseManifest } from '../../src/export/manifest';

const problems = (e: E.Either<unknown, unknown>): string[] =>
  E.isLeft(e) ? ((e.left as { problems?: string[] }).problems ?? []) : [];

describe('export/manifest', () => {
  describe('parseManifest', () => {
    it('should refuse what tpuseg export did not write, saying so', () => {
      expect(problems(parseManifest('{', 'plan.json'))[0]).toMatch(/^not valid JSON/);
      const p = problems(parseManifest('{"cuts":[1]}', 'plan.json'));
      expect(p[0]).toMatch(/^tool: expected "tpuseg export", got nothing/);
      expect(p[p.length - 1]).toBe('is this a directory written by `tpuseg export`?');
    });
  });
});
