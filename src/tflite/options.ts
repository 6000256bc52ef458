import * as flatbuffers from 'flatbuffers';
import { exportFailed, TpusegFailure } from '../errors';
import type { OpOptions } from '../graph/types';
import * as tfl from './index';

/** Where a packed options table goes in an Operator: the `builtin_options` union or `builtin_options_2`. */
export interface PackedOptions {
  readonly slot: 1 | 2;
  readonly type: number;
  readonly offset: flatbuffers.Offset;
}

interface Packable {
  pack(builder: flatbuffers.Builder): flatbuffers.Offset;
}

const generated = tfl as unknown as Record<string, unknown>;
const enumValue = (e: object, key: string): number | undefined => {
  const v = (e as Record<string, unknown>)[key];
  return typeof v === 'number' && key !== 'NONE' ? v : undefined;
};

/**
 * Packs an op's options generically: the union key names the flatc object-API class
 * (`Conv2DOptions` -> `Conv2DOptionsT`), which is rebuilt with the recorded fields and packs
 * itself, so every builtin options table round-trips without a per-op table here.
 * Throws TpusegFailure(ExportFailed) for an unknown options type or a field the class lacks.
 */
export function packOptions(builder: flatbuffers.Builder, options: OpOptions, where: string): PackedOptions {
  const v1 = enumValue(tfl.BuiltinOptions, options.type);
  const v2 = v1 === undefined ? enumValue(tfl.BuiltinOptions2, options.type) : undefined;
  const ctor = generated[`${options.type}T`];
  if ((v1 === undefined && v2 === undefined) || typeof ctor !== 'function') {
    throw new TpusegFailure(exportFailed(`${where}: unknown builtin options type "${options.type}"`));
  }
  const table = new (ctor as new () => Packable & Record<string, unknown>)();
  for (const [field, value] of Object.entries(options.fields)) {
    if (!(field in table)) {
      throw new TpusegFailure(exportFailed(`${where}: ${options.type} has no field "${field}"`));
    }
    table[field] = Array.isArray(value) ? [...value] : value;
  }
  const offset = table.pack(builder);
  return v1 !== undefined ? { slot: 1, type: v1, offset } : { slot: 2, type: v2!, offset };
}
