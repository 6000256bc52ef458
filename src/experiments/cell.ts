import { createHash } from 'node:crypto';
import type { Budget, Objective } from '../../experiments/schema';
import type { RunnerName } from '../../cost-models/profile';

/** One unit of work: one model on N TPUs searched by one strategy under one profile and seed. */
export interface CellParams {
  /** Model spec as expanded (`zoo:resnet50_v1`, `synth:conv?filters=32&layers=5`, a path as written). */
  readonly model: string;
  readonly tpus: number;
  /** Strategy name or module path, its options, and the label tables use for it. */
  readonly strategy: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly label: string;
  readonly profile: string;
  /** Pipeline runner to price for (absent: the profile's), and whether a batch starts on a fresh runner. */
  readonly runner?: RunnerName;
  readonly freshRunner?: boolean;
  readonly objective: Objective;
  readonly batch: number;
  readonly seed: number;
  readonly budget: Budget;
}

export interface Cell extends CellParams {
  /** Stable id: a hash of the canonical JSON of the parameters (same parameters, same id, in any run). */
  readonly id: string;
}

/** JSON with object keys sorted at every level, so equal values serialize equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const hashOf = (v: unknown, length = 16): string => createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, length);

export const makeCell = (p: CellParams): Cell => ({ ...p, id: hashOf(p) });

/** Short human description for logs: `zoo:resnet50_v1 N=4 dp (edgetpu-usb3)`. */
export const describeCell = (c: CellParams): string => `${c.model} N=${c.tpus} ${c.label} (${c.profile}${c.seed !== 0 ? `, seed ${c.seed}` : ''})`;
