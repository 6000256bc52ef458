import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendFileSafe, makeDir, tryWrite, writeFileSafe } from '../src/safe-write';
import { exitCode, formatError } from '../src/errors';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-safe-'));

describe('safe-write', () => {
  it('should replace a link named like the output instead of writing through it', () => {
    const dir = tmp();
    const outside = path.join(dir, 'outside.txt');
    fs.writeFileSync(outside, 'precious');
    fs.mkdirSync(path.join(dir, 'out'));
    fs.symlinkSync(outside, path.join(dir, 'out', 'compile.sh'));
    writeFileSafe(path.join(dir, 'out', 'compile.sh'), '#!/bin/sh\n', { mode: 0o755 });
    expect(fs.readFileSync(outside, 'utf8')).toBe('precious');
    expect(fs.statSync(outside).mode & 0o111).toBe(0);
    expect(fs.lstatSync(path.join(dir, 'out', 'compile.sh')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'out', 'compile.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect(fs.statSync(path.join(dir, 'out', 'compile.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['compile.sh']);
  });

  it('should refuse to append through a link', () => {
    const dir = tmp();
    const outside = path.join(dir, 'outside.csv');
    fs.writeFileSync(outside, 'a\n');
    fs.symlinkSync(outside, path.join(dir, 'measurements.csv'));
    const r = tryWrite(() => appendFileSafe(path.join(dir, 'measurements.csv'), 'b\n'));
    expect(E.isLeft(r) && formatError(r.left)).toBe(`${path.join(dir, 'measurements.csv')}: cannot write: is a symbolic link (tpuseg does not write through links)`);
    expect(fs.readFileSync(outside, 'utf8')).toBe('a\n');
  });

  it('should report a folder under a file and a file in the way as one-line user errors (exit 2)', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'file'), '');
    for (const target of [path.join(dir, 'file'), path.join(dir, 'file', 'sub')]) {
      const r = tryWrite(() => makeDir(target));
      expect(E.isLeft(r)).toBe(true);
      if (E.isLeft(r)) {
        expect(exitCode(r.left)).toBe(2);
        expect(formatError(r.left)).toBe(`${target}: cannot write: is not a folder, or a part of its path is a file`);
      }
    }
    const r = tryWrite(() => writeFileSafe(dir, 'x'));
    expect(E.isLeft(r) && formatError(r.left)).toMatch(/: cannot write: is a directory$/);
    expect(fs.readdirSync(dir)).toEqual(['file']);
  });
});
