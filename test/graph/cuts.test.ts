import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import { rangeIndex } from '../../src/graph/cuts';
import type { LayerGraph } from '../../src/graph/types';
import { readTflite } from '../../src/tflite/reader';
import { describeShared, sharedPath } from '../helpers/shared';
import { skipGraph } from './graphs.fixture';

/** Definition-based answers, quadratic and obviously right. */
const naive = (g: LayerGraph) => {
  const isOut = (t: number): boolean => g.outputs.includes(t);
  const acts = g.tensors.filter((t) => !t.isConstant);
  const bytes = (ts: number[]): number => ts.reduce((s, t) => s + g.tensors[t]!.bytes, 0);
  const sum = (a: number, b: number, f: (i: number) => number): number => {
    let s = 0;
    for (let i = a; i < b; i++) s += f(i);
    return s;
  };
  return {
    paramBytes: (a: number, b: number) => sum(a, b, (i) => g.ops[i]!.paramBytes),
    macs: (a: number, b: number) => sum(a, b, (i) => g.ops[i]!.macs),
    crossing: (c: number) =>
      acts.filter((t) => t.producer < c && (t.consumers.some((k) => k >= c) || isOut(t.index))).map((t) => t.index),
    rangeInputs: (a: number, b: number) =>
      acts.filter((t) => t.producer < a && t.consumers.some((k) => k >= a && k < b)).map((t) => t.index),
    rangeOutputs: (a: number, b: number) =>
      acts.filter((t) => t.producer >= a && t.producer < b && (t.consumers.some((k) => k >= b) || isOut(t.index))).map((t) => t.index),
    bytes,
  };
};

