import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportModel } from '../../../src/cli/commands/export-model';
import { main } from '../../../src/cli/main';
import { readTflite } from '../../../src/tflite/reader';
import { describeShared, sharedPath } from '../../helpers/shared';
import { captureIo } from '../../helpers/io';

const SYNTH = 'synth:conv?filters=8&layers=2&size=16';
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-export-model-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cli/commands/export-model', () => {
  describe('exportModel.run', () => {
    it('should write a readable .tflite file relative to cwd and say what it wrote', async () => {
      const { io, out } = captureIo(dir);
      expect(await exportModel.run([SYNTH, '-o', 'm.tflite'], io)).toEqual(E.right(undefined));
      const bytes = fs.readFileSync(path.join(dir, 'm.tflite'));
      const g = readTflite(new Uint8Array(bytes), 'm.tflite');
      expect(E.isRight(g) && g.right.ops.map((o) => o.type)).toEqual(['QUANTIZE', 'CONV_2D', 'CONV_2D']);
      expect(out).toEqual([
        `wrote ${path.join(dir, 'm.tflite')}: ${bytes.length.toLocaleString('en-US')} bytes, 3 ops, ` +
          `${(8 * 27 + 32 + 8 * 72 + 32).toLocaleString('en-US')} parameter bytes (synth:conv?filters=8&layers=2&size=16, seed 0)`,
      ]);
      expect(fs.readdirSync(dir)).toEqual(['m.tflite']);
    });

    it('should give the same bytes for the same seed and other weights for another', async () => {
      const { io } = captureIo(dir);
      await exportModel.run([SYNTH, '-o', 'a.tflite', '--seed', '7'], io);
      await exportModel.run([SYNTH, '-o', 'b.tflite', '--seed', '7'], io);
      await exportModel.run([SYNTH, '-o', 'c.tflite', '--seed', 'other'], io);
      const read = (f: string) => fs.readFileSync(path.join(dir, f));
      expect(read('a.tflite').equals(read('b.tflite'))).toBe(true);
      expect(read('a.tflite').equals(read('c.tflite'))).toBe(false);
    });

    it('should run the written file in LiteRT with --check', async () => {
      const { io, out } = captureIo(dir);
      expect(await exportModel.run([SYNTH, '-o', 'm.tflite', '--check'], io)).toEqual(E.right(undefined));
      expect(out[1]).toMatch(/int8 ports are read through QUANTIZE\/DEQUANTIZE bridges/);
      expect(out[2]).toMatch(/^ {2}output 0 ".*" float32 \[1,16,16,8\]: \d+ distinct value\(s\), first /);
    });

    it('should refuse a directory, a missing folder, a missing -o and a bad model, with one line and exit code 2', async () => {
      const cases: [string[], string][] = [
        [[SYNTH, '-o', dir], `tpuseg: usage error: export-model: --out ${dir} is a folder; give a file name such as ${path.join(dir, 'model.tflite')}`],
        [[SYNTH, '-o', 'no/such/m.tflite'], `tpuseg: usage error: export-model: folder ${path.join(dir, 'no/such')} does not exist (--out no/such/m.tflite goes in it; create it first)`],
        [[SYNTH], 'tpuseg: usage error: export-model: -o FILE.tflite is required (see tpuseg export-model --help)'],
        [['a', 'b', '-o', 'x.tflite'], 'tpuseg: usage error: export-model: expected one model, got 2 (see tpuseg export-model --help)'],
        [['missing.tflite', '-o', 'x.tflite'], `tpuseg: ${path.join(dir, 'missing.tflite')}: not a readable TFLite model: no such file`],
      ];
      for (const [args, line] of cases) {
        const { io, err } = captureIo(dir);
        expect(await main(['export-model', ...args], io)).toBe(2);
        expect(err).toEqual([line]);
      }
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('should print its help', async () => {
      const { io, out } = captureIo(dir);
      expect(await main(['export-model', '--help'], io)).toBe(0);
      expect(out[0]).toMatch(/^usage: tpuseg export-model <model> -o FILE.tflite/);
    });
  });
});

describeShared('cli/commands/export-model on a real model', () => {
  describe('exportModel.run', () => {
    it('should write a real model back and check it computes bit-identically', async () => {
      const { io, out } = captureIo(dir);
      const src = sharedPath('models', 'mobilenet_v1_0.25_128_quant.tflite');
      expect(await exportModel.run([src, '-o', 'm.tflite', '--check'], io)).toEqual(E.right(undefined));
      expect(out[out.length - 1]).toBe('  outputs bit-identical to the original on seeded inputs');
    });
  });
});
