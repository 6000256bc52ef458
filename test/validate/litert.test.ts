import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGraph } from '../../src/graph/build';
import { writeTflite } from '../../src/tflite/writer';
import { rangeIndex } from '../../src/graph/cuts';
import { loadModel } from '../../src/model/load';
import { litertReport } from '../../src/validate/litert-report';
import type { LitertValidation } from '../../src/validate/litert';
import { describeShared, sharedPath } from '../helpers/shared';
import { exportTo, right } from './export-fixture';

const opts = { seed: 0, samples: 1, repeats: 0 };
const MOBILENET_V2 = sharedPath('models', 'mobilenet_v2_1.0_224_quant.tflite');

describe('validate/litert', () => {
  describe('validateLitert', () => {
    it('should find an int8 synthetic model bit-exact through checked int8 bridges', async () => {
      const r = right(await litertReport(exportTo('synth:conv?filters=8&layers=3&size=16', [2, 3]), { ...opts, samples: 2 }));
      expect(r.verdict).toBe('pass');
      const d = r.details as LitertValidation;
      expect(d.bridges.length).toBeGreaterThan(0);
      expect(d.bridges.every((b) => b.exact)).toBe(true);
      expect(d.segments.every((s) => s.bridgedPorts.length > 0)).toBe(true);
      expect(d.outputs[0]!.elements).toBe(2 * 16 * 16 * 8);
    });
  });
});

describeShared('validate/litert (real models)', () => {
  describe('validateLitert', () => {
    it('should route a skip-ahead tensor past the segment that does not read it', async () => {
      // MobileNet v2: the block input that op 10 (ADD) reads is produced before op 7; segment 1 = op 7 alone does not read it.
      const x = exportTo(MOBILENET_V2, [7, 8]);
      const [s0, s1, s2] = x.manifest.segments;
      const skipping = s0!.outputs.filter((t) => !s1!.inputs.includes(t) && s2!.inputs.includes(t));
      expect(skipping).toHaveLength(1);
      expect(s1!.outputs).not.toContain(skipping[0]);
      const r = right(await litertReport(x, opts));
      expect(r.verdict).toBe('pass');
    });

    it('should find MobileNet v2 bit-exact when every cut crosses a residual connection', async () => {
      const g = right(loadModel(MOBILENET_V2));
      const idx = rangeIndex(g);
      const cuts = [16, 34, 52];
      for (const c of cuts) expect(idx.crossing(c)).toHaveLength(2);
      const r = right(await litertReport(exportTo(MOBILENET_V2, cuts), opts));
      expect(r.verdict).toBe('pass');
      expect(r.segments.slice(1).every((s, i) => r.segments[i]!.index === i && s.measuredMs! >= 0)).toBe(true);
    });

    it('should fail, naming the output, when a segment file computes something else', async () => {
      const x = exportTo(MOBILENET_V2, [30]);
      const file = path.join(x.dir, x.manifest.segments[1]!.file);
      const g = right(loadModel(file));
      // Flip every byte of the last constant (the classifier's bias) in the file.
      const bias = g.tensors.filter((t) => t.isConstant && t.data).pop()!;
      const bytes = fs.readFileSync(file);
      const at = bytes.indexOf(Buffer.from(bias.data!));
      expect(at).toBeGreaterThan(0);
      for (let i = 0; i < bias.data!.length; i++) bytes[at + i] = bytes[at + i]! ^ 0xff;
      fs.writeFileSync(file, bytes);
      const r = right(await litertReport(x, opts));
      expect(r.verdict).toBe('fail');
      expect(r.differsMost).toMatch(/^output "MobilenetV2\/Predictions\/Softmax": \d+ of 1001 elements differ/);
      expect(r.notes.some((n) => n.includes('changed since the export'))).toBe(true);
    });

    it('should not check, and say why, a model compiled for the Edge TPU', async () => {
      const r = right(await litertReport(exportTo(sharedPath('models', 'deeplabv3_mnv2_dm05_pascal_quant_edgetpu.tflite'), [4]), opts));
      expect(r.verdict).toBe('not-checked');
      expect(r.summary).toMatch(/custom op\(s\) "edgetpu-custom-op" that TFLite on a CPU cannot run/);
      expect(r.segments.every((s) => s.measuredMs === undefined)).toBe(true);
    });
  });
});

