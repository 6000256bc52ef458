import type { DType } from './types';

/** DType names in TensorType enum order (index = enum value). */
export const DTYPES: readonly DType[] = [
  'float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8',
  'float64', 'complex128', 'uint64', 'resource', 'variant', 'uint32', 'uint16', 'int4', 'bfloat16',
  'int2', 'uint4', 'float8_e4m3fn', 'float8_e5m2',
];

/** Bits per element; 0 where the size is not fixed (string, resource, variant). */
const BITS: Readonly<Record<DType, number>> = {
  float32: 32, float16: 16, int32: 32, uint8: 8, int64: 64, string: 0, bool: 8, int16: 16,
  complex64: 64, int8: 8, float64: 64, complex128: 128, uint64: 64, resource: 0, variant: 0,
  uint32: 32, uint16: 16, int4: 4, bfloat16: 16, int2: 2, uint4: 4, float8_e4m3fn: 8, float8_e5m2: 8,
};

export const dtypeFromEnum = (v: number): DType | undefined => DTYPES[v];
export const dtypeToEnum = (d: DType): number => DTYPES.indexOf(d);

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= Math.max(d, 0);
  return n;
}

/** Bytes of a dense tensor of this shape and type (sub-byte types packed, rounded up). */
export function denseBytes(dtype: DType, shape: readonly number[]): number {
  return Math.ceil((elementCount(shape) * BITS[dtype]) / 8);
}
