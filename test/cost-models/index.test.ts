import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { costModel, loadProfile, PROFILE_NAMES, DEFAULT_PROFILE } from '../../cost-models';
import { chain } from './graphs';

describe('cost-models/index', () => {
  describe('loadProfile', () => {
    it('should load every built-in profile by name', () => {
      expect(PROFILE_NAMES).toContain(DEFAULT_PROFILE);
      for (const name of PROFILE_NAMES) {
        const r = loadProfile(name);
        expect(E.isRight(r) && r.right.name).toBe(name);
      }
    });

    it('should load a profile from a path and report a missing file', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-profile-'));
      const file = path.join(dir, 'mine.json');
      const usb3 = loadProfile('edgetpu-usb3');
      if (E.isLeft(usb3)) throw new Error('load');
      fs.writeFileSync(file, JSON.stringify({ ...usb3.right, name: 'mine' }));
      const r = loadProfile(file);
      expect(E.isRight(r) && r.right.name).toBe('mine');
      const missing = loadProfile(path.join(dir, 'nope.json'));
      expect(E.isLeft(missing) && missing.left).toMatchObject({ _tag: 'ConfigInvalid', problems: [expect.stringMatching(/^no such file/)] });
      fs.writeFileSync(file, '{ not json');
      const bad = loadProfile(file);
      expect(E.isLeft(bad) && bad.left).toMatchObject({ _tag: 'ConfigInvalid', problems: [expect.stringMatching(/^not valid JSON/)] });
    });
  });

  describe('costModel', () => {
    it('should bind a graph and a profile', () => {
      const p = loadProfile('edgetpu-pcie');
      if (E.isLeft(p)) throw new Error('load');
      const g = chain([{ kind: 'fc', units: 16 }], { input: [8] });
      const m = costModel(g, p.right);
      expect(m.profile).toBe('edgetpu-pcie');
      expect(m.graph).toBe(g);
      expect(m.segmentMs(0, 1)).toBeGreaterThan(0);
    });
  });
});
