import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { usage } from '../../errors';
import { summarize, type GraphSummary, type OpRow, type TensorInfo } from '../../graph/summary';
import { loadModel } from '../../model/load';
import { parse, coralHelp, type CoralFlag } from '../args';
import type { Command } from '../command';
import { alignedLines, printableLine, toJson } from '../text';
import { writeJsonFile } from '../json-file';
import { optionalOutFile } from '../out-path';

const CORAL: readonly CoralFlag[] = ['model_path'];

const HELP = `usage: tpuseg inspect <model> [--json] [--ops] [-o FILE]

Reads a model and prints what segmentation works on: op count, histogram of op types,
parameter bytes, MACs, the largest activation tensor, and the model's inputs and outputs.

<model> is a .tflite file, zoo:NAME[@SIZE] or synth:FAMILY?k=v&... A compiled
*_edgetpu.tflite is read too and reported as such (segment the uncompiled model instead).

options:
  --ops    add a per-op table: index, type, input/output tensors, parameter bytes, MACs,
           activation bytes read and written
  --json   print one JSON object instead of text: ops, tensors, constants, paramBytes, macs,
           opTypes, inputs, outputs, largestActivation, compiledForEdgeTpu, edgeTpuOps
           (+ note for compiled models, + opList with --ops)
  -o, --out FILE  also write what --json prints to FILE (replaced; its folder must exist)
${coralHelp(CORAL)}
  -h, --help`;

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(2)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

/** Exact byte count, plus the binary-prefixed size when that says more. */
const bytesText = (n: number): string => (n < 1024 ? `${int(n)} B` : `${int(n)} B (${human(n)})`);

function count(n: number): string {
  for (const [unit, v] of [['G', 1e9], ['M', 1e6], ['K', 1e3]] as const) if (n >= v) return `${int(n)} (${(n / v).toFixed(2)} ${unit})`;
  return int(n);
}

const shapeText = (s: readonly number[]): string => (s.length === 0 ? 'scalar' : s.join('x'));
const tensorLine = (t: TensorInfo): string =>
  `#${t.index} "${t.name}" ${shapeText(t.shape)} ${t.dtype} (${int(t.bytes)} B)`;

const tensorList = (ts: readonly number[]): string => ts.join(',');

function opTable(rows: readonly OpRow[]): string[] {
  return alignedLines(
    ['op', 'type', 'inputs', 'outputs', 'param B', 'MACs', 'act in B', 'act out B'],
    rows.map((r) => [
      String(r.index),
      r.type,
      tensorList(r.inputs),
      tensorList(r.outputs),
      int(r.paramBytes),
      int(r.macs),
      int(r.actInBytes),
      int(r.actOutBytes),
    ]),
    new Set([1, 2, 3]),
  );
}

/** The text form of a summary, one string per line. */
export function renderSummary(s: GraphSummary): string[] {
  const lines = [
    `model       ${s.name}  (${s.source})`,
    ...(s.description ? [`description ${s.description}`] : []),
    `ops         ${s.ops}  (${s.tensors} tensors, ${s.constants} constant)`,
    `op types    ${Object.entries(s.opTypes).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `parameters  ${bytesText(s.paramBytes)}`,
    `MACs        ${count(s.macs)}`,
    `largest activation  ${s.largestActivation ? `${tensorLine(s.largestActivation)}, ${s.largestActivation.producer < 0 ? 'model input' : `written by op ${s.largestActivation.producer}`}` : 'none'}`,
    'inputs',
    ...s.inputs.map((t) => `  ${tensorLine(t)}`),
    'outputs',
    ...s.outputs.map((t) => `  ${tensorLine(t)}`),
  ];
  if (s.compiledForEdgeTpu) {
    lines.push('compiled for the Edge TPU');
    for (const o of s.edgeTpuOps) lines.push(`  op ${o.index} edgetpu-custom-op, executable ${bytesText(o.executableBytes)}`);
    lines.push(`note: ${s.note}`);
  }
  if (s.opList) lines.push('', ...opTable(s.opList));
  return lines;
}

export const inspect: Command = {
  name: 'inspect',
  help: HELP,
  async run(argv, io) {
    return pipe(
      parse('inspect', argv, { json: { type: 'boolean' }, ops: { type: 'boolean' }, out: { type: 'string', short: 'o' } }, CORAL),
      E.chain(({ values, positionals }) =>
        positionals.length === 1
          ? E.map((out: string | undefined) => ({ spec: positionals[0]!, json: values['json'] === true, ops: values['ops'] === true, out }))(
            optionalOutFile('inspect', '--out', values['out'], io.cwd))
          : E.left(usage(`inspect: expected exactly one model, got ${positionals.length} (see tpuseg inspect --help)`)),
      ),
      E.chain((args) =>
        pipe(
          loadModel(args.spec),
          E.map((graph) => summarize(graph, { ops: args.ops })),
          E.chainFirst((s) => (args.out !== undefined ? writeJsonFile(args.out, s) : E.right(undefined))),
          E.map((s) => {
            if (args.json) io.out(toJson(s));
            else for (const line of renderSummary(s)) io.out(printableLine(line));
          }),
        ),
      ),
    );
  },
};
