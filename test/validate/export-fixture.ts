import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile } from '../../cost-models';
import { buildExport, writeExport } from '../../src/export/export';
import { searchPlan } from '../../src/export/search-plan';
import { loadModel } from '../../src/model/load';
import { loadExportDir, type ExportDir } from '../../src/validate/load';

/** Test helper: exports a model (by plan cuts or a dp search) into a fresh temporary directory. */

export const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

export function profile() {
  return right(loadProfile('edgetpu-usb3'));
}

/** The cuts `dp` chooses for N segments (throughput objective, usb3 profile, seed 0). */
export function dpCuts(spec: string, tpus: number): E.Either<unknown, readonly number[]> {
  const graph = right(loadModel(spec));
  return E.map((r: { cuts: readonly number[] }) => r.cuts)(
    searchPlan({ graph, strategy: 'dp', tpus, profile: profile(), batch: 15, seed: '0', cwd: process.cwd() }),
  );
}

export function exportTo(spec: string, cuts: readonly number[], strategy = 'test'): ExportDir {
  const graph = right(loadModel(spec));
  const fileBytes = /^(zoo|synth):/.test(spec) ? undefined : new Uint8Array(fs.readFileSync(spec));
  const bundle = right(buildExport({ graph, spec, ...(fileBytes ? { fileBytes } : {}), cuts, strategy, profile: profile(), batch: 15, seed: '0' }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-export-'));
  right(writeExport(dir, bundle));
  return right(loadExportDir(dir));
}
