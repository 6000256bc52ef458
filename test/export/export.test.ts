import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile } from '../../cost-models';
import { buildExport, materialize, sha256, writeExport } from '../../src/export/export';
import { parseManifest } from '../../src/export/manifest';
import type { LayerGraph } from '../../src/graph/types';
import { loadModel } from '../../src/model/load';
import { readTflite } from '../../src/tflite/reader';

const SYNTH = 'synth:conv?filters=8&layers=4&size=16';
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};
const bundleOf = (cuts: number[], seed = '0') =>
  right(buildExport({ graph: right(loadModel(SYNTH)), spec: SYNTH, cuts, strategy: 'hand', profile: right(loadProfile('edgetpu-usb3')), batch: 15, seed }));
const constants = (g: LayerGraph): Map<string, string> =>
  new Map(g.tensors.filter((t) => t.isConstant && t.data).map((t) => [t.name, Buffer.from(t.data!).toString('hex')]));

describe('export/export', () => {
  describe('materialize', () => {
    it('should write a builder-made graph once and cut the graph read back, with its seed recorded', () => {
      const g = right(loadModel(SYNTH));
      expect(g.tensors.some((t) => t.isConstant && !t.data)).toBe(true);
      const m = right(materialize(g, undefined, '5'));
      expect(m.writerSeed).toBe('5');
      expect(m.graph.ops.map((o) => o.type)).toEqual(g.ops.map((o) => o.type));
      expect(m.graph.tensors.filter((t) => t.isConstant && t.consumers.length > 0).every((t) => t.data)).toBe(true);
    });
  });

  describe('buildExport', () => {
    it('should give every segment the whole model\'s weights, byte for byte', () => {
      const b = bundleOf([2, 4]);
      const file = (name: string): Uint8Array => b.files.find((f) => f.name === name)!.content as Uint8Array;
      const whole = constants(right(readTflite(file(b.manifest.model.file!), 'whole')));
      let seen = 0;
      for (const s of b.manifest.segments) {
        for (const [name, hex] of constants(right(readTflite(file(s.file), s.file)))) {
          expect(whole.get(name)).toBe(hex);
          seen += 1;
        }
      }
      expect(seen).toBeGreaterThanOrEqual(whole.size);
    });
    it('should record the plan, the predictions, the files and their checksums in plan.json', () => {
      const b = bundleOf([3]);
      const m = right(parseManifest(b.files.find((f) => f.name === 'plan.json')!.content as string, 'plan.json'));
      expect(m.tpus).toBe(2);
      expect(m.predicted.cuts).toEqual([3]);
      expect(m.predicted.segments.map((s) => [s.firstOp, s.lastOp])).toEqual(m.segments.map((s) => [s.firstOp, s.lastOp]));
      expect(m.predicted.msPerInput).toBeGreaterThan(0);
      for (const s of m.segments) expect(sha256(b.files.find((f) => f.name === s.file)!.content as Uint8Array)).toBe(s.sha256);
      expect(m.segments[1]!.inputs).toEqual(m.segments[0]!.outputs);
    });
    it('should be deterministic for a seed and change weights with it', () => {
      expect(bundleOf([3]).manifest).toEqual(bundleOf([3]).manifest);
      expect(bundleOf([3], '1').manifest.segments[0]!.sha256).not.toBe(bundleOf([3]).manifest.segments[0]!.sha256);
    });
  });

  describe('writeExport', () => {
    it('should write every file, scripts executable, and report a directory it cannot create', () => {
      const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tpuseg-export-')), 'a', 'b');
      const written = right(writeExport(dir, bundleOf([3])));
      expect(written.map((p) => path.basename(p))).toContain('run_pipeline.py');
      expect(fs.statSync(path.join(dir, 'run_pipeline.py')).mode & 0o100).toBe(0o100);
      const blocker = path.join(dir, 'plan.json');
      const r = writeExport(path.join(blocker, 'sub'), bundleOf([3]));
      expect(E.isLeft(r) && r.left._tag).toBe('FileError');
    });
  });
});
