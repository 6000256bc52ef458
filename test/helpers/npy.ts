import * as fs from 'node:fs';

/** NumPy's .npy format (version 1.0, little-endian, C order) for the few dtypes the tests exchange with Python. */

type Typed = Float32Array | Int8Array | Uint8Array | Int32Array;
const DESCR: Record<string, string> = { Float32Array: '<f4', Int8Array: '|i1', Uint8Array: '|u1', Int32Array: '<i4' };
const ARRAY: Record<string, new (b: ArrayBuffer) => Typed> = { '<f4': Float32Array, '|i1': Int8Array, '|u1': Uint8Array, '<i4': Int32Array };

export function writeNpy(file: string, data: Typed, shape: readonly number[]): void {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${DESCR[data.constructor.name]}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

export function readNpy(file: string): { data: Typed; shape: number[] } {
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = b.readUInt8(6);
  const len = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = b.toString('latin1', start, start + len);
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (descr === undefined || !ARRAY[descr] || /'fortran_order': True/.test(header)) throw new Error(`${file}: unsupported .npy header ${header.trim()}`);
  const body = b.subarray(start + len);
  return { data: new ARRAY[descr]!(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), shape };
}
