import { elementCount } from '../graph/dtype';
import { deriveSeed, rng } from '../rng';
import type { IoTensor } from './inspect';
import type { TfliteArray } from './run';

/**
 * Seeded model inputs and exact output comparison, for checking that two files compute the same
 * thing (a model and its rewrite, or a model and its chain of segments).
 */

/**
 * One seeded input per graph input: uint8 uniform over 0..255, float32 standard normal, int32
 * uniform over 0..9 (small, so index-like inputs stay in range). Input i depends only on
 * (seed, i, its name), so the same seed gives the same inputs.
 */
export function seededInputs(inputs: readonly IoTensor[], seed: string | number): TfliteArray[] {
  return inputs.map((t, i) => {
    const g = rng(deriveSeed(seed, 'input', i, t.name));
    const n = elementCount(t.shape);
    switch (t.dtype) {
      case 'uint8':
        return Uint8Array.from({ length: n }, () => g.int(0, 255));
      case 'float32':
        return Float32Array.from({ length: n }, () => g.normal());
      case 'int32':
        return Int32Array.from({ length: n }, () => g.int(0, 9));
      default:
        throw new Error(`seededInputs: ${t.dtype} input "${t.name}" cannot be fed to LiteRT.js (check modelDetails().limits first)`);
    }
  });
}

/**
 * Undefined when both lists hold the same arrays bit for bit (same types, lengths and bytes; NaNs
 * compare by bit pattern), else a one-line description of the first difference.
 */
export function firstDifference(a: readonly TfliteArray[], b: readonly TfliteArray[]): string | undefined {
  if (a.length !== b.length) return `${a.length} outputs vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.constructor.name !== y.constructor.name) return `output ${i}: ${x.constructor.name} vs ${y.constructor.name}`;
    if (x.length !== y.length) return `output ${i}: ${x.length} values vs ${y.length}`;
    const xb = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const yb = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    for (let j = 0; j < xb.length; j++) {
      if (xb[j] !== yb[j]) {
        const k = Math.floor(j / x.BYTES_PER_ELEMENT);
        return `output ${i}: first difference at element ${k} (${x[k]} vs ${y[k]})`;
      }
    }
  }
  return undefined;
}
