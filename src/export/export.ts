import * as E from 'fp-ts/Either';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { costModel, type CostProfile } from '../../cost-models';
import type { CostModel } from '../../cost-models/types';
import { exportFailed, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { evaluatePlan, type PlanEvaluation } from '../pipeline/evaluate';
import { evaluateLayout } from '../pipeline/layout';
import { planResult, uncertaintyOf } from '../plan/result';
import { readTflite } from '../tflite/reader';
import { tryWriteTflite } from '../tflite/writer';
import { acquireLock } from '../experiments/lock';
import { makeDir, tryWrite, writeFileSafe } from '../safe-write';
import { compiledName, compilerLogName, compileScript } from './compile-script';
import { extractSegments, segmentStem } from './extract';
import { MANIFEST, type Manifest } from './manifest';
import { pipelineScript } from './pipeline-script';

/**
 * Export = plan -> files: one .tflite per segment, plan.json, compile.sh, run_pipeline.py.
 * `buildExport` is pure (bytes and texts in memory); `writeExport` puts them on disk.
 */

export interface ExportRequest {
  readonly graph: LayerGraph;
  /** How the model is reloaded later: an absolute file path, or a zoo:/synth: spec. */
  readonly spec: string;
  /** The file's bytes when the model is a real file. */
  readonly fileBytes?: Uint8Array;
  readonly cuts: readonly number[];
  readonly strategy: string;
  readonly profile: CostProfile;
  readonly batch: number;
  /** Seed of the writer's generated weights for builder-made graphs. */
  readonly seed: string;
  /** An advised configuration: per segment, the board positions of its copies' TPUs (default one TPU each, in order). */
  readonly layout?: { readonly id: string; readonly tpus: readonly (readonly number[])[]; readonly devices?: readonly string[] };
  /** The cost model to predict with (default: the profile's for every TPU). */
  readonly cost?: CostModel;
}

export interface ExportFile {
  readonly name: string;
  readonly content: Uint8Array | string;
  readonly executable?: boolean;
}

export interface ExportBundle {
  readonly manifest: Manifest;
  readonly files: readonly ExportFile[];
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** True when every constant that an op reads carries its bytes (a model read from a file). */
const hasAllWeights = (g: LayerGraph): boolean => g.tensors.every((t) => !t.isConstant || t.consumers.length === 0 || t.data !== undefined);

/**
 * The whole model as bytes, and the graph to cut (read back from those bytes, so segment weights
 * are the whole model's). Builder-made graphs are written once with the writer's seeded weights.
 */
export function materialize(graph: LayerGraph, fileBytes: Uint8Array | undefined, seed: string): E.Either<TpusegError, { bytes: Uint8Array; graph: LayerGraph; writerSeed?: string }> {
  if (fileBytes && hasAllWeights(graph)) return E.right({ bytes: fileBytes, graph });
  const w = tryWriteTflite(graph, { seed });
  if (E.isLeft(w)) return w;
  const bytes = w.right.slice();
  const back = readTflite(bytes, `${graph.source} (written)`);
  if (E.isLeft(back)) return E.left(exportFailed(`the written ${graph.name} does not read back: ${JSON.stringify(back.left)}`));
  if (back.right.ops.length !== graph.ops.length) {
    return E.left(exportFailed(`the written ${graph.name} has ${back.right.ops.length} ops, the model ${graph.ops.length}`));
  }
  return E.right({ bytes, graph: back.right, writerSeed: seed });
}

export function buildExport(req: ExportRequest): E.Either<TpusegError, ExportBundle> {
  const whole = materialize(req.graph, req.fileBytes, req.seed);
  if (E.isLeft(whole)) return whole;
  const g = whole.right.graph;
  const stem = req.graph.name;
  const split = extractSegments(g, req.cuts, stem);
  if (E.isLeft(split)) return split;
  const N = split.right.segments.length;

  const files: ExportFile[] = [];
  const segments: Manifest['segments'] = [];
  for (const s of split.right.segments) {
    const bytes = tryWriteTflite(s.graph);
    if (E.isLeft(bytes)) return bytes;
    const file = `${segmentStem(stem, s.index, N)}.tflite`;
    files.push({ name: file, content: bytes.right });
    segments.push({
      index: s.index,
      file,
      compiled: compiledName(file),
      compilerLog: compilerLogName(file),
      firstOp: s.first,
      lastOp: s.end - 1,
      inputs: s.inputs.map((t) => g.tensors[t]!.name),
      outputs: s.outputs.map((t) => g.tensors[t]!.name),
      sha256: sha256(bytes.right),
    });
  }

  const cost = req.cost ?? costModel(req.graph, req.profile);
  const layout = req.layout ? evaluateLayout(cost, { cuts: req.cuts, tpus: req.layout.tpus }, req.batch) : undefined;
  const ev: PlanEvaluation = layout ?? evaluatePlan(cost, req.cuts, req.batch);
  const predicted = planResult(req.strategy, ev, uncertaintyOf(req.profile, req.graph, ev));
  const manifest: Manifest = {
    tool: 'tpuseg export',
    format: 1,
    model: {
      spec: req.spec,
      name: stem,
      ops: g.ops.length,
      sha256: sha256(whole.right.bytes),
      ...(whole.right.writerSeed !== undefined ? { writerSeed: whole.right.writerSeed, file: `${stem}.tflite` } : {}),
    },
    profile: req.profile.name,
    tpus: N,
    predicted: { ...predicted, cuts: [...predicted.cuts], segments: [...predicted.segments] },
    segments,
    warnings: [...split.right.warnings],
    ...(layout && req.layout ? {
      configuration: {
        id: req.layout.id, kind: layout.kind, stages: layout.copies.length, tpus: layout.tpuCount, copies: [...layout.copies],
        assignment: layout.tpus.map((t) => [...t]), ...(req.layout.devices ? { devices: [...req.layout.devices] } : {}),
        steadyMs: layout.bottleneckMs, throughput: 1000 / layout.bottleneckMs, latencyMs: layout.latencyMs, msPerInput: layout.msPerInput,
        limitedBy: layout.limitedBy, handoffMs: layout.handoffs.map((h) => h.ms),
      },
    } : {}),
  };
  // A builder-made model exists only as written here: keep it beside its segments.
  if (manifest.model.file !== undefined) files.push({ name: manifest.model.file, content: whole.right.bytes });
  const names = segments.map((s) => s.file);
  files.push(
    { name: MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n` },
    { name: 'compile.sh', content: compileScript({ segments: names, model: stem }), executable: true },
    { name: 'run_pipeline.py', content: pipelineScript({
      model: stem, compiled: segments.map((s) => s.compiled), batch: req.batch, outputs: g.outputs.map((o) => g.tensors[o]!.name), ...(req.layout ? { layout: req.layout.tpus } : {}),
    }), executable: true },
  );
  return E.right({ manifest, files });
}

/** Writes the bundle into `dir` (created if needed, held for the time of the writes); returns the paths written. */
export function writeExport(dir: string, bundle: ExportBundle, log?: (line: string) => void): E.Either<TpusegError, string[]> {
  const made = tryWrite(() => makeDir(dir));
  if (E.isLeft(made)) return made;
  const lock = acquireLock(dir, log);
  if (E.isLeft(lock)) return lock;
  try {
    return tryWrite(() => bundle.files.map((f) => {
      const p = path.join(dir, f.name);
      writeFileSafe(p, f.content, f.executable ? { mode: 0o755 } : {});
      return p;
    }));
  } finally {
    lock.right.release();
  }
}
