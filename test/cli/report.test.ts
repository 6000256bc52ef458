import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// `tpuseg report` on a file that holds no cells: a one-line error, exit 2, and nothing written.
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpuseg.js');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-report-'));
  fs.copyFileSync(path.join(ROOT, 'README.md'), path.join(dir, 'README.md'));
  fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const report = (args: string[]) => spawnSync(process.execPath, [BIN, 'report', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

describe('tpuseg report on a file that is not a results file', () => {
  it.each([
    ['README.md', 'report: README.md: not a results file (line 1 is not a cell record; tpuseg run writes results.jsonl)'],
    ['empty.jsonl', 'report: empty.jsonl: no finished cell in it: nothing to report (run tpuseg run first)'],
  ])('should exit 2 on %s with one line and write nothing', (file, message) => {
    const before = fs.readdirSync(dir).sort();
    const r = report([file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`tpuseg: usage error: ${message}`]);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('should write nothing into the folder given with --out either', () => {
    const r = report(['README.md', '--out', 'elsewhere']);
    expect(r.status).toBe(2);
    expect(fs.existsSync(path.join(dir, 'elsewhere'))).toBe(false);
  });
});
