import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cpuReason, placementFacts, segmentPlacement, unmappableReason } from '../../cost-models/placement';
import { buildGraph } from '../../src/graph/build';
import type { LayerGraph, OpSpec, TensorSpec } from '../../src/graph/types';
import { readTflite } from '../../src/tflite/reader';
import { describeShared, SHARED } from '../helpers/shared';
import { chain } from './graphs';

const q = { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 };

/** A DAG: in -> A -> (B -> X -> C) and (A -> D), with X an op the TPU cannot run, joined by E. */
function branches(): LayerGraph {
  const tensors: TensorSpec[] = [];
  const t = (name: string): number => (tensors.push({ name, shape: [1, 4], dtype: 'int8', isConstant: false, quantization: q }), tensors.length - 1);
  const [x, a, b, g, c, d, e] = ['in', 'a', 'b', 'x', 'c', 'd', 'e'].map(t) as [number, number, number, number, number, number, number];
  const op = (type: string, inputs: number[], outputs: number[]): OpSpec => ({ type, builtinCode: 0, version: 1, inputs, outputs });
  return buildGraph({
    name: 'branches', source: 'test', tensors, inputs: [x], outputs: [e],
    ops: [op('RELU', [x], [a]), op('RELU', [a], [b]), op('GATHER', [b], [g]), op('RELU', [g], [c]), op('RELU', [a], [d]), op('ADD', [c, d], [e])],
  });
}

describe('cost-models/placement', () => {
  describe('unmappableReason', () => {
    it('should leave float activations and unknown op types to the host, with the reason', () => {
      const g = chain([{ kind: 'fc', units: 4 }, { kind: 'cpu', type: 'ARG_MAX' }], { input: [8], floatEdges: true });
      expect(g.ops.map((o) => unmappableReason(g, o) ?? 'maps')).toEqual([
        'QUANTIZE has a float32 activation (the Edge TPU computes 8-bit quantized tensors only)', 'maps',
        'ARG_MAX is not an Edge TPU op', 'DEQUANTIZE is not an Edge TPU op',
      ]);
    });
  });

  describe('segmentPlacement', () => {
    it('should keep everything after the first unmappable op of a chain on the host, and map it again in a segment of its own', () => {
      const g = chain([{ kind: 'fc', units: 4 }, { kind: 'cpu', type: 'GATHER' }, { kind: 'fc', units: 4 }, { kind: 'relu' }], { input: [8] });
      expect(segmentPlacement(g)).toEqual(['tpu', 'cpu', 'cpu', 'cpu']);
      // Cut after GATHER: the second segment is compiled on its own and maps again.
      expect(segmentPlacement(g, 2, 4)).toEqual(['tpu', 'tpu']);
      // A segment that starts at GATHER runs it on the host ahead of its TPU subgraph.
      expect(segmentPlacement(g, 1, 4)).toEqual(['cpu', 'tpu', 'tpu']);
      expect(cpuReason(g, 0, 2)).toMatch(/after an op the TPU cannot run/);
      expect(cpuReason(g, 1, 2)).toBeUndefined();
    });

    it('should map the branches of a DAG that do not depend on the unmappable op', () => {
      const g = branches();
      // RELU(a), RELU(b), GATHER, RELU(c), RELU(d), ADD: c and the ADD depend on GATHER, d does not.
      expect(segmentPlacement(g)).toEqual(['tpu', 'tpu', 'cpu', 'cpu', 'tpu', 'cpu']);
      expect(Array.from(placementFacts(g).tail)).toEqual([-1, -1, 1, 1, -1, 1]);
    });

    it('should leave a leading host op (a float input quantized) ahead of the TPU subgraph', () => {
      const g = chain([{ kind: 'conv', filters: 4 }, { kind: 'relu' }], { input: [4, 4, 3], floatEdges: true });
      expect(segmentPlacement(g)).toEqual(['cpu', 'tpu', 'tpu', 'cpu']);
      expect(Array.from(placementFacts(g).tail)).toEqual([-1, -1, -1, 2]);
    });
  });

  describeShared('the compiled twins in ../shared/models', () => {
    const dir = path.join(SHARED, 'models');
    const read = (f: string): LayerGraph => {
      const r = readTflite(new Uint8Array(fs.readFileSync(path.join(dir, f))), f);
      if (E.isLeft(r)) throw new Error(`${f}: unreadable`);
      return r.right;
    };
    const pairs = fs.readdirSync(dir).filter((f) => f.endsWith('_edgetpu.tflite') && fs.existsSync(path.join(dir, f.replace(/_edgetpu\.tflite$/, '.tflite'))));

    it('should have twins to check', () => {
      expect(pairs.length).toBeGreaterThanOrEqual(8);
    });

    it.each(pairs)('%s: the ops predicted on the host are those the twin keeps outside its edgetpu-custom-op', (twin) => {
      const g = read(twin.replace(/_edgetpu\.tflite$/, '.tflite'));
      const placed = segmentPlacement(g);
      const host = g.ops.filter((_, i) => placed[i] === 'cpu').map((o) => o.type).sort();
      const compiled = read(twin).ops.filter((o) => o.type !== 'edgetpu-custom-op').map((o) => o.type).sort();
      expect(host).toEqual(compiled);
    });

    it('should leave DeepLab v3 last 8 ops on the host, from its 1x1 -> 33x33 align-corners resize on', () => {
      const g = read('deeplabv3_mnv2_dm05_pascal_quant.tflite');
      const placed = segmentPlacement(g);
      expect(placed.map((p, i) => (p === 'cpu' ? i : -1)).filter((i) => i >= 0)).toEqual([64, 65, 66, 67, 68, 69, 70, 71]);
      expect(unmappableReason(g, g.ops[64]!)).toMatch(/RESIZE_BILINEAR whose output size is not an exact multiple/);
    });
  });
});
