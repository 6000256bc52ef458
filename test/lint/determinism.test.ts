import * as fs from 'node:fs';
import * as path from 'node:path';

// Every random choice in the core and the strategies comes from a seeded generator (src/rng.ts);
// wall-clock reads are allowed only through performance.now() for reported timings and budgets.
const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['src', 'strategies', 'cost-models'];
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bMath\.random\s*\(/, 'Math.random (use src/rng.ts)'],
  [/\bDate\.now\s*\(/, 'Date.now (use performance.now for timings)'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() (pass times in explicitly)'],
];
// Edges that legitimately read the clock to stamp results or files.
const ALLOWED = new Set(['src/cli', 'src/experiments', 'src/validate', 'src/report', 'src/litert']);

function files(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : files(rel);
    return /\.(ts|js)$/.test(e.name) ? [rel] : [];
  });
}

describe('determinism lint', () => {
  it('should find no unseeded randomness or wall-clock reads in the core', () => {
    const offences: string[] = [];
    for (const file of SCANNED.flatMap(files)) {
      const edge = [...ALLOWED].some((a) => file.startsWith(a + path.sep));
      fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
        for (const [re, what] of FORBIDDEN) {
          const clockAtEdge = edge && !what.startsWith('Math');
          if (re.test(line) && !clockAtEdge) {
            offences.push(`${file}:${i + 1}: ${what}`);
          }
        }
      });
    }
    expect(offences).toEqual([]);
  });
});
