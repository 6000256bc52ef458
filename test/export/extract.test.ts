import * as E from 'fp-ts/Either';
import { buildGraph } from '../../src/graph/build';
import type { LayerGraph, OpSpec, TensorSpec } from '../../src/graph/types';
import { checkCuts, extractSegments, segmentStem, type Segmentation } from '../../src/export/extract';

const act = (name: string): TensorSpec => ({ name, shape: [1, 4], dtype: 'uint8', isConstant: false });
const weight = (name: string, byte: number): TensorSpec =>
  ({ name, shape: [4], dtype: 'uint8', isConstant: true, data: new Uint8Array([byte, byte, byte, byte]) });
const op = (type: string, builtinCode: number, inputs: number[], outputs: number[]): OpSpec =>
  ({ type, builtinCode, version: 1, inputs, outputs });

/**
 * x(0) -SPLIT-> t0(1), s(2); t0 -ADD w0(3)-> t1(4); t1 -RELU-> t2(5); ADD(t2, s) -> y(6); ADD(y, w0) -> z(7).
 * s skips ahead from op 0 to op 3; w0 is shared by ops 1 and 4; y and z are model outputs.
 */
function skipGraph(): LayerGraph {
  return buildGraph({
    name: 'skip',
    source: 'test:skip',
    tensors: [act('x'), act('t0'), act('s'), weight('w0', 7), act('t1'), act('t2'), act('y'), act('z')],
    ops: [
      op('SPLIT', 49, [0], [1, 2]),
      op('ADD', 0, [1, 3], [4]),
      op('RELU', 19, [4], [5]),
      op('ADD', 0, [5, 2], [6]),
      op('ADD', 0, [6, 3], [7]),
    ],
    inputs: [0],
    outputs: [7, 6],
  });
}

const names = (g: LayerGraph, ts: readonly number[]): string[] => ts.map((t) => g.tensors[t]!.name);
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

describe('export/extract', () => {
  describe('segmentStem', () => {
    it('should name segments as the Edge TPU compiler does', () => {
      expect(segmentStem('mobilenet', 1, 3)).toBe('mobilenet_segment_1_of_3');
    });
  });

  describe('checkCuts', () => {
    const g = skipGraph();
    it('should accept strictly increasing cuts in 1..n-1 and no cuts at all', () => {
      expect(E.isRight(checkCuts(g, [1, 4]))).toBe(true);
      expect(E.isRight(checkCuts(g, []))).toBe(true);
    });
    it('should reject cuts that would make an empty segment or fall outside the graph', () => {
      for (const cuts of [[0], [5], [2, 2], [3, 1], [1.5]]) {
        const r = checkCuts(g, cuts);
        expect(E.isLeft(r) && r.left._tag).toBe('ExportFailed');
      }
    });
  });

  describe('extractSegments', () => {
    it('should give each segment exactly its ops and the tensors they touch', () => {
      const { segments } = right(extractSegments(skipGraph(), [1, 3]));
      expect(segments.map((s) => [s.first, s.end])).toEqual([[0, 1], [1, 3], [3, 5]]);
      expect(segments.map((s) => s.graph.ops.map((o) => o.type))).toEqual([['SPLIT'], ['ADD', 'RELU'], ['ADD', 'ADD']]);
      expect(segments.map((s) => s.graph.name)).toEqual(['skip_segment_0_of_3', 'skip_segment_1_of_3', 'skip_segment_2_of_3']);
      const s1 = segments[1]!.graph;
      expect(s1.tensors.map((t) => t.name)).toEqual(['t0', 'w0', 't1', 't2']);
      expect(s1.ops[0]!.inputs).toEqual([0, 1]);
      expect(s1.ops[1]!.outputs).toEqual([3]);
    });
    it('should route a skip-ahead tensor from its producer to the segment that reads it', () => {
      const g = skipGraph();
      const { segments } = right(extractSegments(g, [1, 3]));
      expect(segments.map((s) => [names(g, s.inputs), names(g, s.outputs)])).toEqual([
        [['x'], ['t0', 's']],
        [['t0'], ['t2']],
        [['s', 't2'], ['z', 'y']],
      ]);
      // The sub-graph's own ports carry the same names, in the same order.
      const last = segments[2]!.graph;
      expect(names(last, last.inputs)).toEqual(['s', 't2']);
      expect(names(last, last.outputs)).toEqual(['z', 'y']);
    });
    it('should duplicate a constant shared by two segments, data included', () => {
      const { segments } = right(extractSegments(skipGraph(), [4]));
      for (const s of segments) {
        const w = s.graph.tensors.find((t) => t.name === 'w0')!;
        expect(w.isConstant).toBe(true);
        expect([...w.data!]).toEqual([7, 7, 7, 7]);
        expect(w.producer).toBe(-1);
      }
      expect(segments.map((s) => s.graph.ops.reduce((sum, o) => sum + o.paramBytes, 0))).toEqual([4, 4]);
    });
    it('should return the whole graph as one segment when there are no cuts', () => {
      const g = skipGraph();
      const { segments } = right(extractSegments(g, []));
      expect(segments).toHaveLength(1);
      expect(segments[0]!.graph.tensors.map((t) => t.name)).toEqual(g.tensors.map((t) => t.name));
      expect(names(g, segments[0]!.outputs)).toEqual(['z', 'y']);
    });
    it('should warn when a non-final segment makes a model output nobody later reads, or a later segment reads a model input', () => {
      const g = buildGraph({
        name: 'early', source: 'test:early',
        tensors: [act('x'), act('a'), act('b')],
        ops: [op('RELU', 19, [0], [1]), op('RELU', 19, [0], [2])],
        inputs: [0], outputs: [1, 2],
      });
      const r: Segmentation = right(extractSegments(g, [1]));
      expect(r.warnings).toHaveLength(2);
      expect(r.warnings[0]).toContain('model output "a" is produced by segment 0');
      expect(r.warnings[1]).toContain('model input "x" is read by segment 1');
      expect(names(g, r.segments[1]!.inputs)).toEqual(['x']);
    });
    it('should refuse boundary tensors whose names are not unique', () => {
      const g = buildGraph({
        name: 'dup', source: 'test:dup',
        tensors: [act('x'), act('same'), act('same')],
        ops: [op('RELU', 19, [0], [1]), op('RELU', 19, [1], [2])],
        inputs: [0], outputs: [2],
      });
      const r = extractSegments(g, [1]);
      expect(E.isLeft(r) && r.left._tag === 'ExportFailed' && r.left.message).toContain('"same"');
    });
    it('should refuse a graph whose ops are not in topological order', () => {
      const g = buildGraph({
        name: 'unordered', source: 'test:unordered',
        tensors: [act('x'), act('a'), act('b')],
        ops: [op('RELU', 19, [1], [2]), op('RELU', 19, [0], [1])],
        inputs: [0], outputs: [2],
      });
      expect(E.isLeft(extractSegments(g, [1]))).toBe(true);
    });
  });
});
