import { schemaMismatch, TpusegFailure } from '../errors';
import type { OpOptions } from '../graph/types';
import { BuiltinOptions, BuiltinOptions2, unionToBuiltinOptions, unionToBuiltinOptions2, type Operator } from './index';

interface Unpackable {
  unpack(): object;
}

/**
 * An operator's builtin options as plain data: the union key ('Conv2DOptions') and a copy of the
 * flatc object-API T object's own fields, so the writer can rebuild the T object by name. Tables
 * of `builtin_options_2` (StableHLO) land in the same slot, their names tell them apart; real ops
 * carry at most one of the two.
 */
export function readOptions(op: Operator, file: string, where: string): OpOptions | undefined {
  const t1 = op.builtinOptionsType();
  const t2 = op.builtinOptions2Type();
  if (t1 !== BuiltinOptions.NONE && t2 !== BuiltinOptions2.NONE) {
    throw new TpusegFailure(schemaMismatch(file, `${where} carries both builtin_options and builtin_options_2`));
  }
  if (t1 !== BuiltinOptions.NONE) {
    const name = BuiltinOptions[t1];
    const table = unionToBuiltinOptions(t1, op.builtinOptions.bind(op)) as Unpackable | null;
    if (name === undefined || table === null) {
      throw new TpusegFailure(schemaMismatch(file, `${where} has unknown builtin options type ${t1}`));
    }
    return { type: name, fields: { ...table.unpack() } };
  }
  if (t2 !== BuiltinOptions2.NONE) {
    const name = BuiltinOptions2[t2];
    const table = unionToBuiltinOptions2(t2, op.builtinOptions2.bind(op)) as Unpackable | null;
    if (name === undefined || table === null) {
      throw new TpusegFailure(schemaMismatch(file, `${where} has unknown builtin_options_2 type ${t2}`));
    }
    return { type: name, fields: { ...table.unpack() } };
  }
  return undefined;
}
