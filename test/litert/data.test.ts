import { firstDifference, seededInputs } from '../../src/litert';

describe('data', () => {
  describe('seededInputs', () => {
    const io = [
      { name: 'image', shape: [1, 4, 4, 3], dtype: 'uint8' as const },
      { name: 'x', shape: [2, 5], dtype: 'float32' as const },
      { name: 'ids', shape: [7], dtype: 'int32' as const },
    ];

    it('should make one typed array per input, of the input shape and type', () => {
      const [a, b, c] = seededInputs(io, 1);
      expect(a).toBeInstanceOf(Uint8Array);
      expect(a!.length).toBe(48);
      expect(b).toBeInstanceOf(Float32Array);
      expect(b!.length).toBe(10);
      expect(c).toBeInstanceOf(Int32Array);
      expect(Array.from(c!).every((v) => v >= 0 && v <= 9)).toBe(true);
    });

    it('should repeat for the same seed and differ for another', () => {
      expect(firstDifference(seededInputs(io, 1), seededInputs(io, 1))).toBeUndefined();
      expect(firstDifference(seededInputs(io, 1), seededInputs(io, 2))).toBeDefined();
    });

    it('should refuse a dtype LiteRT.js cannot feed', () => {
      expect(() => seededInputs([{ name: 'q', shape: [2], dtype: 'int8' }], 0)).toThrow('int8 input "q" cannot be fed');
    });
  });

  describe('firstDifference', () => {
    it('should compare bit for bit and name the first differing element', () => {
      expect(firstDifference([new Float32Array([1, 2, 3])], [new Float32Array([1, 2, 3])])).toBeUndefined();
      expect(firstDifference([new Float32Array([1, 2, 3])], [new Float32Array([1, 2.5, 3])])).toBe('output 0: first difference at element 1 (2 vs 2.5)');
      expect(firstDifference([new Float32Array([0])], [new Float32Array([-0])])).toBe('output 0: first difference at element 0 (0 vs 0)');
      expect(firstDifference([new Float32Array([NaN])], [new Float32Array([NaN])])).toBeUndefined();
    });

    it('should tell apart counts, types and lengths', () => {
      expect(firstDifference([], [new Uint8Array(1)])).toBe('0 outputs vs 1');
      expect(firstDifference([new Uint8Array(1)], [new Int32Array(1)])).toBe('output 0: Uint8Array vs Int32Array');
      expect(firstDifference([new Uint8Array(1)], [new Uint8Array(2)])).toBe('output 0: 1 values vs 2');
    });
  });
});
