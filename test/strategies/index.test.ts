import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStrategy, strategyNames } from '../../strategies';

describe('strategies/index', () => {
  describe('strategyNames', () => {
    it('should list the built-ins first, in order', () => {
      expect(strategyNames().slice(0, 6)).toEqual(['compiler', 'profiling', 'balanced', 'dp', 'greedy', 'annealing']);
    });
  });

  describe('loadStrategy', () => {
    it('should find a registered strategy by name', () => {
      const s = loadStrategy('dp');
      expect(E.isRight(s) && s.right.name).toBe('dp');
    });

    it('should reject an unknown name with the known ones listed', () => {
      const s = loadStrategy('nope');
      expect(E.isLeft(s) && s.left).toEqual({ _tag: 'Usage', message: expect.stringContaining('unknown strategy "nope" (known: compiler, profiling') });
    });

    it('should load the template strategy from a path relative to cwd', () => {
      const s = loadStrategy('./strategies/template.example.ts', path.resolve(__dirname, '../..'));
      expect(E.isRight(s) && s.right.name).toBe('random-template');
    });

    it('should load a plain JavaScript module by absolute path', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-strategy-'));
      const file = path.join(dir, 'first.js');
      fs.writeFileSync(file, [
        'exports.strategy = {',
        "  name: 'first-ops', description: 'one op per segment but the last',",
        "  options: { decode: () => ({ _tag: 'Right', right: {} }) },",
        "  search: (p) => ({ _tag: 'Right', right: { cuts: Array.from({ length: p.tpus - 1 }, (_, i) => i + 1) } }),",
        '};',
      ].join('\n'));
      const s = loadStrategy(file);
      expect(E.isRight(s) && s.right.name).toBe('first-ops');
      fs.rmSync(dir, { recursive: true });
    });

    it('should report a missing file and a module without a strategy', () => {
      expect(E.isLeft(loadStrategy('./no/such.ts'))).toBe(true);
      const s = loadStrategy(path.resolve(__dirname, '../../strategies/options.ts'));
      expect(E.isLeft(s) && s.left).toEqual({ _tag: 'PluginFault', ref: path.resolve(__dirname, '../../strategies/options.ts'), message: expect.stringContaining('exports no strategy') });
    });
  });
});
