import type { Budget, Problem } from '../../strategies/types';
import { feasibleChains } from './problem';
import type { RowPricer, StageRowPricer } from './rows';

/**
 * The band of a cap: the states (segment j ends at op position b) that lie on some plan whose
 * every segment costs at most `cap` and whose cuts are allowed. Exact searchers that know an
 * incumbent confine their dynamic programs to it: an optimal plan never leaves it.
 *
 * Found with bit sets over the segments (one 32-bit word per 32 segments and position), in two
 * rounds of two sweeps. Forward, R[b] = the j for which ops [0, b) split into j + 1 allowed
 * segments within the cap (R[b] = OR over the usable starts a of R[a] << 1); backward, from the
 * end, the states that can still be completed, pushed through the same segments.
 * 1. Coarse, with a lower bound of the cost that never decreases as the range grows (when the cost
 *    model has one): the starts a with bound(a, b) <= cap form an interval [lo[b], b) whose left
 *    end only moves forward with b, so both sweeps are sliding windows (a count per segment), in
 *    O(n k) without pricing anything. Since bound <= cost, this band contains the exact one.
 * 2. Exact, inside the coarse band: each pair (a, b) between coarse states is priced once (rows:
 *    one end, many starts) and tested against the cap, and the pairs within it kept as bits for the
 *    backward sweep. Nothing assumes the cost is monotone: every pair the bound admits is tested.
 */
export interface Band {
  readonly n: number;
  readonly k: number;
  /** 32-bit words per position. */
  readonly words: number;
  readonly cap: number;
  /** Row start per end b: pairs (a, b) with a < lo[b] cost more than cap. */
  readonly lo: Int32Array;
  /** live[b * words + w]: bit j (of word j >> 5) when state (j, b) is in the band. */
  readonly live: Int32Array;
  /** First and last end b of segment j in the band (first > last when none). */
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** Number of states in the band. */
  readonly states: number;
}

const wordsOf = (k: number): number => (k + 31) >>> 5;

/** Allowed ends as bit sets: bit j of position b when segment j may end at b (b = n only for the last). */
function endMasks(p: Problem): Int32Array {
  const { n, tpus: k } = p;
  const words = wordsOf(k);
  const mask = new Int32Array((n + 1) * words);
  const chains = feasibleChains(p)!;
  for (let j = 0; j < k - 1; j++) {
    for (let b = chains.left[j]!; b <= chains.right[j]!; b++) if (p.canCut[b]) mask[b * words + (j >>> 5)]! |= 1 << (j & 31);
  }
  mask[n * words + ((k - 1) >>> 5)]! |= 1 << ((k - 1) & 31);
  return mask;
}

/** Every allowed state, with no cap (the band of cap = Infinity, found without pricing anything). */
export function fullBand(p: Problem): Band {
  return finish(p.n, p.tpus, Infinity, new Int32Array(p.n + 1), endMasks(p));
}

function finish(n: number, k: number, cap: number, lo: Int32Array, live: Int32Array): Band {
  const words = wordsOf(k);
  const first = new Int32Array(k).fill(n + 1);
  const last = new Int32Array(k).fill(-1);
  let states = 0;
  for (let b = 0; b <= n; b++) {
    for (let w = 0; w < words; w++) {
      for (let x = live[b * words + w]!; x !== 0; x &= x - 1) {
        const j = (w << 5) + 31 - Math.clz32(x & -x);
        if (first[j]! > b) first[j] = b;
        last[j] = b;
        states++;
      }
    }
  }
  return { n, k, words, cap, lo, live, first, last, states };
}

/** Calls f(j) for every j set in the bit set at `at` (words long), ascending. */
function forBits(bits: Int32Array, at: number, words: number, f: (j: number) => void): void {
  for (let w = 0; w < words; w++) {
    for (let x = bits[at + w]!; x !== 0; x &= x - 1) f((w << 5) + 31 - Math.clz32(x & -x));
  }
}

/** Calls f(j) for every j live at b, ascending. */
const forLive = (band: Band, b: number, f: (j: number) => void): void => forBits(band.live, b * band.words, band.words, f);

/**
 * The starts [from, to) a dynamic program over the band needs at end b: from the first to the
 * last start any state live at b can use (segment 0 starts at 0; segment j at an end of segment
 * j - 1 in the band), within the bound's row.
 */
export function rowRange(band: Band, b: number): [number, number] {
  let from = b;
  let to = 0;
  forLive(band, b, (j) => {
    const a0 = j === 0 ? 0 : band.first[j - 1]!;
    const a1 = j === 0 ? 1 : band.last[j - 1]! + 1;
    if (a0 < from) from = a0;
    if (a1 > to) to = a1;
  });
  return [Math.max(from, band.lo[b]!), Math.min(to, b)];
}

/** The band's rows packed end to end: row b holds the starts [from[b], to[b]), pair (a, b) at index off[b] + a; total pairs. */
export interface RowLayout {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly off: Float64Array;
  readonly total: number;
}

