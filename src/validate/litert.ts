import * as E from 'fp-ts/Either';
import { segmentInvalid, unavailable, type TpusegError } from '../errors';
import { rangeIndex } from '../graph/cuts';
import type { LayerGraph } from '../graph/types';
import { segmentPorts, subGraph } from '../export/extract';
import { BUILTIN_CUSTOM_OPS, FEEDABLE_DTYPES, firstDifference, openTflite, runTflite, seededInputs, type TfliteArray, type TfliteSession } from '../litert';
import { deriveSeed, rng } from '../rng';
import { writeTflite } from '../tflite/writer';
import { bridgeCheckExpected, bridgeCheckModel, bridgeInt8Ports, dequantized, int8Params } from './bridge';
import { compareOutputs, type OutputComparison } from './compare';

/**
 * The `litert` backend: runs the whole model and the chain of exported segments in real TFLite
 * (LiteRT.js on this CPU) on seeded random inputs, routes tensors between segments by name, and
 * requires bit-exact equal outputs. int8 ports go through checked float32 bridges (bridge.ts).
 * What cannot be run here (custom ops TFLite lacks, ports of other types) is reported as not
 * checked, with the reason, never as a pass. A model output LiteRT.js cannot read (e.g. int64
 * from ARG_MAX) is handled by checking everything before the first op that makes one.
 */

export interface Unit {
  readonly label: string;
  /** The file's bytes and the graph read from them. */
  readonly bytes: Uint8Array;
  readonly graph: LayerGraph;
}

export interface LitertOptions {
  readonly seed: string | number;
  /** Seeded input sets run through both. */
  readonly samples: number;
  /** Timed runs per model for the CPU time (median), after the run whose outputs are compared; 0 times that first run. */
  readonly repeats: number;
}

export interface LitertSegmentRun {
  readonly index: number;
  readonly label: string;
  readonly cpuMs: number;
  readonly bridgedPorts: readonly string[];
  /** Set when only ops [0, opsChecked) of the segment were run (see `LitertValidation.checkedOps`). */
  readonly opsChecked: number;
}

export interface LitertValidation {
  readonly backend: 'litert';
  readonly verdict: 'bit-exact' | 'differs' | 'not-checked';
  /** Why it was not checked, or what was left out of the check. */
  readonly notes: readonly string[];
  /** Ops [0, checkedOps) of the whole model were compared. */
  readonly checkedOps: number;
  readonly totalOps: number;
  readonly samples: number;
  readonly seed: string;
  readonly wholeCpuMs?: number;
  readonly segments: readonly LitertSegmentRun[];
  readonly bridges: readonly { scale: number; zeroPoint: number; exact: boolean }[];
  readonly outputs: readonly OutputComparison[];
}

const runnable = (dtype: string): boolean => (FEEDABLE_DTYPES as readonly string[]).includes(dtype);

/** Reasons nothing can be checked, before running anything. */
function blockers(whole: Unit, segments: readonly Unit[]): string[] {
  const reasons: string[] = [];
  for (const u of [whole, ...segments]) {
    const custom = [...new Set(u.graph.ops.filter((o) => o.customCode !== undefined && !BUILTIN_CUSTOM_OPS.includes(o.customCode)).map((o) => o.customCode!))];
    if (custom.length > 0) {
      reasons.push(`${u.label} holds custom op(s) ${custom.map((c) => `"${c}"`).join(', ')} that TFLite on a CPU cannot run${custom.includes('edgetpu-custom-op') ? ' (it is already compiled for the Edge TPU: export the uncompiled model instead)' : ''}`);
    }
  }
  for (const i of whole.graph.inputs) {
    const t = whole.graph.tensors[i]!;
    if (!runnable(t.dtype) && !int8Params(t)) reasons.push(`model input "${t.name}" is ${t.dtype}: LiteRT.js feeds only ${FEEDABLE_DTYPES.join(', ')} (and int8 through a bridge)`);
  }
  return reasons;
}

/**
 * Ops LiteRT.js runs but not reliably on random inputs: its TFLite_Detection_PostProcess crashes
 * the wasm module (memory access out of bounds) on random box encodings, and leaves its outputs
 * unset when nothing is detected, so its outputs cannot be compared.
 */
const UNRELIABLE_OPS: readonly string[] = ['TFLite_Detection_PostProcess'];

/** First op whose model output LiteRT.js cannot read, or that it cannot run reliably; n when there is none. */
function checkableEnd(g: LayerGraph): { end: number; why?: string } {
  let end = g.ops.length;
  let why: string | undefined;
  const unreliable = g.ops.findIndex((op) => UNRELIABLE_OPS.includes(op.customCode ?? op.type));
  if (unreliable >= 0) {
    end = unreliable;
    why = `${g.ops[unreliable]!.customCode ?? g.ops[unreliable]!.type} cannot be compared in LiteRT.js (on random inputs it crashes the wasm runtime, and it leaves its outputs unset when nothing is detected)`;
  }
  for (const o of g.outputs) {
    const t = g.tensors[o]!;
    if (runnable(t.dtype) || int8Params(t) || t.producer < 0 || t.producer >= end) continue;
    end = t.producer;
    why = `model output "${t.name}" is ${t.dtype}, which LiteRT.js cannot read`;
  }
  return why === undefined ? { end } : { end, why };
}

