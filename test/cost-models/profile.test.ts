import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { decodeProfile, withValues, profileValues, CONSTANT_NAMES } from '../../cost-models/profile';
import { builtinProfilePath } from '../../cost-models';

const usb3 = (): Record<string, unknown> => JSON.parse(fs.readFileSync(builtinProfilePath('edgetpu-usb3'), 'utf8'));

const problemsOf = (u: unknown): readonly string[] => {
  const r = decodeProfile(u, 'p.json');
  if (E.isRight(r)) return [];
  if (r.left._tag !== 'ConfigInvalid') throw new Error('expected ConfigInvalid');
  expect(r.left.file).toBe('p.json');
  return r.left.problems;
};

describe('cost-models/profile', () => {
  describe('decodeProfile', () => {
    it('should accept a complete profile and give every constant a source', () => {
      const r = decodeProfile(usb3(), 'p.json');
      expect(E.isRight(r)).toBe(true);
      if (E.isRight(r)) for (const k of CONSTANT_NAMES) expect(r.right.constants[k].source.length).toBeGreaterThan(0);
    });

    it('should name the path of a negative rate', () => {
      const p = usb3();
      (p.constants as Record<string, { value: number }>)['streamMsPerMiB']!.value = -1;
      expect(problemsOf(p)).toEqual(['constants.streamMsPerMiB.value: expected a positive number, got -1']);
    });

    it('should reject a zero capacity, NaN and a fraction above 1', () => {
      const p = usb3();
      const c = p.constants as Record<string, { value: number }>;
      c['capacityMiB']!.value = 0;
      c['fixedMs']!.value = NaN;
      c['streamHideFrac']!.value = 1.5;
      expect(problemsOf(p)).toEqual([
        'constants.fixedMs.value: expected a non-negative number, got NaN',
        'constants.capacityMiB.value: expected a positive number, got 0',
        'constants.streamHideFrac.value: expected a number in [0, 1], got 1.5',
      ]);
    });

    it('should report a missing constant and a missing source', () => {
      const p = usb3();
      const c = p.constants as Record<string, unknown>;
      delete c['hopMs'];
      (c['inMBps'] as Record<string, unknown>)['source'] = '';
      expect(problemsOf(p)).toEqual([
        'constants.hopMs: expected { value: a non-negative number, source: a non-empty source text }, got nothing (missing)',
        'constants.inMBps.source: expected a non-empty source text, got ""',
      ]);
    });

    it('should reject an unknown constant', () => {
      const p = usb3();
      (p.constants as Record<string, unknown>)['streamMsPerMb'] = { value: 1, source: 'x' };
      expect(problemsOf(p)[0]).toMatch(/^constants\.streamMsPerMb: unknown constant/);
    });

    it('should reject a non-integer channel padding', () => {
      const p = usb3();
      (p.constants as Record<string, { value: number }>)['weightPadChannels']!.value = 2.5;
      expect(problemsOf(p)).toEqual(['constants.weightPadChannels.value: expected a positive integer, got 2.5']);
    });
  });

  describe('withValues', () => {
    it('should replace values and their sources and leave the rest', () => {
      const r = decodeProfile(usb3(), 'p.json');
      if (E.isLeft(r)) throw new Error('load');
      const q = withValues(r.right, { fixedMs: 1.5 }, 'fitted');
      expect(q.constants.fixedMs).toEqual({ value: 1.5, source: 'fitted' });
      expect(profileValues(q).hopMs).toBe(profileValues(r.right).hopMs);
      expect(r.right.constants.fixedMs.value).not.toBe(1.5);
    });
  });
});
