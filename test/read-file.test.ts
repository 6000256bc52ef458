import { execFileSync } from 'node:child_process';
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJson } from '../src/json-text';
import { readModelFile } from '../src/model/load';
import { readRegularFile, readRegularText } from '../src/read-file';
import { formatError } from '../src/errors';
import { packModel, tinyModelT } from './tflite/reader.fixture';

// Inputs are read only from regular files, in chunks up to a cap that does not trust stat: a
// FIFO or a device is refused at once (never read, never waited on), a file longer than it says
// stops at the cap, and JSON nesting is bounded before anything walks it.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-read-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const left = <A>(r: E.Either<string, A>): string => (E.isLeft(r) ? r.left : 'accepted');

describe('readRegularFile', () => {
  it('should read a regular file whole, whatever its size against the chunk', () => {
    const f = path.join(dir, 'data.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    fs.writeFileSync(f, data);
    const r = readRegularFile(f, 64 * 1024 * 1024, 'a test file');
    expect(E.isRight(r) && r.right.equals(data)).toBe(true);
    fs.writeFileSync(path.join(dir, 'empty'), '');
    expect(readRegularText(path.join(dir, 'empty'), 10, 'x')).toEqual(E.right(''));
  });

  it('should refuse a FIFO without blocking, and devices and folders without reading them', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(left(readRegularFile(fifo, 100, 'x'))).toBe('is a pipe (FIFO), not a regular file');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(left(readRegularFile('/dev/zero', 100, 'x'))).toBe('is a device, not a regular file');
    expect(left(readRegularFile(dir, 100, 'x'))).toBe('is a directory');
    expect(left(readRegularFile(path.join(dir, 'none'), 100, 'x'))).toBe('no such file');
  });

  it('should stop at the cap for a file larger than stat says, and name the cap', () => {
    // /proc files say they are 0 bytes long.
    expect(fs.statSync('/proc/self/maps').size).toBe(0);
    expect(left(readRegularFile('/proc/self/maps', 10, 'a profile'))).toBe('larger than it says: a profile is at most 10 bytes');
    const f = path.join(dir, 'big.json');
    fs.writeFileSync(f, 'x'.repeat(101));
    expect(left(readRegularFile(f, 100, 'a plan or config'))).toBe('101 bytes: a plan or config is at most 100 bytes');
  });
});

describe('parseJson', () => {
  it('should refuse JSON nested deeper than the bound, at once and in one line', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(left(parseJson(deep))).toBe('not valid JSON: nested more than 100 levels deep (at character 100)');
    expect(left(parseJson('{"a":'.repeat(101) + '1' + '}'.repeat(101)))).toMatch(/nested more than 100 levels/);
  });

  it('should not count brackets inside strings, and parse what is within the bound', () => {
    expect(parseJson(JSON.stringify({ s: '[[[[{{{{\\"['.repeat(100), a: [[[1]]] }))).toEqual(E.right({ s: '[[[[{{{{\\"['.repeat(100), a: [[[1]]] }));
    expect(left(parseJson('{"a": }'))).toMatch(/^not valid JSON: /);
  });
});

describe('readModelFile', () => {
  const msg = (r: ReturnType<typeof readModelFile>): string => (E.isLeft(r) ? formatError(r.left) : 'accepted');

  it('should read a model', () => {
    const f = path.join(dir, 'tiny.tflite');
    fs.writeFileSync(f, packModel(tinyModelT()));
    expect(E.isRight(readModelFile(f))).toBe(true);
  });

  it('should refuse a nearly 2 GiB file holding only a TFL3 header by its root table, without reading it', () => {
    const f = path.join(dir, 'header-only.tflite');
    const fd = fs.openSync(f, 'w');
    fs.writeSync(fd, Buffer.from([0, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]));
    fs.ftruncateSync(fd, 2 ** 31 - 100);
    fs.closeSync(fd);
    const rss = process.memoryUsage().rss;
    const t0 = Date.now();
    expect(msg(readModelFile(f))).toMatch(/header-only\.tflite: .*corrupt TFLite file: its root table offset 0 is outside the file \(2,147,483,548 bytes\)/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  });

  it('should refuse a root table whose vtable is outside the file', () => {
    const f = path.join(dir, 'bad-vtable.tflite');
    const b = Buffer.alloc(64);
    b.writeUInt32LE(16, 0);
    b.write('TFL3', 4, 'latin1');
    b.writeInt32LE(-1000, 16);
    fs.writeFileSync(f, b);
    expect(msg(readModelFile(f))).toMatch(/corrupt TFLite file: its root table's vtable at 1,016 is outside the file/);
  });

  it('should refuse a FIFO and /dev/zero as a model', () => {
    const fifo = path.join(dir, 'model-fifo.tflite');
    execFileSync('mkfifo', [fifo]);
    expect(msg(readModelFile(fifo))).toMatch(/is a pipe \(FIFO\), not a regular file$/);
    expect(msg(readModelFile('/dev/zero'))).toMatch(/is a device, not a regular file$/);
  });
});
