import * as E from 'fp-ts/Either';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportFailed, usage, type TpusegError } from '../../errors';
import { firstDifference, modelDetails, runTflite, seededInputs } from '../../litert';
import { loadModel } from '../../model/load';
import { tryWriteTflite } from '../../tflite/writer';
import { parse } from '../args';
import type { Command, Io } from '../command';

const HELP = `usage: tpuseg export-model <model> -o FILE.tflite [--seed S] [--check]

Writes a model as a .tflite file that TFLite runs. <model> is zoo:NAME[@SIZE],
synth:FAMILY?k=v&... or a .tflite file (read and written back).

Constants the model does not carry (zoo and synth weights) are generated from the seed and
each tensor's name, so the same model and seed always give the same bytes, and a segment that
keeps the tensor names gets the same weights.

options:
  -o, --output FILE   the file to write (replaced if it exists; never a directory)
  --seed S            seed for generated weights (default 0)
  --check             run the written file once through LiteRT (TFLite on this CPU) on seeded
                      inputs and report its outputs; for a .tflite input, also check that the
                      original gives bit-identical outputs
  -h, --help`;

async function run(argv: readonly string[], io: Io): Promise<E.Either<TpusegError, void>> {
  const parsed = parse('export-model', argv, {
    output: { type: 'string', short: 'o' },
    seed: { type: 'string' },
    check: { type: 'boolean' },
  });
  if (E.isLeft(parsed)) return parsed;
  const { values, positionals } = parsed.right;
  if (positionals.length !== 1) {
    return E.left(usage(`export-model: expected one model, got ${positionals.length} (see tpuseg export-model --help)`));
  }
  const spec = positionals[0]!;
  if (typeof values['output'] !== 'string' || values['output'] === '') {
    return E.left(usage('export-model: -o FILE.tflite is required (see tpuseg export-model --help)'));
  }
  const out = path.resolve(io.cwd, values['output']);
  const seed = typeof values['seed'] === 'string' ? values['seed'] : '0';
  if (seed === '') return E.left(usage('export-model: --seed expects a value'));

  const target = checkTarget(out);
  if (target) return E.left(target);
  const source = spec.startsWith('zoo:') || spec.startsWith('synth:') ? spec : path.resolve(io.cwd, spec);
  const graph = loadModel(source);
  if (E.isLeft(graph)) return graph;
  const bytes = tryWriteTflite(graph.right, { seed: /^-?\d+$/.test(seed) ? Number(seed) : seed });
  if (E.isLeft(bytes)) return bytes;

  const tmp = `${out}.${process.pid}.part`;
  try {
    fs.writeFileSync(tmp, bytes.right);
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    return E.left(exportFailed(`cannot write ${out}: ${(e as Error).message}`));
  }
  const g = graph.right;
  const params = g.ops.reduce((s, o) => s + o.paramBytes, 0);
  io.out(`wrote ${out}: ${bytes.right.length.toLocaleString('en-US')} bytes, ${g.ops.length} ops, ` +
    `${params.toLocaleString('en-US')} parameter bytes (${g.source}, seed ${seed})`);
  return values['check'] ? check(bytes.right, spec, source, out, io) : E.right(undefined);
}

/** Refuses a directory, a missing parent folder, or a parent that is not a folder. */
function checkTarget(out: string): TpusegError | undefined {
  const stat = fs.statSync(out, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return usage(`export-model: ${out} is a directory; give a file name such as ${path.join(out, 'model.tflite')}`);
  const parent = fs.statSync(path.dirname(out), { throwIfNoEntry: false });
  if (!parent) return usage(`export-model: folder ${path.dirname(out)} does not exist`);
  if (!parent.isDirectory()) return usage(`export-model: ${path.dirname(out)} is not a folder`);
  return undefined;
}

async function check(bytes: Uint8Array, spec: string, source: string, out: string, io: Io): Promise<E.Either<TpusegError, void>> {
  const details = modelDetails(bytes, out);
  if (E.isLeft(details)) return details;
  const inputs = seededInputs(details.right.inputs, 0);
  const outputs = await runTflite(bytes, inputs, out);
  if (E.isLeft(outputs)) return outputs;
  details.right.outputs.forEach((t, i) => {
    const a = outputs.right[i]!;
    const distinct = new Set(a).size;
    io.out(`  output ${i} "${t.name}" ${t.dtype} [${t.shape.join(',')}]: ${distinct} distinct value(s), first ${Array.from(a.slice(0, 4)).join(', ')}`);
  });
  if (spec.startsWith('zoo:') || spec.startsWith('synth:')) return E.right(undefined);
  const original = await runTflite(new Uint8Array(fs.readFileSync(source)), inputs, source);
  if (E.isLeft(original)) return original;
  const diff = firstDifference(original.right, outputs.right);
  if (diff) return E.left(exportFailed(`${out} computes differently from ${source}: ${diff}`));
  io.out('  outputs bit-identical to the original on seeded inputs');
  return E.right(undefined);
}

export const exportModel: Command = {
  name: 'export-model',
  help: HELP,
  run,
};
