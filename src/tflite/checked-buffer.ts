import * as flatbuffers from 'flatbuffers';

const UTF8 = new TextDecoder();

/** A structural defect found while reading a flatbuffer; the reader turns it into ModelUnreadable. */
export class FlatbufferDefect extends Error {}

/**
 * A flatbuffers ByteBuffer that verifies every offset before following it. The stock runtime
 * does no bounds checks: out-of-range reads yield `undefined` bits or a RangeError, and a
 * corrupt vector length can reach 2^31. Here every scalar read must lie inside the file, every
 * table's vtable must be well formed, every vector and string must fit in the bytes after its
 * start (at least one byte per element, so iterating one is bounded by the file size), and the
 * total number of reads is capped so that corrupt files whose offsets all point at the same
 * large vector cannot make reading quadratic.
 */
export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private reads = 0;
  private readonly size: number;

  constructor(bytes: Uint8Array, private readonly readBudget: number) {
    super(bytes);
    this.size = bytes.length;
  }

  private spend(): void {
    if (++this.reads > this.readBudget) {
      throw new FlatbufferDefect(`structure needs more than ${this.readBudget} reads for a ${this.size}-byte file (offsets point back into shared data)`);
    }
  }

  private need(offset: number, width: number, what: string): void {
    this.spend();
    if (!Number.isInteger(offset) || offset < 0 || offset + width > this.size) {
      const where = offset >= this.size ? 'beyond the end of' : 'outside';
      throw new FlatbufferDefect(`truncated or corrupt: ${what} at offset ${offset} ${where} the ${this.size}-byte file`);
    }
  }

  override readUint8(offset: number): number {
    this.need(offset, 1, 'byte');
    return super.readUint8(offset);
  }

  override readUint16(offset: number): number {
    this.need(offset, 2, '16-bit value');
    return super.readUint16(offset);
  }

  override readInt32(offset: number): number {
    this.need(offset, 4, '32-bit value');
    return super.readInt32(offset);
  }

  /** Target of the unsigned forward offset stored at `offset`. */
  private follow(offset: number, what: string): number {
    this.need(offset, 4, `offset to ${what}`);
    const rel = super.readInt32(offset) >>> 0;
    const target = offset + rel;
    if (rel === 0 || target >= this.size) {
      throw new FlatbufferDefect(`truncated or corrupt: ${what} at offset ${target} (from offset ${offset}) beyond the end of the ${this.size}-byte file`);
    }
    return target;
  }

  /** The last table whose vtable was verified: accessors query one table's fields in a row. */
  private table = -1;
  private vtable = 0;
  private vsize = 0;
  private tsize = 0;

  override __offset(bbPos: number, vtableOffset: number): number {
    if (bbPos !== this.table) {
      this.need(bbPos, 4, 'table');
      const vtable = bbPos - super.readInt32(bbPos);
      this.need(vtable, 4, `vtable of the table at offset ${bbPos}`);
      const vsize = super.readUint16(vtable);
      const tsize = super.readUint16(vtable + 2);
      if (vsize < 4 || vsize % 2 !== 0 || vtable + vsize > this.size || bbPos + tsize > this.size) {
        throw new FlatbufferDefect(`corrupt vtable at offset ${vtable} for the table at offset ${bbPos} (vtable ${vsize} bytes, table ${tsize} bytes, file ${this.size} bytes)`);
      }
      this.table = bbPos;
      this.vtable = vtable;
      this.vsize = vsize;
      this.tsize = tsize;
    } else {
      this.spend();
    }
    const { vtable, vsize, tsize } = this;
    if (vtableOffset >= vsize) return 0;
    const field = super.readUint16(vtable + vtableOffset);
    if (field !== 0 && field + 1 > tsize) {
      throw new FlatbufferDefect(`corrupt table at offset ${bbPos}: field at +${field} outside its ${tsize} bytes`);
    }
    return field;
  }

  override __indirect(offset: number): number {
    return this.follow(offset, 'table');
  }

  override __union(t: flatbuffers.Table, offset: number): flatbuffers.Table {
    t.bb_pos = this.follow(offset, 'union table');
    t.bb = this;
    return t;
  }

  /** Start of the vector's length word, checked to fit with at least one byte per element. */
  private vectorAt(offset: number): { start: number; length: number } {
    const start = this.follow(offset, 'vector');
    this.need(start, 4, 'vector length');
    const length = super.readInt32(start) >>> 0;
    const room = this.size - start - 4;
    if (length > room) {
      throw new FlatbufferDefect(`truncated or corrupt: vector at offset ${start} claims ${length} elements, more than the ${room} bytes left in the ${this.size}-byte file`);
    }
    return { start, length };
  }

  override __vector(offset: number): number {
    return this.vectorAt(offset).start + 4;
  }

  override __vector_len(offset: number): number {
    return this.vectorAt(offset).length;
  }

  override __string(offset: number, encoding?: flatbuffers.Encoding): string | Uint8Array {
    const { start, length } = this.vectorAt(offset);
    this.reads += length >>> 4;
    const utf8 = this.bytes().subarray(start + 4, start + 4 + length);
    return encoding === flatbuffers.Encoding.UTF8_BYTES ? utf8 : UTF8.decode(utf8);
  }
}
