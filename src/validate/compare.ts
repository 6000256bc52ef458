import type { TfliteArray } from '../litert';

/** Bit-for-bit comparison of named outputs between a reference run and the segment chain. */
export interface OutputComparison {
  readonly name: string;
  readonly equal: boolean;
  /** Elements (over all samples) whose bits differ, out of `elements`. */
  readonly differing: number;
  readonly elements: number;
  readonly maxAbsDiff: number;
  /** Set when the chain never produced this tensor or produced another type or length. */
  readonly problem?: string;
}

function compareArrays(a: TfliteArray, b: TfliteArray): { differing: number; maxAbsDiff: number; problem?: string } {
  if (a.constructor !== b.constructor) return { differing: a.length, maxAbsDiff: Infinity, problem: `${a.constructor.name} vs ${b.constructor.name}` };
  if (a.length !== b.length) return { differing: a.length, maxAbsDiff: Infinity, problem: `${a.length} values vs ${b.length}` };
  const w = a.BYTES_PER_ELEMENT;
  const ab = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const bb = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  let differing = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) {
    let same = true;
    for (let j = i * w; j < (i + 1) * w; j++) if (ab[j] !== bb[j]) same = false;
    if (same) continue;
    differing += 1;
    const d = Math.abs(a[i]! - b[i]!);
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d);
  }
  return { differing, maxAbsDiff };
}

export function compareOutputs(
  names: readonly string[],
  reference: readonly ReadonlyMap<string, TfliteArray>[],
  chain: readonly ReadonlyMap<string, TfliteArray>[],
): OutputComparison[] {
  return names.map((name) => {
    let differing = 0;
    let elements = 0;
    let maxAbsDiff = 0;
    let problem: string | undefined;
    reference.forEach((env, s) => {
      const a = env.get(name)!;
      const b = chain[s]!.get(name);
      elements += a.length;
      if (!b) {
        problem = 'no segment produced it';
        differing += a.length;
        maxAbsDiff = Infinity;
        return;
      }
      const c = compareArrays(a, b);
      differing += c.differing;
      maxAbsDiff = Math.max(maxAbsDiff, c.maxAbsDiff);
      if (c.problem) problem = c.problem;
    });
    return { name, equal: differing === 0, differing, elements, maxAbsDiff, ...(problem !== undefined ? { problem } : {}) };
  });
}