/** Writes a hand-built float32 graph to a temporary .tflite file and returns its path. */
function tfliteFile(name: string, spec: Parameters<typeof buildGraph>[0]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `tpuseg-${name}-`)), `${name}.tflite`);
  fs.writeFileSync(file, writeTflite(buildGraph(spec)));
  return file;
}
const f32 = (name: string) => ({ name, shape: [1, 8], dtype: 'float32' as const, isConstant: false });

describe('validate/litert (hand-built models)', () => {
  describe('validateLitert', () => {
    it('should feed a skip-ahead tensor from segment 0 to segment 2 past segment 1', async () => {
      // x -RELU-> a -RELU6-> b -TANH-> c -LOGISTIC-> d; ADD(d, a) -> y. Cuts [2, 3]: a skips segment 1 (TANH).
      const file = tfliteFile('skip', {
        name: 'skip', source: 'test:skip',
        tensors: [f32('x'), f32('a'), f32('b'), f32('c'), f32('d'), f32('y')],
        ops: [
          { type: 'RELU', builtinCode: 19, version: 1, inputs: [0], outputs: [1] },
          { type: 'RELU6', builtinCode: 21, version: 1, inputs: [1], outputs: [2] },
          { type: 'TANH', builtinCode: 28, version: 1, inputs: [2], outputs: [3] },
          { type: 'LOGISTIC', builtinCode: 14, version: 1, inputs: [3], outputs: [4] },
          { type: 'ADD', builtinCode: 0, version: 1, inputs: [4, 1], outputs: [5] },
        ],
        inputs: [0], outputs: [5],
      });
      const x = exportTo(file, [2, 3]);
      expect(x.manifest.segments.map((s) => [s.inputs, s.outputs])).toEqual([
        [['x'], ['a', 'b']],
        [['b'], ['c']],
        [['a', 'c'], ['y']],
      ]);
      const r = right(await litertReport(x, { ...opts, samples: 3 }));
      expect(r.verdict).toBe('pass');
      expect((r.details as LitertValidation).outputs).toEqual([{ name: 'y', equal: true, differing: 0, elements: 24, maxAbsDiff: 0 }]);
    });
  });
});

describe('validate/litert (ports LiteRT.js cannot carry)', () => {
  describe('validateLitert', () => {
    it('should not check, and say why, a cut whose crossing tensor is bool', async () => {
      // x (float32) -> GREATER(x, 0) -> bool b -> CAST -> y (float32); the cut after op 0 crosses b.
      const file = tfliteFile('boolcut', {
        name: 'boolcut', source: 'test:boolcut',
        tensors: [
          { name: 'x', shape: [1, 4], dtype: 'float32', isConstant: false },
          { name: 'zero', shape: [1], dtype: 'float32', isConstant: true, data: new Uint8Array(4) },
          { name: 'b', shape: [1, 4], dtype: 'bool', isConstant: false },
          { name: 'y', shape: [1, 4], dtype: 'float32', isConstant: false },
        ],
        ops: [
          { type: 'GREATER', builtinCode: 61, version: 1, inputs: [0, 1], outputs: [2] },
          { type: 'CAST', builtinCode: 53, version: 1, inputs: [2], outputs: [3] },
        ],
        inputs: [0], outputs: [3],
      });
      const r = right(await litertReport(exportTo(file, [1]), opts));
      expect(r.verdict).toBe('not-checked');
      expect(r.summary).toMatch(/port\(s\) "b" \(bool\) that LiteRT.js can neither feed nor read/);
    });
  });
});