/** Ops [0, k) of g as a model whose outputs are everything crossing cut k; g itself when k covers it. */
function prefix(g: LayerGraph, k: number): LayerGraph {
  if (k >= g.ops.length) return g;
  const { inputs, outputs } = segmentPorts(g, rangeIndex(g), 0, k);
  return subGraph(g, 0, k, inputs, outputs, `${g.name}_ops_0_${k - 1}`);
}

/** Written bytes in a buffer of their own: flatbuffers' typed-array views need 4-byte aligned offsets, which a builder's sub-array need not have. */
const written = (g: LayerGraph): Uint8Array => writeTflite(g).slice();

interface Prepared {
  readonly label: string;
  readonly bytes: Uint8Array;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly bridged: readonly string[];
  readonly params: readonly { scale: number; zeroPoint: number }[];
  readonly graph: LayerGraph;
  /** Ports that stay of a type LiteRT.js cannot feed or read, even after bridging. */
  readonly unfeedable: readonly string[];
}

/** The bytes to run for a unit cut to its first k ops: the file itself when nothing had to change. */
function prepare(u: Unit, k: number): Prepared {
  const cut = prefix(u.graph, k);
  const b = bridgeInt8Ports(cut);
  const changed = cut !== u.graph || b.params.length > 0;
  const names = (ts: readonly number[]): string[] => ts.map((t) => cut.tensors[t]!.name);
  return {
    label: u.label,
    bytes: changed ? written(b.graph) : u.bytes,
    inputNames: names(cut.inputs),
    outputNames: names(cut.outputs),
    bridged: [...names(cut.inputs).filter((_, i) => b.bridgedInputs[i]), ...names(cut.outputs).filter((_, i) => b.bridgedOutputs[i])],
    params: b.params,
    graph: cut,
    unfeedable: [...b.graph.inputs, ...b.graph.outputs]
      .map((t) => b.graph.tensors[t]!)
      .filter((t) => !runnable(t.dtype))
      .map((t) => `"${t.name}" (${t.dtype})`),
  };
}