/** Compares every query for every range [a, b) with 0 <= a <= b <= n; returns the first mismatches. */
function mismatches(g: LayerGraph): string[] {
  const idx = rangeIndex(g);
  const ref = naive(g);
  const n = g.ops.length;
  const out: string[] = [];
  const eq = (what: string, got: unknown, want: unknown): void => {
    if (out.length < 10 && JSON.stringify(got) !== JSON.stringify(want)) out.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  for (let c = 0; c <= n; c++) {
    eq(`crossing(${c})`, idx.crossing(c), ref.crossing(c));
    eq(`crossingBytes(${c})`, idx.crossingBytes(c), ref.bytes(ref.crossing(c)));
  }
  const inRow = new Float64Array(n + 1);
  const outRow = new Float64Array(n + 1);
  for (let b = 1; b <= n; b++) {
    // Whole rows, and a part of the row ending before b.
    for (const [lo, hi] of [[0, b], [Math.floor(b / 3), Math.ceil((2 * b) / 3)]] as const) {
      inRow.fill(-1);
      outRow.fill(-1);
      idx.rangeInputBytesRow(b, lo, hi, inRow);
      idx.rangeOutputBytesRow(b, lo, hi, outRow);
      for (let a = 0; a <= n; a++) {
        const inside = a >= lo && a < hi;
        eq(`rangeInputBytesRow(${b},${lo},${hi})[${a}]`, inRow[a], inside ? idx.rangeInputBytes(a, b) : -1);
        eq(`rangeOutputBytesRow(${b},${lo},${hi})[${a}]`, outRow[a], inside ? idx.rangeOutputBytes(a, b) : -1);
      }
    }
  }
  for (let a = 0; a <= n; a++) {
    for (let b = a; b <= n; b++) {
      eq(`paramBytes(${a},${b})`, idx.paramBytes(a, b), ref.paramBytes(a, b));
      eq(`macs(${a},${b})`, idx.macs(a, b), ref.macs(a, b));
      const ins = ref.rangeInputs(a, b);
      const outs = ref.rangeOutputs(a, b);
      eq(`rangeInputs(${a},${b})`, idx.rangeInputs(a, b), ins);
      eq(`rangeInputBytes(${a},${b})`, idx.rangeInputBytes(a, b), ref.bytes(ins));
      eq(`rangeOutputs(${a},${b})`, idx.rangeOutputs(a, b), outs);
      eq(`rangeOutputBytes(${a},${b})`, idx.rangeOutputBytes(a, b), ref.bytes(outs));
    }
  }
  return out;
}

describe('graph/cuts', () => {
  describe('rangeIndex', () => {
    const g = skipGraph();
    const idx = rangeIndex(g);

    it('should list skip-ahead tensors at every cut they span', () => {
      expect([0, 1, 2, 3, 4, 5].map((c) => idx.crossing(c))).toEqual([
        [0],
        [0, 1],
        [0, 1, 2],
        [0, 1, 2, 3],
        [0, 2, 4],
        [2, 5],
      ]);
      expect(idx.crossingBytes(3)).toBe(10 + 20 + 30 + 40);
    });

    it('should give a range its outside inputs and its outputs used later or by the model', () => {
      expect(idx.rangeInputs(2, 4)).toEqual([1, 2]);
      expect(idx.rangeInputBytes(2, 4)).toBe(50);
      expect(idx.rangeOutputs(1, 3)).toEqual([2, 3]);
      expect(idx.rangeOutputBytes(1, 3)).toBe(70);
      expect(idx.rangeOutputs(0, 1)).toEqual([1]);
      expect(idx.rangeInputs(4, 5)).toEqual([0, 4]);
      expect(idx.rangeOutputs(0, 5)).toEqual([2, 5]);
      expect(idx.rangeInputs(0, 5)).toEqual([0]);
    });

    it('should sum parameter bytes and MACs over a range, zero for an empty range', () => {
      expect(idx.paramBytes(0, 5)).toBe(7);
      expect(idx.paramBytes(3, 4)).toBe(7);
      expect(idx.paramBytes(0, 3)).toBe(0);
      expect(idx.paramBytes(2, 2)).toBe(0);
      expect(idx.rangeInputs(2, 2)).toEqual([]);
      expect(idx.rangeOutputs(2, 2)).toEqual([]);
    });

    it('should record last uses: n for model outputs, -1 for constants', () => {
      expect(Array.from(idx.lastUse)).toEqual([4, 3, 5, 3, 4, 5, -1]);
    });

    it('should reject ranges outside 0..n', () => {
      expect(() => idx.paramBytes(-1, 2)).toThrow(RangeError);
      expect(() => idx.rangeInputs(3, 2)).toThrow(RangeError);
      expect(() => idx.crossing(6)).toThrow(RangeError);
      expect(() => idx.macs(0, 1.5)).toThrow(RangeError);
    });

    it('should agree with the definitions on every range of the hand-built graph', () => {
      expect(mismatches(g)).toEqual([]);
    });
  });
});

describeShared('graph/cuts on real models', () => {
  describe('rangeIndex', () => {
    const read = (rel: string): LayerGraph => {
      const r = readTflite(fs.readFileSync(sharedPath('models', rel)), rel);
      if (E.isLeft(r)) throw new Error(rel);
      return r.right;
    };

    it.each([
      'mobilenet_v2_1.0_224_quant.tflite',
      'split_concat.tflite',
      'ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite',
      'deeplabv3_mnv2_dm05_pascal_quant.tflite',
      'movenet_single_pose_lightning_ptq.tflite',
      'coral_pipeline/ssd_mobilenet_v2_coco_quant_postprocess_segment_3_of_4_edgetpu.tflite',
    ])('should agree with the definitions on every range of %s', (rel) => {
      expect(mismatches(read(rel))).toEqual([]);
    });

    it('should see the residual skip of MobileNet v2 cross the cut inside a bottleneck block', () => {
      const g = read('mobilenet_v2_1.0_224_quant.tflite');
      const idx = rangeIndex(g);
      const add = g.ops.findIndex((o) => o.type === 'ADD');
      const skip = g.ops[add]!.inputs.find((t) => g.tensors[t]!.producer < add - 1)!;
      const from = g.tensors[skip]!.producer;
      for (let c = from + 1; c <= add; c++) expect(idx.crossing(c)).toContain(skip);
      expect(idx.crossing(add - 1).length).toBe(2);
      expect(idx.crossing(add + 1).length).toBe(1);
    });

    it('should give the SSD head its 12 model inputs as the inputs of the whole range', () => {
      const g = read('ssd_mobilenet_v1_coco_quant_postprocess_head_layers.tflite');
      const idx = rangeIndex(g);
      expect(idx.rangeInputs(0, g.ops.length)).toEqual([...g.inputs].sort((a, b) => a - b));
      expect(idx.rangeOutputs(0, g.ops.length)).toEqual([...g.outputs].sort((a, b) => a - b));
    });
  });
});
