import { createHash } from 'node:crypto';
import { configInvalid, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';

/**
 * The model a plan was made for, recorded in every plan tpuseg prints or writes (`segment
 * --json`/`--out`, `predict --json`/`--out`): its name, op count and a hash of its graph
 * (op types and wiring, tensor shapes and types; not weights). A plan applied to another model
 * is refused with both named, since cuts are op positions and mean nothing elsewhere.
 */
export interface MadeFor {
  readonly name: string;
  readonly ops: number;
  readonly graphHash: string;
}

export function graphHash(g: LayerGraph): string {
  const h = createHash('sha256');
  for (const t of g.tensors) h.update(`${t.dtype}[${t.shape.join(',')}]${t.isConstant ? 'c' : ''};`);
  for (const o of g.ops) h.update(`${o.type}(${o.inputs.join(',')})->(${o.outputs.join(',')});`);
  h.update(`in(${g.inputs.join(',')})out(${g.outputs.join(',')})`);
  return h.digest('hex').slice(0, 16);
}

export const madeFor = (g: LayerGraph): MadeFor => ({ name: g.name, ops: g.ops.length, graphHash: graphHash(g) });

const describe = (m: MadeFor): string => `${m.name} (${m.ops} ops, graph ${m.graphHash})`;

/** The error when a plan file's recorded model is not `g`; plans without a record pass (older files, hand-written plans). */
export function madeForMismatch(recorded: unknown, g: LayerGraph, file: string): TpusegError | undefined {
  const r = recorded as Partial<MadeFor> | undefined;
  if (typeof r !== 'object' || r === null || typeof r.graphHash !== 'string') return undefined;
  const here = madeFor(g);
  if (r.graphHash === here.graphHash) return undefined;
  return configInvalid(file, [`madeFor: the plan was made for ${describe({ name: String(r.name), ops: Number(r.ops), graphHash: r.graphHash })}, not for ${describe(here)}`]);
}
