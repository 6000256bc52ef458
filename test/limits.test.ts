import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatError } from '../src/errors';
import { decodeConfig } from '../experiments/load';
import { liveCatalog } from '../src/experiments/catalog-live';
import { main } from '../src/cli/main';
import { loadModel } from '../src/model/load';
import { zooModel } from '../src/zoo';
import { synthModel } from '../src/zoo/synth';
import { tryWriteTflite } from '../src/tflite/writer';
import { captureIo } from './helpers/io';

// Every input that could exhaust memory or overflow a format is bounded, and the error says the bound.
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-limits-'));
const message = <A>(r: E.Either<Parameters<typeof formatError>[0], A>): string => (E.isLeft(r) ? formatError(r.left) : 'accepted');

describe('resource bounds', () => {
  it('should bound zoo input sizes and synthetic parameters', () => {
    expect(message(zooModel('zoo:mobilenet_v1@3000000000'))).toBe('usage error: zoo:mobilenet_v1@3000000000: input size 3000000000 is too large (at most 4096)');
    expect(message(synthModel('synth:fc?neurons=64&layers=100000000'))).toMatch(/parameter "layers" is 100000000, at most 1000/);
    expect(message(synthModel('synth:conv?filters=8&size=99999'))).toMatch(/parameter "size" is 99999, at most 4096/);
  });

  it('should refuse to write a model past 2 GiB before generating its weights', async () => {
    const c = captureIo(tmp());
    expect(await main(['export-model', 'zoo:vgg16@2048', '-o', 'big.tflite'], c.io)).toBe(2);
    expect(c.err).toEqual([expect.stringMatching(/^tpuseg: usage error: vgg16_2048: its constants take [\d,]+ bytes; a \.tflite file holds at most 2,147,483,647 bytes \(2 GiB\)$/)]);
  });

  it('should refuse, with one line, a model whose tables take its file past 2 GiB, before the FlatBuffer grows', () => {
    // FlatBuffers cannot double a buffer past 1 GiB: the writer sizes the whole file up front instead.
    const small = synthModel('synth:fc?neurons=8&layers=2');
    if (E.isLeft(small)) throw new Error('synth model failed');
    const g = small.right;
    const name = 'x'.repeat(32 * 1024);
    const tensors = Array.from({ length: 70_000 }, (_, i) => ({ ...g.tensors[0]!, index: i, name, isConstant: false, consumers: [], data: undefined }));
    const written = tryWriteTflite({ ...g, tensors, ops: [], inputs: [0], outputs: [1] });
    expect(message(written)).toMatch(/^usage error: synth_fc_n8_l2: as a \.tflite file it takes about [\d,]+ bytes \(constants and tables\); a \.tflite file holds at most 2,147,483,647 bytes \(2 GiB\)$/);
  });

  it('should check a model file\'s size and identifier before reading it whole', () => {
    const dir = tmp();
    const huge = path.join(dir, 'huge.tflite');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 3 * 2 ** 30); // sparse: nothing is written
    expect(message(loadModel(huge))).toBe(`${huge}: not a readable TFLite model: 3,221,225,472 bytes: a .tflite file holds at most 2,147,483,647 bytes (2 GiB)`);
    const video = path.join(dir, 'video.mp4');
    fs.writeFileSync(video, '');
    fs.truncateSync(video, 2 ** 30);
    expect(message(loadModel(video))).toBe(`${video}: not a readable TFLite model: not a TFLite file (no TFL3 identifier; 1073741824 bytes)`);
  });

  it('should count a sweep\'s combinations before building them', () => {
    const range = { from: 1, to: 99999 };
    const raw = { name: 'big', models: [{ model: 'synth:conv?filters={a}&layers={b}&size={c}', sweep: { a: range, b: range, c: range } }], strategies: ['compiler'] };
    const t0 = performance.now();
    const r = decodeConfig(raw, 'big.json', liveCatalog('.'), '.');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(message(r)).toBe('big.json: invalid configuration: models[0].sweep: 999,970,000,299,999 model variants (the product of the sweep\'s value counts); at most 100000');
  });

  it('should bound --workers the same way in every command', async () => {
    for (const command of [['segment', 'synth:fc?neurons=8', '--tpus', '1'], ['run', 'x.json'], ['reproduce']]) {
      const c = captureIo(tmp());
      expect(await main([...command, '--workers', '1000'], c.io)).toBe(2);
      expect(c.err).toEqual([`tpuseg: usage error: ${command[0]}: --workers expects an integer from 0 to 64, got "1000"`]);
    }
  });

  it('should bound strategy restarts, from the options and from a plug-in\'s tasks()', async () => {
    const dir = tmp();
    const c = captureIo(dir);
    expect(await main(['segment', 'synth:fc?neurons=8', '--tpus', '2', '--strategy', 'annealing', '--option', 'annealing.restarts=1e9', '--workers', '0'], c.io)).toBe(2);
    expect(c.err).toEqual(['tpuseg: options of strategy annealing: invalid configuration: annealing: option restarts = 1000000000 is not an integer from 1 to 1,000']);
    fs.writeFileSync(path.join(dir, 'many.js'), `const { strategy } = require(${JSON.stringify(path.resolve(__dirname, '../strategies/compiler.ts'))});
module.exports = { strategy: { ...strategy, name: 'many', tasks: () => 1e9 } };`);
    const d = captureIo(dir);
    expect(await main(['segment', 'synth:fc?neurons=8', '--tpus', '2', '--strategy', './many.js', '--workers', '0'], d.io)).toBe(2);
    expect(d.err).toEqual(['tpuseg: usage error: strategy many asks for 1,000,000,000 tasks (restarts); at most 1,000']);
  });
});