export function rowLayout(band: Band): RowLayout {
  const W = band.n + 1;
  const from = new Int32Array(W);
  const to = new Int32Array(W);
  const off = new Float64Array(W);
  let total = 0;
  for (let b = 1; b <= band.n; b++) {
    const [f, t] = rowRange(band, b);
    from[b] = f;
    to[b] = t;
    off[b] = total - f;
    if (f < t) total += t - f;
  }
  return { from, to, off, total };
}

/** The pairs (a, b) a dynamic program over the band visits at most: the rows' lengths summed. */
export const bandPairs = (band: Band): number => rowLayout(band).total;

/**
 * Visits the band's states, the loop of every dynamic program over it: for each end b (ascending;
 * descending with `backward`) the row of starts the band can use is priced once (row[a] = cost(a,
 * b)), then visit(j, b, lo, hi, row) runs for every state (j, b) in the band. The starts of its
 * last segment are the a in [lo, hi] with `inBand(band, j - 1, a)` (just a = 0 for j = 0); a
 * visitor scanning them from hi down and keeping strict improvements breaks ties toward the
 * largest a. With `stagePrice` (a cost model whose positions price differently), each state's row
 * is priced at its own position j instead. False when the budget expired.
 */
export function forStates(band: Band, price: RowPricer, budget: Budget, visit: (j: number, b: number, lo: number, hi: number, row: Float64Array) => void,
  backward = false, stagePrice?: StageRowPricer): boolean {
  const { n, first, last } = band;
  const row = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) {
    if ((i & 15) === 0 && budget.expired()) return false;
    const b = backward ? n + 1 - i : i;
    const [from, to] = rowRange(band, b);
    if (from >= to) continue;
    if (!stagePrice) price(b, from, to, row);
    forLive(band, b, (j) => {
      if (stagePrice) stagePrice(b, from, to, row, j);
      if (j === 0) {
        if (from === 0) visit(0, b, 0, 0, row);
      } else {
        visit(j, b, Math.max(from, first[j - 1]!), Math.min(to - 1, last[j - 1]!), row);
      }
    });
  }
  return true;
}

/** Whether state (j, b) is in the band (true for the empty prefix, j = -1 at 0). */
export const inBand = (band: Band, j: number, b: number): boolean =>
  j < 0 ? b === 0 : (band.live[b * band.words + (j >>> 5)]! & (1 << (j & 31))) !== 0;

/** `x << 1` and `x >>> 1` on bit sets of several words. */
function shiftUp(src: Int32Array, at: number, dst: Int32Array, to: number, words: number): void {
  for (let w = words - 1; w >= 0; w--) dst[to + w] = (src[at + w]! << 1) | (w > 0 ? src[at + w - 1]! >>> 31 : 0);
}
function shiftDown(src: Int32Array, at: number, dst: Int32Array, to: number, words: number): void {
  for (let w = 0; w < words; w++) dst[to + w] = (src[at + w]! >>> 1) | (w + 1 < words ? src[at + w + 1]! << 31 : 0);
}

/** A sliding window over bit sets: the OR of the sets inside, kept with a count per bit. */
class WindowOr {
  private readonly count: Int32Array;
  readonly or: Int32Array;
  constructor(bitsCount: number, private readonly words: number) {
    this.count = new Int32Array(bitsCount);
    this.or = new Int32Array(words);
  }
  add(bits: Int32Array, at: number): void {
    const { count, or } = this;
    for (let w = 0; w < this.words; w++) {
      for (let x = bits[at + w]!; x !== 0; x &= x - 1) {
        const j = (w << 5) + 31 - Math.clz32(x & -x);
        if (count[j]!++ === 0) or[w]! |= 1 << (j & 31);
      }
    }
  }
  remove(bits: Int32Array, at: number): void {
    const { count, or } = this;
    for (let w = 0; w < this.words; w++) {
      for (let x = bits[at + w]!; x !== 0; x &= x - 1) {
        const j = (w << 5) + 31 - Math.clz32(x & -x);
        if (--count[j]! === 0) or[w]! &= ~(1 << (j & 31));
      }
    }
  }
}

/**
 * The coarse band of step 1: states on some allowed plan whose segments all have bound <= cap.
 * lo[b] = first a with bound(a, b) <= cap, hi[a] = last e with bound(a, e) <= cap.
 */
function coarseBand(p: Problem, ends: Int32Array, lo: Int32Array, hi: Int32Array): Int32Array {
  const { n, tpus: k } = p;
  const words = wordsOf(k);
  const W = n + 1;
  const reach = new Int32Array(W * words);
  const starts = new Int32Array(W * words);
  starts[0] = 1;
  const fwd = new WindowOr(k, words);
  for (let b = 1, from = 0; b <= n; b++) {
    fwd.add(starts, (b - 1) * words);
    for (; from < lo[b]!; from++) fwd.remove(starts, from * words);
    for (let w = 0; w < words; w++) reach[b * words + w] = fwd.or[w]! & ends[b * words + w]!;
    shiftUp(reach, b * words, starts, b * words, words);
  }
  // Backward over the ends e in (a, hi[a]]: live[e] >>> 1 are the (j - 1) a segment ending at e completes.
  const live = new Int32Array(W * words);
  const down = new Int32Array(W * words);
  const done = new Int32Array(words);
  done[(k - 1) >>> 5] = 1 << ((k - 1) & 31);
  for (let w = 0; w < words; w++) live[n * words + w] = done[w]! & reach[n * words + w]!;
  shiftDown(live, n * words, down, n * words, words);
  const bwd = new WindowOr(k, words);
  for (let a = n - 1, to = n; a >= 1; a--) {
    bwd.add(down, (a + 1) * words);
    for (; to > hi[a]!; to--) if (to <= n) bwd.remove(down, to * words);
    for (let w = 0; w < words; w++) live[a * words + w] = bwd.or[w]! & reach[a * words + w]!;
    shiftDown(live, a * words, down, a * words, words);
  }
  return live;
}

