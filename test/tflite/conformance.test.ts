import { createHash } from 'node:crypto';
import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatError } from '../../src/errors';
import { summarize } from '../../src/graph/summary';
import { readTflite } from '../../src/tflite/reader';
import { describeShared, hasShared, sharedPath } from '../helpers/shared';

interface Port {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

interface Entry {
  readonly sha256: string;
  readonly bytes: number;
  readonly subgraphs: number;
  readonly ops: number;
  readonly tensors: number;
  readonly constants: number;
  readonly constantBytes: number;
  readonly paramBytes: number;
  readonly opTypes: Readonly<Record<string, number>>;
  readonly compiledForEdgeTpu: boolean;
  readonly inputs: readonly Port[];
  readonly outputs: readonly Port[];
  readonly provenance: { readonly repository: string; readonly commit: string; readonly source: string };
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../fixtures/manifest.json'), 'utf8')) as {
  files: Record<string, Entry>;
};

function tflites(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? tflites(dir, r) : e.name.endsWith('.tflite') ? [r] : [];
  }).sort();
}

const onDisk = hasShared ? tflites(sharedPath('models')) : [];
// it.each rejects an empty table even inside a skipped describe.
const cases = onDisk.length > 0 ? onDisk : ['(../shared absent)'];
const sorted = (r: Readonly<Record<string, number>>): [string, number][] => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1));

describe('fixtures/manifest.json', () => {
  it('should give every model its checksum, expected facts and provenance', () => {
    const entries = Object.entries(manifest.files);
    expect(entries.length).toBeGreaterThanOrEqual(27);
    for (const [, e] of entries) {
      expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(e.ops).toBeGreaterThan(0);
      expect(e.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(e.provenance.repository).toMatch(/\//);
    }
  });
});

describeShared('tflite/reader conformance over ../shared/models', () => {
  describe('readTflite', () => {
    it('should cover exactly the .tflite files present, checksums matching (a changed file needs a new manifest)', () => {
      expect(onDisk).toEqual(Object.keys(manifest.files).sort());
      const changed = onDisk.flatMap((rel) => {
        const sha = createHash('sha256').update(fs.readFileSync(sharedPath('models', rel))).digest('hex');
        const want = manifest.files[rel]?.sha256;
        return sha === want ? [] : [`${rel}: sha256 ${sha}, manifest has ${want}`];
      });
      expect(changed).toEqual([]);
    });

    it.each(cases)('should agree with the manifest on %s', (rel) => {
      const want = manifest.files[rel]!;
      const bytes = fs.readFileSync(sharedPath('models', rel));
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== want.sha256) throw new Error(`${rel} differs from the file the manifest describes (sha256 ${sha}); not checked`);
      const r = readTflite(bytes, rel);
      if (E.isLeft(r)) throw new Error(formatError(r.left));
      const g = r.right;
      const s = summarize(g);
      const port = (i: number): Port => ({ name: g.tensors[i]!.name, shape: g.tensors[i]!.shape, dtype: g.tensors[i]!.dtype });
      expect({
        ops: s.ops,
        tensors: s.tensors,
        constants: s.constants,
        constantBytes: g.tensors.reduce((sum, t) => sum + (t.isConstant ? t.bytes : 0), 0),
        paramBytes: s.paramBytes,
        opTypes: sorted(s.opTypes),
        compiledForEdgeTpu: s.compiledForEdgeTpu,
        inputs: g.inputs.map(port),
        outputs: g.outputs.map(port),
      }).toEqual({
        ops: want.ops,
        tensors: want.tensors,
        constants: want.constants,
        constantBytes: want.constantBytes,
        paramBytes: want.paramBytes,
        opTypes: sorted(want.opTypes),
        compiledForEdgeTpu: want.compiledForEdgeTpu,
        inputs: want.inputs,
        outputs: want.outputs,
      });
      expect(s.inputs.map((t) => t.name)).toEqual(want.inputs.map((p) => p.name));
      if (want.compiledForEdgeTpu) expect(s.note).toMatch(/already compiled for the Edge TPU/);
    });
  });
});
