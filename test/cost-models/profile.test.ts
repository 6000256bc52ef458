import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { computeFactorAt, decodeProfile, withValues, profileValues, CONSTANT_NAMES } from '../../cost-models/profile';
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
      expect(problemsOf(p)).toEqual(['constants.streamMsPerMiB.value: expected a number in (0, 10000] (ms per MiB), got -1']);
    });

    it('should reject a zero capacity, NaN and a fraction above 1', () => {
      const p = usb3();
      const c = p.constants as Record<string, { value: number }>;
      c['capacityMiB']!.value = 0;
      c['fixedMs']!.value = NaN;
      c['streamHideFrac']!.value = 1.5;
      expect(problemsOf(p)).toEqual([
        'constants.fixedMs.value: expected a number in [0, 10000] (ms), got NaN',
        'constants.capacityMiB.value: expected a number in (0, 64] (MiB), got 0',
        'constants.streamHideFrac.value: expected a number in [0, 1] (fraction), got 1.5',
      ]);
    });

    it('should report a missing constant and a missing source', () => {
      const p = usb3();
      const c = p.constants as Record<string, unknown>;
      delete c['hopMs'];
      (c['inMBps'] as Record<string, unknown>)['source'] = '';
      expect(problemsOf(p)).toEqual([
        'constants.hopMs: expected { value: a number in [0, 10000] (ms), source: a non-empty source text }, got nothing (missing)',
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
      expect(problemsOf(p)).toEqual(['constants.weightPadChannels.value: expected an integer in [1, 1024] (channels), got 2.5']);
    });

    it('should reject constants outside their physical range, which would price segments at NaN or Infinity', () => {
      const p = usb3();
      const c = p.constants as Record<string, { value: number }>;
      c['convTops']!.value = 5e-324;
      c['fixedMs']!.value = 1e308;
      c['hostCores']!.value = 0;
      expect(problemsOf(p)).toEqual([
        'constants.fixedMs.value: expected a number in [0, 10000] (ms), got 1e+308',
        'constants.hostCores.value: expected an integer in [1, 1024] (cores), got 0',
        'constants.convTops.value: expected a number in (0.001, 100] (TOPS), got 5e-324',
      ]);
    });

    it('should take a runner and per-position compute factors, and name a bad one', () => {
      const p = { ...usb3(), runner: 'python-threads', positions: { computeFactor: [1, 2], source: 'measured' } };
      expect(problemsOf(p)).toEqual([]);
      expect(problemsOf({ ...p, runner: 'cpp' })).toEqual(['runner: expected pycoral | python-threads, got "cpp"']);
      expect(problemsOf({ ...p, positions: { computeFactor: [1, 0], source: 'x' } })).toEqual([
        'positions.computeFactor: expected a number in [0.1, 20] (x the compute time of position 0), got 0',
      ]);
    });
  });

  describe('computeFactorAt', () => {
    it('should give each listed position its factor, later ones the mean of positions 1.., and 1 without a list', () => {
      expect([0, 1, 2, 3, 4, 7].map((i) => computeFactorAt([1, 2, 3, 1.5], i))).toEqual([1, 2, 3, 1.5, 6.5 / 3, 6.5 / 3]);
      expect(computeFactorAt([1.2], 5)).toBe(1.2);
      expect(computeFactorAt(undefined, 3)).toBe(1);
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