/**
 * Step 1 alone: the states on some allowed plan whose segments all have bound <= cap, pricing
 * nothing (every allowed state without a bound). It contains the band of `cap`.
 */
export function boundBand(p: Problem, cap: number, bound: ((a: number, b: number) => number) | undefined): Band {
  const { n, tpus: k } = p;
  const W = n + 1;
  const ends = endMasks(p);
  const lo = new Int32Array(W);
  const hi = new Int32Array(W).fill(n);
  if (bound) {
    for (let b = 1, a = 0; b <= n; b++) {
      while (a < b && bound(a, b) > cap) a++;
      lo[b] = a;
    }
    // The bound grows with the range, so bound(a, e) <= cap exactly when lo[e] <= a < e.
    for (let a = n - 1, e = n; a >= 0; a--) {
      while (e > a && lo[e]! > a) e--;
      hi[a] = e;
    }
  }
  return finish(n, k, cap, lo, bound ? coarseBand(p, ends, lo, hi) : ends);
}

/**
 * The band of `cap`, or undefined when the budget expires. `bound(a, b)` <= cost(a, b), never
 * decreasing as the range grows (or undefined: every pair between allowed states is priced).
 * `within`, when given, replaces step 1: a band known to contain this one (the band of a larger
 * cap, or the bound's band of this cap).
 */
export function capBand(p: Problem, price: RowPricer, cap: number, bound: ((a: number, b: number) => number) | undefined, budget: Budget, within?: Band): Band | undefined {
  const { n, tpus: k } = p;
  if (cap === Infinity) return fullBand(p);
  const W = n + 1;
  const words = wordsOf(k);
  const coarse = within ?? boundBand(p, cap, bound);

  // The rows to price, and where their pair bits go.
  const { from, to, off, total } = rowLayout(coarse);
  const bits = new Int32Array((total >>> 5) + 1);
  const reach = new Int32Array(W * words);
  // starts[a]: the j for which segment j may start at a (R[a] << 1; segment 0 at 0).
  const starts = new Int32Array(W * words);
  starts[0] = 1;
  const row = new Float64Array(W);
  const acc = new Int32Array(words);
  const cl = coarse.live;
  for (let b = 1; b <= n; b++) {
    if ((b & 63) === 0 && budget.expired()) return undefined;
    const f = from[b]!;
    const t = to[b]!;
    if (f >= t) continue;
    price(b, f, t, row);
    const base = off[b]!;
    if (words === 1) {
      let r = 0;
      for (let a = f; a < t; a++) {
        if (row[a]! <= cap) {
          const i = base + a;
          bits[i >>> 5]! |= 1 << (i & 31);
          r |= starts[a]!;
        }
      }
      reach[b] = r & cl[b]!;
      starts[b] = reach[b]! << 1;
    } else {
      acc.fill(0);
      for (let a = f; a < t; a++) {
        if (row[a]! <= cap) {
          const i = base + a;
          bits[i >>> 5]! |= 1 << (i & 31);
          for (let w = 0; w < words; w++) acc[w]! |= starts[a * words + w]!;
        }
      }
      for (let w = 0; w < words; w++) reach[b * words + w] = acc[w]! & cl[b * words + w]!;
      shiftUp(reach, b * words, starts, b * words, words);
    }
  }

  // Backward: done[e] collects the j for which (j, e) can be completed; live = done & reach.
  const done = new Int32Array(W * words);
  done[n * words + ((k - 1) >>> 5)] = 1 << ((k - 1) & 31);
  const live = new Int32Array(W * words);
  const prev = new Int32Array(words);
  for (let e = n; e >= 1; e--) {
    let any = 0;
    for (let w = 0; w < words; w++) any |= live[e * words + w] = done[e * words + w]! & reach[e * words + w]!;
    if (any === 0) continue;
    // Segment j in the band ending at e makes (j - 1, a) completable for its starts a.
    shiftDown(live, e * words, prev, 0, words);
    let some = 0;
    for (let w = 0; w < words; w++) some |= prev[w]!;
    if (some === 0) continue;
    const base = off[e]!;
    for (let a = from[e]!; a < to[e]!; a++) {
      const i = base + a;
      if ((bits[i >>> 5]! & (1 << (i & 31))) === 0) continue;
      for (let w = 0; w < words; w++) done[a * words + w]! |= prev[w]!;
    }
  }
  return finish(n, k, cap, coarse.lo, live);
}
