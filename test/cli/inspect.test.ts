import { spawnSync } from 'node:child_process';
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect, renderSummary } from '../../src/cli/commands/inspect';
import { main } from '../../src/cli/main';
import type { GraphSummary } from '../../src/graph/summary';
import { describeShared, sharedPath } from '../helpers/shared';
import { packModel, tinyModelT } from '../tflite/reader.fixture';
import { captureIo } from '../helpers/io';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-inspect-'));
const tiny = path.join(dir, 'tiny.tflite');
const junk = path.join(dir, 'junk.tflite');
fs.writeFileSync(tiny, packModel(tinyModelT()));
fs.writeFileSync(junk, 'this is not a model\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const json = async (...argv: string[]): Promise<GraphSummary> => {
  const { io, out } = captureIo();
  expect(E.isRight(await inspect.run(argv, io))).toBe(true);
  return JSON.parse(out.join('\n')) as GraphSummary;
};

describe('cli/commands/inspect', () => {
  describe('inspect.run', () => {
    it('should print the summary: op count, op types, parameter bytes, MACs, largest activation, inputs and outputs', async () => {
      const { io, out } = captureIo();
      expect(E.isRight(await inspect.run([tiny], io))).toBe(true);
      const text = out.join('\n');
      expect(text).toMatch(/^ops +4 +\(8 tensors, 3 constant\)$/m);
      expect(text).toMatch(/^op types +ADD 1, CONV_2D 1, DEPTHWISE_CONV_2D 1, my-op 1$/m);
      expect(text).toMatch(/^parameters +45 B$/m);
      expect(text).toMatch(/^MACs +528$/m);
      expect(text).toMatch(/^largest activation +#3 "conv\/out" 1x4x4x3 uint8 \(48 B\), written by op 0$/m);
      expect(text).toMatch(/^inputs\n +#0 "input" 1x4x4x2 uint8 \(32 B\)\noutputs\n +#7 "custom\/out" 1x4x4x3 uint8 \(48 B\)$/m);
      expect(text).not.toMatch(/compiled/);
    });

    it('should add a per-op table with --ops', async () => {
      const { io, out } = captureIo();
      expect(E.isRight(await inspect.run([tiny, '--ops'], io))).toBe(true);
      const header = out.findIndex((l) => l.startsWith('op  type'));
      expect(out[header]).toMatch(/^op +type +inputs +outputs +param B +MACs +act in B +act out B$/);
      expect(out.slice(header + 1)).toHaveLength(4);
      expect(out[header + 1]).toMatch(/^ 0 +CONV_2D +0,1,2 +3 +18 +96 +32 +48$/);
      expect(out[header + 2]).toMatch(/^ 1 +DEPTHWISE_CONV_2D +3,4,-1 +5 +27 +432 +48 +48$/);
    });

    it('should print stable JSON with the contract keys, opList only with --ops', async () => {
      const s = await json(tiny, '--json');
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['ops', 'paramBytes', 'macs', 'opTypes', 'inputs', 'outputs', 'compiledForEdgeTpu', 'largestActivation']));
      expect([s.ops, s.paramBytes, s.macs]).toEqual([4, 45, 528]);
      expect(s.opTypes).toEqual({ ADD: 1, CONV_2D: 1, DEPTHWISE_CONV_2D: 1, 'my-op': 1 });
      expect(s.inputs).toEqual([{ index: 0, name: 'input', shape: [1, 4, 4, 2], dtype: 'uint8', bytes: 32 }]);
      expect(s.opList).toBeUndefined();
      const withOps = await json(tiny, '--json', '--ops');
      expect(withOps.opList!.map((r) => r.type)).toEqual(['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'my-op']);
      expect(await json('--json', tiny)).toEqual(s);
    });

    it('should accept generated model specs as loadModel does', async () => {
      const s = await json('synth:conv?filters=8&layers=2&size=16', '--json');
      expect(s.opTypes['CONV_2D']).toBe(2);
      expect(s.macs).toBeGreaterThan(0);
    });

    it('should reject a wrong number of models and unknown flags as usage errors', async () => {
      const { io } = captureIo();
      for (const argv of [[], [tiny, tiny], [tiny, '--verbose']]) {
        const r = await inspect.run(argv, io);
        expect(E.isLeft(r) && r.left._tag).toBe('Usage');
      }
    });
  });

  describe('main inspect', () => {
    it('should print help and exit 0', async () => {
      const { io, out } = captureIo();
      expect(await main(['inspect', '--help'], io)).toBe(0);
      expect(out.join('\n')).toMatch(/^usage: tpuseg inspect <model> \[--json\] \[--ops\]/);
    });

    it('should exit 2 with one line naming the file for a missing or unreadable model', async () => {
      for (const [file, why] of [[path.join(dir, 'nope.tflite'), 'no such file'], [junk, 'not a TFLite file (no TFL3 identifier; 20 bytes)'], [dir, 'is a directory']]) {
        const { io, out, err } = captureIo();
        expect(await main(['inspect', file!], io)).toBe(2);
        expect(out).toEqual([]);
        expect(err).toEqual([`tpuseg: ${file}: not a readable TFLite model: ${why}`]);
      }
    });

    it('should exit 2 for a truncated model, one line, no stack trace', async () => {
      const cut = path.join(dir, 'cut.tflite');
      fs.writeFileSync(cut, fs.readFileSync(tiny).subarray(0, 300));
      const { io, err } = captureIo();
      expect(await main(['inspect', cut], io)).toBe(2);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(new RegExp(`^tpuseg: ${cut.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a readable TFLite model: truncated or corrupt: .*\\(reading .*\\)$`));
    });
  });

  describe('renderSummary', () => {
    it('should say a compiled model is compiled and list its Edge TPU ops', () => {
      const s: GraphSummary = {
        name: 'm_edgetpu', source: 'm_edgetpu.tflite', ops: 1, tensors: 2, constants: 0, paramBytes: 0, macs: 0,
        opTypes: { 'edgetpu-custom-op': 1 }, inputs: [], outputs: [], largestActivation: null, compiledForEdgeTpu: true,
        edgeTpuOps: [{ index: 0, executableBytes: 2048 }], note: 'already compiled for the Edge TPU: ...',
      };
      expect(renderSummary(s).slice(-3)).toEqual([
        'compiled for the Edge TPU',
        '  op 0 edgetpu-custom-op, executable 2,048 B (2.00 KiB)',
        'note: already compiled for the Edge TPU: ...',
      ]);
    });
  });
});

describeShared('tpuseg inspect on real models', () => {
  describe('bin/tpuseg.js inspect', () => {
    const root = path.resolve(__dirname, '../..');
    const cli = (...argv: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/tpuseg.js'), 'inspect', ...argv], { cwd: root, encoding: 'utf8' });

    it('should run from the command line on MobileNet v2', () => {
      const r = cli(sharedPath('models', 'mobilenet_v2_1.0_224_quant.tflite'), '--json');
      expect(r.status).toBe(0);
      const s = JSON.parse(r.stdout) as GraphSummary;
      expect([s.ops, s.paramBytes, s.macs]).toEqual([66, 3_543_276, 300_775_552]);
      expect(s.opTypes).toEqual({ CONV_2D: 36, DEPTHWISE_CONV_2D: 17, ADD: 10, AVERAGE_POOL_2D: 1, RESHAPE: 1, SOFTMAX: 1 });
    });

    it('should report the compiled segment of Coral\'s pipeline as compiled, naming its Edge TPU op', async () => {
      const s = await json(sharedPath('models', 'coral_pipeline/ssd_mobilenet_v2_coco_quant_postprocess_segment_3_of_4_edgetpu.tflite'), '--json');
      expect(s.compiledForEdgeTpu).toBe(true);
      expect(s.edgeTpuOps.map((o) => o.index)).toEqual([0]);
      expect(s.note).toMatch(/segment the original, uncompiled model/);
      expect(s.inputs).toHaveLength(4);
    });

    it('should exit 2 from the command line on a file that is not a model, without a stack trace', () => {
      const r = cli(sharedPath('models', 'MODELS.md'));
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([`tpuseg: ${sharedPath('models', 'MODELS.md')}: not a readable TFLite model: not a TFLite file (no TFL3 identifier; 8372 bytes)`]);
    });
  });
});
