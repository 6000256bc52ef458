import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CostProfile } from '../../cost-models';
import type { TpusegError } from '../errors';
import { loadModelToPlan, readModelFile } from '../model/load';
import { makeDir, tryWrite, writeFileSafe } from '../safe-write';
import { buildExport, type ExportFile } from './export';
import type { PlannedAssignment, WorkloadPlan } from './workload-plan';
import { workloadCompileScript, workloadRunScript, type WorkloadCompileUnit, type WorkloadScriptModel } from './workload-script';

/**
 * A workload plan -> files: each model's own export in a folder named after it (its segments,
 * plan.json, compile.sh, run_pipeline.py: a model alone in its configuration on its unit's TPUs;
 * a model sharing TPUs whole, one copy per TPU of its unit), and at the top workload.json,
 * compile.sh (co-compiled models in one compiler call in the plan's order) and run_pipeline.py
 * (the whole workload at once, workload-script.ts).
 */

export interface WorkloadExportRequest {
  readonly plan: WorkloadPlan;
  readonly assignment: PlannedAssignment;
  readonly profile: CostProfile;
  readonly batch: number;
  readonly seed: string;
}

export interface WorkloadManifest {
  readonly tool: 'tpuseg export';
  readonly format: 1;
  readonly workload: {
    readonly assignment: string;
    readonly tpus: number;
    readonly profile: string;
    readonly units: readonly { readonly kind: string; readonly models: readonly string[]; readonly positions: readonly number[]; readonly compiledIn?: string }[];
    readonly models: readonly {
      readonly name: string; readonly model: string; readonly dir: string; readonly unit: number; readonly positions: readonly number[];
      readonly segments: number; readonly rate?: number; readonly weight?: number; readonly predictedPerS?: number; readonly predictedLatencyMs?: number;
    }[];
  };
}

export function buildWorkloadExport(req: WorkloadExportRequest): E.Either<TpusegError, { manifest: WorkloadManifest; files: ExportFile[] }> {
  const { plan, assignment: a } = req;
  const files: ExportFile[] = [];
  const scriptModels: WorkloadScriptModel[] = [];
  const compileUnits: WorkloadCompileUnit[] = [];
  const units: WorkloadManifest['workload']['units'][number][] = [];
  const models: WorkloadManifest['workload']['models'][number][] = [];
  for (const [ui, unit] of a.units.entries()) {
    const outDir = unit.kind === 'co-compiled' ? `unit_${ui + 1}_co-compiled` : undefined;
    const coFiles: string[] = [];
    for (const name of unit.models) {
      const entry = plan.models.find((m) => m.name === name)!;
      const graph = loadModelToPlan(entry.model);
      if (E.isLeft(graph)) return graph;
      const spec = entry.model;
      const read = /^(zoo|synth):/.test(spec) ? undefined : readModelFile(spec);
      if (read && E.isLeft(read)) return read;
      const fileBytes = read?.right;
      const local = (p: number): number => unit.positions.indexOf(p);
      const c = unit.configuration;
      const alone = unit.kind === 'alone' && c !== undefined;
      const cuts = alone ? c.cuts : [];
      const tpus = alone ? c.assignment.map((ts) => ts.map(local)) : [unit.positions.map((_, i) => i)];
      const id = alone ? c.id : `${unit.kind}-${unit.positions.length}`;
      const bundle = buildExport({
        graph: { ...graph.right, name }, spec, ...(fileBytes ? { fileBytes } : {}), cuts, strategy: `workload:${id}`,
        profile: req.profile, batch: req.batch, seed: req.seed, layout: { id, tpus },
      });
      if (E.isLeft(bundle)) return bundle;
      for (const f of bundle.right.files) files.push({ ...f, name: `${name}/${f.name}` });
      const segs = bundle.right.manifest.segments;
      if (outDir) coFiles.push(`${name}/${segs[0]!.file}`);
      const figures = a.models.find((m) => m.name === name);
      scriptModels.push({
        name, dir: name, positions: unit.positions, shared: unit.kind !== 'alone', unit: ui,
        ...(outDir ? { compiled: [`../${outDir}/${segs[0]!.compiled}`] } : {}),
        ...(entry.rate !== undefined ? { rate: entry.rate } : {}),
      });
      models.push({
        name, model: spec, dir: name, unit: ui, positions: unit.positions, segments: segs.length,
        ...(entry.rate !== undefined ? { rate: entry.rate } : {}), ...(entry.weight !== undefined ? { weight: entry.weight } : {}),
        ...(figures?.achieved !== undefined ? { predictedPerS: figures.achieved } : {}),
        ...(figures?.latencyMs !== undefined ? { predictedLatencyMs: figures.latencyMs } : {}),
      });
    }
    compileUnits.push({ kind: unit.kind, dirs: unit.models, ...(outDir ? { files: coFiles, outDir } : {}) });
    units.push({ kind: unit.kind, models: unit.models, positions: unit.positions, ...(outDir ? { compiledIn: outDir } : {}) });
  }
  const manifest: WorkloadManifest = {
    tool: 'tpuseg export', format: 1,
    workload: { assignment: a.id, tpus: a.tpus, profile: req.profile.name, units, models },
  };
  files.push(
    { name: 'workload.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
    { name: 'compile.sh', content: workloadCompileScript(compileUnits), executable: true },
    { name: 'run_pipeline.py', content: workloadRunScript(scriptModels, req.batch), executable: true },
  );
  return E.right({ manifest, files });
}

/** Writes the files into `dir`, each model's folder created as needed. */
export function writeWorkloadExport(dir: string, files: readonly ExportFile[]): E.Either<TpusegError, string[]> {
  return tryWrite(() => files.map((f) => {
    const p = path.join(dir, f.name);
    makeDir(path.dirname(p));
    writeFileSafe(p, f.content, f.executable ? { mode: 0o755 } : {});
    return p;
  }));
}
