import * as E from 'fp-ts/Either';
import { renderZoo, zooCommand, zooRows, type ZooRow } from '../../../src/cli/commands/zoo';
import { ZOO } from '../../../src/zoo';
import { captureIo } from '../../helpers/io';

describe('cli/commands/zoo', () => {
  describe('zooCommand.run', () => {
    it('should print --json as one object whose models have name, kerasParams, paramBytes and macs, for every registered model', async () => {
      const { io, out } = captureIo();
      expect(E.isRight(await zooCommand.run(['--json'], io))).toBe(true);
      const rows = (JSON.parse(out.join('\n')) as { models: ZooRow[] }).models;
      expect(rows.map((r) => r.name)).toEqual(ZOO.map((e) => e.name));
      const resnet = rows.find((r) => r.name === 'resnet50_v1')!;
      expect(resnet.kerasParams).toBe(25_636_712);
      expect(resnet.inputSize).toBe(224);
      for (const r of rows) {
        expect(r.paramBytes).toBeGreaterThan(0);
        expect(r.macs).toBeGreaterThan(0);
        expect(r.ops).toBeGreaterThan(0);
      }
    });

    it('should print a table with one line per model after the header', async () => {
      const { io, out } = captureIo();
      expect(E.isRight(await zooCommand.run([], io))).toBe(true);
      expect(out).toHaveLength(ZOO.length + 1);
      expect(out[0]).toMatch(/^name +input +keras params +param bytes +MACs +ops +description$/);
      expect(out.find((l) => l.startsWith('vgg16 '))).toMatch(/138,357,544/);
    });

    it('should reject positional arguments and unknown flags as usage errors', async () => {
      const { io } = captureIo();
      const extra = await zooCommand.run(['resnet'], io);
      expect(E.isLeft(extra) && extra.left._tag).toBe('Usage');
      const flag = await zooCommand.run(['--size', '3'], io);
      expect(E.isLeft(flag) && flag.left._tag).toBe('Usage');
    });
  });

  describe('renderZoo', () => {
    it('should right-align numbers and format MACs in G', () => {
      const row: ZooRow = { name: 'm', inputSize: 8, kerasParams: 1234, paramBytes: 5, macs: 2.5e9, ops: 3, description: 'd' };
      expect(renderZoo([row])).toEqual([
        'name  input  keras params  param bytes     MACs  ops  description',
        'm         8         1,234            5  2.500 G    3  d',
      ]);
    });
  });

  describe('zooRows', () => {
    it('should sum per-op parameter bytes and MACs of each graph', () => {
      const rows = zooRows();
      if (E.isLeft(rows)) throw new Error('zooRows failed');
      const vgg = rows.right.find((r) => r.name === 'vgg16')!;
      expect(vgg.macs).toBe(15_470_264_320);
    });
  });
});
