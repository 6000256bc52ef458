import * as E from 'fp-ts/Either';
import { bridgeInt8Ports } from '../../validate/bridge';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportFailed, usage, type TpusegError } from '../../errors';
import { firstDifference, modelDetails, runTflite, seededInputs } from '../../litert';
import { loadModel, readModelFile } from '../../model/load';
import type { LayerGraph } from '../../graph/types';
import { tryWriteTflite } from '../../tflite/writer';
import { parse, coralHelp, type CoralFlag } from '../args';
import type { Command, Io } from '../command';
import { toJson } from '../text';
import { tryWrite, writeFileSafe } from '../../safe-write';
import { outFile } from '../out-path';

const CORAL: readonly CoralFlag[] = ['model_path'];

const HELP = `usage: tpuseg export-model <model> -o FILE.tflite [--seed S] [--check] [--json]

Writes a model as a .tflite file that TFLite runs. <model> is zoo:NAME[@SIZE],
synth:FAMILY?k=v&... or a .tflite file (read and written back).

Constants the model does not carry (zoo and synth weights) are generated from the seed and
each tensor's name, so the same model and seed always give the same bytes, and a segment that
keeps the tensor names gets the same weights.

options:
  -o, --out FILE      the file to write (replaced if it exists; never a folder; its folder must exist)
  --seed S            seed for generated weights (default 0)
  --check             run the written file once through LiteRT (TFLite on this CPU) on seeded
                      inputs and report its outputs; for a .tflite input, also check that the
                      original gives bit-identical outputs
  --json              print one JSON object: { file, bytes, ops, paramBytes, source, seed,
                      outputs? (with --check), bitIdentical? (--check of a .tflite) }
${coralHelp(CORAL)}
  -h, --help`;

async function run(argv: readonly string[], io: Io): Promise<E.Either<TpusegError, void>> {
  const parsed = parse('export-model', argv, {
    out: { type: 'string', short: 'o' },
    seed: { type: 'string' },
    check: { type: 'boolean' },
    json: { type: 'boolean' },
  }, CORAL);
  if (E.isLeft(parsed)) return parsed;
  const { values, positionals } = parsed.right;
  if (positionals.length !== 1) {
    return E.left(usage(`export-model: expected one model, got ${positionals.length} (see tpuseg export-model --help)`));
  }
  const spec = positionals[0]!;
  if (typeof values['out'] !== 'string' || values['out'] === '') {
    return E.left(usage('export-model: -o FILE.tflite is required (see tpuseg export-model --help)'));
  }
  const out = path.resolve(io.cwd, values['out']);
  const seed = typeof values['seed'] === 'string' ? values['seed'] : '0';
  if (seed === '') return E.left(usage('export-model: --seed expects a value'));

  const target = outFile('export-model', '--out', values['out'], io.cwd, 'model.tflite');
  if (E.isLeft(target)) return target;
  const source = spec.startsWith('zoo:') || spec.startsWith('synth:') ? spec : path.resolve(io.cwd, spec);
  const graph = loadModel(source);
  if (E.isLeft(graph)) return graph;
  const bytes = tryWriteTflite(graph.right, { seed: /^-?\d+$/.test(seed) ? Number(seed) : seed });
  if (E.isLeft(bytes)) return bytes;

  const written = tryWrite(() => writeFileSafe(out, bytes.right));
  if (E.isLeft(written)) return written;
  const g = graph.right;
  const params = g.ops.reduce((s, o) => s + o.paramBytes, 0);
  const summary = { file: out, bytes: bytes.right.length, ops: g.ops.length, paramBytes: params, source: g.source, seed };
  const json = values['json'] === true;
  if (!json) {
    io.out(`wrote ${out}: ${bytes.right.length.toLocaleString('en-US')} bytes, ${g.ops.length} ops, ` +
      `${params.toLocaleString('en-US')} parameter bytes (${g.source}, seed ${seed})`);
  }
  const say = json ? (): void => undefined : io.out;
  const checked = values['check'] ? await checkBridged(g, bytes.right, spec, source, out, seed, say) : E.right({});
  if (E.isLeft(checked)) return checked;
  if (json) io.out(toJson({ ...summary, ...checked.right }));
  return E.right(undefined);
}

interface CheckResult {
  readonly outputs?: readonly { name: string; dtype: string; shape: readonly number[]; distinct: number; first: readonly number[] }[];
  readonly bitIdentical?: boolean;
}

/** `check`, through QUANTIZE/DEQUANTIZE bridges when the model has int8 ports (LiteRT.js reads none; the bench's conv family has one). */
async function checkBridged(g: LayerGraph, bytes: Uint8Array, spec: string, source: string, out: string, seed: string, say: (line: string) => void):
  Promise<E.Either<TpusegError, CheckResult>> {
  const bridged = bridgeInt8Ports(g);
  if (!bridged.bridgedInputs.some(Boolean) && !bridged.bridgedOutputs.some(Boolean)) return check(bytes, spec, source, out, say);
  say('  (its int8 ports are read through QUANTIZE/DEQUANTIZE bridges: LiteRT.js reads only float32, int32 and uint8 ports)');
  const runnable = tryWriteTflite(bridged.graph, { seed: /^-?\d+$/.test(seed) ? Number(seed) : seed });
  return E.isLeft(runnable) ? runnable : check(runnable.right, spec, source, out, say);
}

async function check(bytes: Uint8Array, spec: string, source: string, out: string, say: (line: string) => void): Promise<E.Either<TpusegError, CheckResult>> {
  const details = modelDetails(bytes, out);
  if (E.isLeft(details)) return details;
  const inputs = seededInputs(details.right.inputs, 0);
  const outputs = await runTflite(bytes, inputs, out);
  if (E.isLeft(outputs)) return outputs;
  const described = details.right.outputs.map((t, i) => {
    const a = outputs.right[i]!;
    const first = Array.from(a.slice(0, 4), Number);
    const distinct = new Set(a).size;
    say(`  output ${i} "${t.name}" ${t.dtype} [${t.shape.join(',')}]: ${distinct} distinct value(s), first ${first.join(', ')}`);
    return { name: t.name, dtype: t.dtype, shape: t.shape, distinct, first };
  });
  if (spec.startsWith('zoo:') || spec.startsWith('synth:')) return E.right({ outputs: described });
  const sourceBytes = readModelFile(source);
  if (E.isLeft(sourceBytes)) return sourceBytes;
  const original = await runTflite(sourceBytes.right, inputs, source);
  if (E.isLeft(original)) return original;
  const diff = firstDifference(original.right, outputs.right);
  if (diff) return E.left(exportFailed(`${out} computes differently from ${source}: ${diff}`));
  say('  outputs bit-identical to the original on seeded inputs');
  return E.right({ outputs: described, bitIdentical: true });
}

export const exportModel: Command = {
  name: 'export-model',
  help: HELP,
  run,
};