async function checkBridges(params: readonly { scale: number; zeroPoint: number }[]): Promise<E.Either<TpusegError, LitertValidation['bridges']>> {
  const out: { scale: number; zeroPoint: number; exact: boolean }[] = [];
  const seen = new Set<string>();
  for (const p of params) {
    const key = `${Math.fround(p.scale)}/${p.zeroPoint}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const r = await runTflite(written(bridgeCheckModel(p.scale, p.zeroPoint)), [Uint8Array.from({ length: 256 }, (_, i) => i)], `int8 bridge check (scale ${p.scale}, zero point ${p.zeroPoint})`);
    if (E.isLeft(r)) return r;
    const want = bridgeCheckExpected(p.scale, p.zeroPoint);
    out.push({ ...p, exact: firstDifference(r.right, [want.f, want.out]) === undefined });
  }
  return E.right(out);
}

/** Seeded inputs by name: int8 ports get the float32 of a uniform int8 value. */
function inputsFor(g: LayerGraph, seed: string, sample: number): Map<string, TfliteArray> {
  const feeds = new Map<string, TfliteArray>();
  g.inputs.forEach((i) => {
    const t = g.tensors[i]!;
    const p = int8Params(t);
    const n = t.shape.reduce((a, d) => a * Math.max(d, 0), 1);
    if (p) {
      const r = rng(deriveSeed(seed, 'int8-input', sample, t.name));
      feeds.set(t.name, Float32Array.from({ length: n }, () => dequantized(r.int(-128, 127), p)));
    } else {
      feeds.set(t.name, seededInputs([{ name: t.name, shape: t.shape, dtype: t.dtype }], deriveSeed(seed, sample))[0]!);
    }
  });
  return feeds;
}

/** Runs one prepared model on every sample's environment; returns the median time of `repeats` extra runs. */
async function runOn(p: Prepared, envs: Map<string, TfliteArray>[], repeats: number): Promise<E.Either<TpusegError, number>> {
  const opened = await openTflite(p.bytes, p.label);
  if (E.isLeft(opened)) return opened;
  const s = opened.right;
  try {
    return await timedRuns(p, s, envs, repeats);
  } catch (e) {
    return E.left(unavailable(`LiteRT crashed running ${p.label} (${(e as Error).message}); this model cannot be checked with LiteRT.js`));
  } finally {
    s.close();
  }
}

/** Runs the model on every environment (outputs stored by name); returns its CPU ms (median). */
async function timedRuns(p: Prepared, s: TfliteSession, envs: Map<string, TfliteArray>[], repeats: number): Promise<E.Either<TpusegError, number>> {
  const times: number[] = [];
  for (const [k, env] of envs.entries()) {
    const missing = p.inputNames.filter((n) => !env.has(n));
    if (missing.length > 0) return E.left(segmentInvalid(`${p.label} reads ${missing.map((n) => `"${n}"`).join(', ')}, which no earlier segment produces`));
    const feeds = p.inputNames.map((n) => env.get(n)!);
    const t0 = performance.now();
    const r = await s.run(feeds);
    if (k === 0 && repeats === 0) times.push(performance.now() - t0);
    if (E.isLeft(r)) return r;
    p.outputNames.forEach((n, i) => env.set(n, r.right[i]!));
    for (let rep = 0; k === 0 && rep < repeats; rep++) {
      const t1 = performance.now();
      const again = await s.run(feeds);
      times.push(performance.now() - t1);
      if (E.isLeft(again)) return again;
    }
  }
  times.sort((a, b) => a - b);
  return E.right(times[Math.floor(times.length / 2)] ?? Number.NaN);
}

export async function validateLitert(whole: Unit, segments: readonly (Unit & { first: number })[], o: LitertOptions): Promise<E.Either<TpusegError, LitertValidation>> {
  const n = whole.graph.ops.length;
  const base = { backend: 'litert' as const, totalOps: n, samples: o.samples, seed: String(o.seed), segments: [], bridges: [], outputs: [] };
  const blocked = blockers(whole, segments);
  if (blocked.length > 0) return E.right({ ...base, verdict: 'not-checked', notes: blocked, checkedOps: 0 });

  const { end: k, why } = checkableEnd(whole.graph);
  const notes: string[] = [];
  if (why !== undefined) {
    const left = whole.graph.ops.slice(k).map((op) => op.type);
    notes.push(`ops ${k}..${n - 1} (${[...new Set(left)].join(', ')}) not checked: ${why}; the tensors crossing cut ${k} are compared instead`);
  }
  if (k === 0) return E.right({ ...base, verdict: 'not-checked', notes, checkedOps: 0 });

  const reference = prepare(whole, k);
  const chain = segments.filter((s) => s.first < k).map((s) => prepare(s, k - s.first));
  const stuck = [reference, ...chain].filter((p) => p.unfeedable.length > 0);
  if (stuck.length > 0) {
    notes.push(...stuck.map((p) => `${p.label} has port(s) ${p.unfeedable.join(', ')} that LiteRT.js can neither feed nor read, and no exact bridge exists for them`));
    return E.right({ ...base, verdict: 'not-checked', notes, checkedOps: 0 });
  }
  const bridges = await checkBridges([...reference.params, ...chain.flatMap((c) => c.params)]);
  if (E.isLeft(bridges)) return bridges;
  const inexact = bridges.right.filter((b) => !b.exact);
  if (inexact.length > 0) {
    notes.push(`the int8 bridge is not exact for ${inexact.map((b) => `scale ${b.scale} / zero point ${b.zeroPoint}`).join(', ')}: int8 boundaries cannot be checked`);
    return E.right({ ...base, verdict: 'not-checked', notes, checkedOps: 0, bridges: bridges.right });
  }

  const seed = String(o.seed);
  const refEnvs = Array.from({ length: o.samples }, (_, s) => inputsFor(reference.graph, seed, s));
  const chainEnvs = refEnvs.map((env) => new Map(env));
  const wholeMs = await runOn(reference, refEnvs, o.repeats);
  if (E.isLeft(wholeMs)) return wholeMs;
  const runs: LitertSegmentRun[] = [];
  for (const [i, c] of chain.entries()) {
    const ms = await runOn(c, chainEnvs, o.repeats);
    if (E.isLeft(ms) && ms.left._tag === 'SegmentInvalid') {
      return E.right({ ...base, verdict: 'differs', notes: [...notes, ms.left.message], checkedOps: k, wholeCpuMs: wholeMs.right, segments: runs, bridges: bridges.right });
    }
    if (E.isLeft(ms)) return ms;
    runs.push({ index: i, label: c.label, cpuMs: ms.right, bridgedPorts: c.bridged, opsChecked: c.graph.ops.length });
  }
  const outputs = compareOutputs(reference.outputNames, refEnvs, chainEnvs);
  // Nothing compared is no pass: a model without outputs computes nothing anyone can check.
  if (outputs.length === 0) notes.push('the model has no outputs: there is nothing to compare');
  return E.right({
    ...base,
    verdict: outputs.length > 0 && outputs.every((c) => c.equal) ? 'bit-exact' : 'differs',
    notes,
    checkedOps: k,
    wholeCpuMs: wholeMs.right,
    segments: runs,
    bridges: bridges.right,
    outputs,
  });
}
