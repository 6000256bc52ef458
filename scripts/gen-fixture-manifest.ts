/**
 * Writes fixtures/manifest.json: for every .tflite under ../shared/models, its sha256, size,
 * provenance and expected facts, derived WITHOUT src/tflite/reader.ts (so the conformance test
 * compares the reader against an independent computation):
 * - op counts from MODELS.md, cross-checked against a plain flatc object-API unpack;
 * - tensor counts, parameter bytes, op-type histogram, inputs and outputs from that unpack.
 * Run: npx tsx scripts/gen-fixture-manifest.ts [shared dir]   (default: ../shared beside the checkout)
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as flatbuffers from 'flatbuffers';
import { BuiltinOperator, Model, TensorType, type BufferT, type ModelT, type TensorT } from '../src/tflite';

const root = path.resolve(__dirname, '..');
const shared = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared'));
const modelsDir = path.join(shared, 'models');

interface Row {
  readonly ops: number;
  readonly source: string;
  readonly repository: string;
  readonly commit: string;
  readonly renamed: boolean;
}

/** Rows of the MODELS.md file table, keyed by path relative to models/ (brace groups expanded). */
function modelsMd(): Map<string, Row> {
  const text = fs.readFileSync(path.join(modelsDir, 'MODELS.md'), 'utf8');
  const repos = new Map<string, { repository: string; commit: string }>();
  for (const m of text.matchAll(/^\| (TD|ET|TFM) \| `([^`]+)` \| `([0-9a-f]{40})`/gm)) repos.set(m[1]!, { repository: m[2]!, commit: m[3]! });
  const rows = new Map<string, Row>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 10 || !cells[1]!.startsWith('`')) continue;
    const [, file, , source, renamed, , , ops] = cells;
    const key = source!.split(' ')[0]!;
    const repo = repos.get(key);
    if (!repo) throw new Error(`MODELS.md: unknown source key in "${source}"`);
    const lastChange = /last change `([0-9a-f]{40})`/.exec(source!)?.[1];
    const name = file!.replace(/`/g, '');
    const brace = /\{([^}]+)\}/.exec(name);
    const names = brace ? brace[1]!.split(',').map((v) => name.replace(brace[0], v)) : [name];
    const counts = ops!.split(',').map((v) => Number(v.replace(/[^0-9]/g, '')));
    names.forEach((n, i) =>
      rows.set(n, {
        ops: counts[counts.length === names.length ? i : 0]!,
        source: source!.replace(/`/g, ''),
        repository: repo.repository,
        commit: lastChange ?? repo.commit,
        renamed: renamed === 'yes',
      }),
    );
  }
  return rows;
}

const dtypeName = (t: TensorType): string => TensorType[t]!.toLowerCase();

function bufferBytes(b: BufferT | undefined): number {
  if (!b) return 0;
  if (b.data.length > 0) return b.data.length;
  return b.offset > 1n ? Number(b.size) : 0;
}

function facts(model: ModelT) {
  const sg = model.subgraphs[0]!;
  const tensorBytes = (t: TensorT): number => bufferBytes(model.buffers[t.buffer]);
  const counted = new Set<number>();
  let paramBytes = 0;
  const opTypes: Record<string, number> = {};
  for (const op of sg.operators) {
    const code = model.operatorCodes[op.opcodeIndex]!;
    const builtin = Math.max(code.builtinCode, code.deprecatedBuiltinCode);
    const type = builtin === BuiltinOperator.CUSTOM ? String(code.customCode) : BuiltinOperator[builtin]!;
    opTypes[type] = (opTypes[type] ?? 0) + 1;
    for (const i of op.inputs) {
      if (i < 0 || counted.has(i)) continue;
      const b = tensorBytes(sg.tensors[i]!);
      if (b > 0) {
        counted.add(i);
        paramBytes += b;
      }
    }
  }
  const constants = sg.tensors.filter((t) => tensorBytes(t) > 0);
  const io = (i: number) => ({ name: String(sg.tensors[i]!.name), shape: sg.tensors[i]!.shape, dtype: dtypeName(sg.tensors[i]!.type) });
  return {
    subgraphs: model.subgraphs.length,
    ops: sg.operators.length,
    tensors: sg.tensors.length,
    constants: constants.length,
    constantBytes: constants.reduce((s, t) => s + tensorBytes(t), 0),
    paramBytes,
    opTypes: Object.fromEntries(Object.entries(opTypes).sort(([a], [b]) => (a < b ? -1 : 1))),
    compiledForEdgeTpu: 'edgetpu-custom-op' in opTypes,
    inputs: sg.inputs.map(io),
    outputs: sg.outputs.map(io),
  };
}

function tflites(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? tflites(dir, r) : e.name.endsWith('.tflite') ? [r] : [];
  }).sort();
}

const rows = modelsMd();
const files: Record<string, unknown> = {};
for (const rel of tflites(modelsDir)) {
  const bytes = fs.readFileSync(path.join(modelsDir, rel));
  const row = rows.get(rel);
  if (!row) throw new Error(`${rel}: not listed in MODELS.md`);
  const f = facts(Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).unpack());
  if (f.ops !== row.ops) throw new Error(`${rel}: MODELS.md says ${row.ops} ops, the file has ${f.ops}`);
  files[rel] = {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    ...f,
    provenance: { repository: row.repository, commit: row.commit, source: row.source, renamed: row.renamed, license: 'Apache-2.0' },
  };
  process.stderr.write(`${rel}: ${f.ops} ops, ${f.paramBytes} parameter bytes\n`);
}

const manifest = {
  description:
    'Expected facts of the test models in ../shared/models (read at run time, never copied here). ' +
    'Op counts come from ../shared/models/MODELS.md; the other facts from a flatc object-API unpack that does not use src/tflite/reader.ts.',
  generatedBy: 'scripts/gen-fixture-manifest.ts',
  paramBytesRule: "bytes of each op's constant input buffers (inline data, or offset/size with offset > 1), each tensor counted once at its first consumer",
  files,
};
fs.writeFileSync(path.join(root, 'fixtures', 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
process.stderr.write(`wrote fixtures/manifest.json (${Object.keys(files).length} files)\n`);
