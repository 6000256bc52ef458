import * as E from 'fp-ts/Either';
import { usage, type TpusegError } from '../../errors';
import type { LayerGraph } from '../../graph/types';
import { ZOO, zooModel } from '../../zoo';
import { parse } from '../args';
import type { Command } from '../command';
import { alignedLines, toJson } from '../text';
import { writeJsonFile } from '../json-file';
import { optionalOutFile } from '../out-path';

const HELP = `usage: tpuseg zoo [--json] [-o FILE]

Lists the model zoo: every architecture tpuseg builds itself (int8, laid out as the TFLite
converter would), addressed as zoo:NAME or zoo:NAME@SIZE wherever a model is accepted.

columns:
  name         zoo name
  input        default input side (SIZE x SIZE x 3)
  keras params parameter count as Keras counts it (batch norm included)
  param bytes  bytes of the int8/int32 constants in the converted graph (BN folded)
  MACs         multiply-accumulates at the default input
  ops          operators in the graph

options:
  --json          print one JSON object { models: [{ name, inputSize, kerasParams, paramBytes, macs,
                  ops, description }] }
  -o, --out FILE  also write what --json prints to FILE (replaced; its folder must exist)
  -h, --help`;

export interface ZooRow {
  readonly name: string;
  readonly inputSize: number;
  readonly kerasParams: number;
  readonly paramBytes: number;
  readonly macs: number;
  readonly ops: number;
  readonly description: string;
}

export function zooRow(g: LayerGraph, inputSize: number, description: string): ZooRow {
  return {
    name: g.name,
    inputSize,
    kerasParams: g.kerasParams ?? 0,
    paramBytes: g.ops.reduce((s, o) => s + o.paramBytes, 0),
    macs: g.ops.reduce((s, o) => s + o.macs, 0),
    ops: g.ops.length,
    description,
  };
}

/** One row per registered model, built at its default input. */
export function zooRows(): E.Either<TpusegError, ZooRow[]> {
  const rows: ZooRow[] = [];
  for (const entry of ZOO) {
    const g = zooModel(`zoo:${entry.name}`);
    if (E.isLeft(g)) return g;
    rows.push(zooRow(g.right, entry.inputSize, entry.description));
  }
  return E.right(rows);
}

const int = (n: number): string => n.toLocaleString('en-US');

export function renderZoo(rows: readonly ZooRow[]): string[] {
  const header = ['name', 'input', 'keras params', 'param bytes', 'MACs', 'ops', 'description'];
  const cells = rows.map((r) => [r.name, String(r.inputSize), int(r.kerasParams), int(r.paramBytes), `${(r.macs / 1e9).toFixed(3)} G`, String(r.ops), r.description]);
  return alignedLines(header, cells, new Set([0, 6]));
}

export const zooCommand: Command = {
  name: 'zoo',
  help: HELP,
  async run(argv, io) {
    const parsed = parse('zoo', argv, { json: { type: 'boolean' }, out: { type: 'string', short: 'o' } });
    if (E.isLeft(parsed)) return parsed;
    if (parsed.right.positionals.length > 0) return E.left(usage(`zoo: unexpected argument "${parsed.right.positionals[0]}" (see tpuseg zoo --help)`));
    const out = optionalOutFile('zoo', '--out', parsed.right.values['out'], io.cwd);
    if (E.isLeft(out)) return out;
    const rows = zooRows();
    if (E.isLeft(rows)) return rows;
    if (out.right !== undefined) {
      const written = writeJsonFile(out.right, { models: rows.right });
      if (E.isLeft(written)) return written;
    }
    if (parsed.right.values['json']) io.out(toJson({ models: rows.right }));
    else for (const l of renderZoo(rows.right)) io.out(l);
    return E.right(undefined);
  },
};
