import seedrandom from 'seedrandom';

/** A seeded random source. Every random choice in tpuseg comes from one of these. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

export function rng(seed: string | number): Rng {
  const g = seedrandom(String(seed));
  let spare: number | undefined;
  return {
    next: () => g.quick(),
    int: (lo, hi) => lo + Math.floor(g.quick() * (hi - lo + 1)),
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = g.quick();
      const v = g.quick();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A task's seed as a pure function of the run seed and the task's identity (never of worker count or timing). */
export function deriveSeed(...parts: readonly (string | number)[]): string {
  return parts.map(String).join('/');
}
