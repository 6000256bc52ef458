import * as E from 'fp-ts/Either';
import { elementCount } from '../../src/graph/dtype';
import type { LayerGraph } from '../../src/graph/types';
import { openTflite, seededInputs, type TfliteArray } from '../../src/litert';
import { loadModel } from '../../src/model/load';
import { readTflite } from '../../src/tflite/reader';
import { writeTflite } from '../../src/tflite/writer';
import { zooNames } from '../../src/zoo';
import { graphDifferences } from '../tflite/writer-fixtures';

/**
 * "Real TFLite accepts what we write", shared by the main suite and the slow script: zoo models
 * up to MAIN_SUITE_PARAM_BYTES of parameters run in the main suite, the larger ones in
 * `npm run test:slow` (writing and running them takes seconds each).
 */
export const MAIN_SUITE_PARAM_BYTES = 10_000_000;

const paramBytes = (g: LayerGraph): number => g.ops.reduce((s, o) => s + o.paramBytes, 0);

function build(spec: string): LayerGraph {
  const g = loadModel(spec);
  if (E.isLeft(g)) throw new Error(`${spec}: ${JSON.stringify(g.left)}`);
  return g.right;
}

/** zoo:NAME specs on one side of the size split, from zooNames() so new models are covered. */
export function zooSpecs(side: 'main' | 'slow'): string[] {
  return zooNames()
    .map((n) => `zoo:${n}`)
    .filter((spec) => (paramBytes(build(spec)) <= MAIN_SUITE_PARAM_BYTES) === (side === 'main'));
}

export interface ZooCheck {
  /** Differences between the graph and its written-and-read-back twin (constant bytes aside). */
  readonly roundTrip: string[];
  /** Per graph output: [declared shape, dtype] in the graph and in the written file, and what LiteRT returned. */
  readonly outputs: { graph: [number[], string]; file: [number[], string]; got: [string, number]; distinct: number }[];
  /** Whether a second seeded input changed any output value. */
  readonly respondsToInput: boolean;
}

const ARRAY: Readonly<Record<string, string>> = { float32: 'Float32Array', int32: 'Int32Array', uint8: 'Uint8Array' };
export const expectedArray = (dtype: string, shape: readonly number[]): [string, number] => [ARRAY[dtype] ?? dtype, elementCount(shape)];

/** Builds, writes, reads back and runs a model twice (seeded inputs 1 and 2) in LiteRT. */
export async function checkModel(spec: string): Promise<ZooCheck> {
  const g = build(spec);
  const bytes = writeTflite(g, { seed: 0 });
  const back = readTflite(bytes, spec);
  if (E.isLeft(back)) throw new Error(`${spec}: written file unreadable: ${JSON.stringify(back.left)}`);
  const s = await openTflite(bytes, spec);
  if (E.isLeft(s)) throw new Error(`${spec}: ${JSON.stringify(s.left)}`);
  const runs: TfliteArray[][] = [];
  try {
    for (const seed of [1, 2]) {
      const r = await s.right.run(seededInputs(s.right.details.inputs, seed));
      if (E.isLeft(r)) throw new Error(`${spec}: ${JSON.stringify(r.left)}`);
      runs.push(r.right);
    }
  } finally {
    s.right.close();
  }
  const [a, b] = runs as [TfliteArray[], TfliteArray[]];
  return {
    roundTrip: graphDifferences(g, back.right, 'skip'),
    outputs: g.outputs.map((t, i) => ({
      graph: [[...g.tensors[t]!.shape], g.tensors[t]!.dtype],
      file: [[...s.right.details.outputs[i]!.shape], s.right.details.outputs[i]!.dtype],
      got: [a[i]!.constructor.name, a[i]!.length],
      distinct: new Set(a[i]!).size,
    })),
    respondsToInput: a.some((x, i) => x.some((v, k) => v !== b[i]![k])),
  };
}

/** The written model read back as built, ran with the declared outputs, varied and input-dependent. */
export function expectRunsAsWritten(c: ZooCheck): void {
  expect(c.roundTrip).toEqual([]);
  for (const o of c.outputs) {
    expect(o.file).toEqual(o.graph);
    expect(o.got).toEqual(expectedArray(o.graph[1], o.graph[0]));
    expect(o.distinct).toBeGreaterThan(1);
  }
  expect(c.respondsToInput).toBe(true);
}
