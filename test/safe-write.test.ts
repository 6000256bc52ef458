import { spawn, spawnSync } from 'node:child_process';
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

describe('safe-write temporary files', () => {
  const deadPid = (): number => Number(spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim());

  it('should write a name near the file-system limit (the temporary name is short) and name a name past it', () => {
    const dir = tmp();
    const long = path.join(dir, `${'m'.repeat(248)}.tflite`);
    writeFileSafe(long, 'x');
    expect(fs.readdirSync(dir)).toEqual([path.basename(long)]);
    const tooLong = path.join(dir, `${'m'.repeat(250)}.tflite`);
    const r = tryWrite(() => writeFileSafe(tooLong, 'x'));
    expect(E.isLeft(r) && formatError(r.left)).toBe(`${tooLong}: cannot write: the name is too long (257 bytes; file systems allow 255)`);
    expect(fs.readdirSync(dir)).toEqual([path.basename(long)]);
  });

  it('should sweep the temporary files of processes that are gone before writing into a folder, and keep live ones', () => {
    const dir = tmp();
    const dead = deadPid();
    const live = spawn('sleep', ['30']);
    try {
      const names = [`.tpuseg-${dead}-3.tmp`, `.X_segment_2_of_4.tflite.${dead}.2.tmp`, `.tpuseg-${live.pid}-0.tmp`, `.tpuseg-${process.pid}-99999.tmp`, 'keep.tmp'];
      for (const n of names) fs.writeFileSync(path.join(dir, n), 'partial');
      writeFileSafe(path.join(dir, 'plan.json'), '{}');
      expect(fs.readdirSync(dir).sort()).toEqual([`.tpuseg-${live.pid}-0.tmp`, `.tpuseg-${process.pid}-99999.tmp`, 'keep.tmp', 'plan.json'].sort());
    } finally {
      live.kill();
    }
  });

  it('should remove a temporary file being written when the process is stopped', () => {
    const dir = tmp();
    const script = `
      const fs = require('node:fs');
      const { writeFileSafe } = require(${JSON.stringify(path.resolve(__dirname, '../src/safe-write.ts'))});
      require(${JSON.stringify(path.resolve(__dirname, '../src/leftovers.ts'))}).removeLeftoversAtExit();
      const real = fs.writeSync;
      fs.writeSync = (...a) => { process.stdout.write(fs.readdirSync(process.argv[1]).join(',')); process.exit(130); };
      writeFileSafe(process.argv[1] + '/big.tflite', Buffer.alloc(1 << 20));
    `;
    const r = spawnSync(process.execPath, ['-r', path.resolve(__dirname, '../bin/register-ts.js'), '-e', script, dir]);
    expect(r.status).toBe(130);
    expect(r.stdout.toString()).toMatch(/^\.tpuseg-\d+-\d+\.tmp$/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
