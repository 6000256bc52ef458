import * as path from 'node:path';
import { findExecutable } from '../../src/validate/edgetpu';

const STANDINS = path.resolve(__dirname, '../../fixtures/standins');

describe('validate/edgetpu', () => {
  describe('findExecutable', () => {
    it('should find a program on PATH and a path relative to cwd', () => {
      expect(findExecutable('fake-edgetpu_compiler', '/', { PATH: `/nonexistent:${STANDINS}` })).toBe(path.join(STANDINS, 'fake-edgetpu_compiler'));
      expect(findExecutable('./fake-run_pipeline', STANDINS, {})).toBe(path.join(STANDINS, 'fake-run_pipeline'));
    });
    it('should not find what is absent or not executable', () => {
      expect(findExecutable('edgetpu_compiler', '/', { PATH: STANDINS })).toBeUndefined();
      expect(findExecutable('README.md', STANDINS, { PATH: STANDINS })).toBeUndefined();
      expect(findExecutable(STANDINS, '/', {})).toBeUndefined();
    });
  });
});
