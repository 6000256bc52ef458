import * as E from 'fp-ts/Either';
import { firstDifference, liteRtLog, modelDetails, openTflite, runTflite, seededInputs, type TfliteArray } from '../../src/litert';
import type { TpusegError } from '../../src/errors';
import { writeTflite } from '../../src/tflite/writer';
import { handGraph, q, Spec, specGraph } from '../tflite/writer-fixtures';

const right = <A>(r: E.Either<TpusegError, A>): A => {
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
};
const message = (r: E.Either<TpusegError, unknown>): string =>
  E.isLeft(r) && 'message' in r.left ? `${r.left._tag}: ${r.left.message}` : 'no error';

const HAND = writeTflite(handGraph(), { seed: 1 });
const input = (seed: number): TfliteArray[] => seededInputs(right(modelDetails(HAND)).inputs, seed);

/** int8 in, int8 out: a graph LiteRT.js cannot feed. */
function int8Io(): Uint8Array {
  const s = new Spec();
  const x = s.tensor('x', 'int8', [1, 4], { quantization: q(0.1) });
  const y = s.tensor('y', 'int8', [1, 4], { quantization: q(0.1) });
  s.op('RELU', [x], [y], 2);
  return writeTflite(specGraph(s, [x], [y]));
}

function customOp(code: string): Uint8Array {
  const s = new Spec();
  const x = s.tensor('x', 'uint8', [1, 4], { quantization: q(0.1, 128) });
  const y = s.tensor('y', 'uint8', [1, 4], { quantization: q(0.1, 128) });
  s.ops.push({ type: code, builtinCode: 32, customCode: code, version: 1, inputs: [x], outputs: [y] });
  return writeTflite(specGraph(s, [x], [y]));
}

/** A conv whose filter has 5 input channels for a 3-channel input: valid flatbuffer, rejected by TFLite's kernel. */
function misshapen(): Uint8Array {
  const s = new Spec();
  const x = s.tensor('x', 'float32', [1, 4, 4, 3]);
  const w = s.constant('w', 'float32', [2, 3, 3, 5]);
  const b = s.constant('b', 'float32', [2]);
  const y = s.tensor('y', 'float32', [1, 4, 4, 2]);
  s.op('CONV_2D', [x, w, b], [y], 1, { type: 'Conv2DOptions', fields: { padding: 0, strideW: 1, strideH: 1 } });
  return writeTflite(specGraph(s, [x], [y]));
}

describe('litert', () => {
  describe('modelDetails', () => {
    it('should list graph inputs and outputs with names, shapes and dtypes, and no limits for a runnable file', () => {
      expect(right(modelDetails(HAND))).toEqual({
        inputs: [{ name: 'input', shape: [1, 8, 8, 3], dtype: 'float32' }],
        outputs: [{ name: 'probs', shape: [1, 10], dtype: 'float32' }],
        customOps: [],
        limits: [],
      });
    });

    it('should report int8 graph I/O and unresolved custom ops as limits', () => {
      expect(right(modelDetails(int8Io())).limits).toEqual([
        'graph input "x" is int8', 'graph output "y" is int8', 'LiteRT.js feeds and reads only float32, int32, uint8',
      ]);
      expect(right(modelDetails(customOp('edgetpu-custom-op'))).limits).toEqual([
        'custom op "edgetpu-custom-op" is not built into TFLite (LiteRT would run it as garbage)',
      ]);
      expect(right(modelDetails(customOp('TFLite_Detection_PostProcess'))).limits).toEqual([]);
    });

    it('should refuse bytes that are not a TFLite file', () => {
      expect(modelDetails(new Uint8Array(64), 'junk.bin')).toEqual(E.left({ _tag: 'ModelUnreadable', file: 'junk.bin', message: 'no TFL3 file identifier' }));
    });
  });

  describe('runTflite', () => {
    it('should run a written int8 graph and return its float output', async () => {
      const [probs] = right(await runTflite(HAND, input(1)));
      expect(probs).toBeInstanceOf(Float32Array);
      expect(probs!.length).toBe(10);
      // Dequantized int8 softmax: sums to 1 within one quantum (1/256) per class.
      expect(Math.abs(Array.from(probs!).reduce((s, p) => s + p, 0) - 1)).toBeLessThan(10 / 256);
      expect(new Set(probs).size).toBeGreaterThan(1);
    });

    it('should be deterministic for the same inputs and respond to other inputs', async () => {
      const a = right(await runTflite(HAND, input(1)));
      const b = right(await runTflite(HAND, input(1)));
      const c = right(await runTflite(HAND, input(2)));
      expect(firstDifference(a, b)).toBeUndefined();
      expect(firstDifference(a, c)).toMatch(/^output 0: first difference at element \d+/);
    });

    it('should refuse unrunnable files before LiteRT sees them', async () => {
      expect(message(await runTflite(int8Io(), [new Int32Array(4)], 'int8.tflite'))).toBe(
        'Unavailable: LiteRT cannot run int8.tflite: graph input "x" is int8; graph output "y" is int8; LiteRT.js feeds and reads only float32, int32, uint8',
      );
      expect(message(await runTflite(customOp('edgetpu-custom-op'), [new Uint8Array(4)], 'tpu.tflite'))).toBe(
        'Unavailable: LiteRT cannot run tpu.tflite: custom op "edgetpu-custom-op" is not built into TFLite (LiteRT would run it as garbage)',
      );
    });

    it('should turn a model TFLite rejects into ModelUnreadable with its logged errors, and keep working afterwards', async () => {
      const r = await runTflite(misshapen(), [new Float32Array(48)], 'bad.tflite');
      expect(message(r)).toMatch(/^ModelUnreadable: LiteRT failed to run it: ERROR: .*CONV_2D.* failed to prepare/);
      expect(E.isRight(await runTflite(HAND, input(1)))).toBe(true);
    });

    it('should check input count, type and length', async () => {
      expect(message(await runTflite(HAND, [], 'm'))).toBe('Usage: m takes 1 input(s), got 0');
      expect(message(await runTflite(HAND, [new Uint8Array(192)], 'm'))).toBe(
        'Usage: m: input 0 "input" is float32 and needs a Float32Array, got a Uint8Array',
      );
      expect(message(await runTflite(HAND, [new Float32Array(191)], 'm'))).toBe(
        'Usage: m: input 0 "input" has shape [1,8,8,3] (192 values), got 191',
      );
    });

    it('should keep LiteRT output off the terminal, in its log', async () => {
      right(await runTflite(HAND, input(1)));
      expect(liteRtLog().some((l) => l.includes('XNNPACK'))).toBe(true);
    });
  });

  describe('openTflite', () => {
    it('should run a compiled model repeatedly until closed', async () => {
      const s = right(await openTflite(HAND, 'hand'));
      const a = right(await s.run(input(3)));
      const b = right(await s.run(input(3)));
      expect(firstDifference(a, b)).toBeUndefined();
      s.close();
      expect(() => s.run(input(3))).toThrow('openTflite(hand): run after close');
    });
  });
});
