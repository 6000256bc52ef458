import type { CostModel } from '../../cost-models/types';
import { stageRowPricer } from '../search/rows';

/**
 * Hybrids on TPUs that are all alike: for every number of stages k and of TPUs m, the cuts and the
 * copies per stage (r_1 + ... + r_k = m, not all equal: equal copies are replicas, searched on
 * their own) that minimize the slowest stage per input, max_i t_i / r_i, where t_i is the time
 * of stage i's ops on one TPU (a layout's steady state before what every stage shares,
 * src/pipeline/layout.ts).
 *
 * Exact for that term, for any segment cost, by a dynamic program over (stages so far j, end op b,
 * TPUs used u), in the manner of the chains-on-chains DP (strategies/dp.ts):
 *   H[j][b][u] = min over a < b, r >= 1 of max(prev, t(a, b) / r)
 * where prev is H[j-1][a][u-r] (a prefix already uneven) or P[j-1][a] / r' when the prefix's j
 * stages all run on r' = (u - r) / j TPUs with r' != r (P the min-max pipeline DP: an even prefix
 * on r' TPUs per stage costs its one-TPU optimum / r'). Every uneven plan ends with a last stage
 * after an uneven or an even prefix, and max is monotone in both arguments, so the recurrence
 * covers every plan. Among plans of equal slowest stage the smaller sum of one-TPU stage times is
 * kept per state (a tie-break toward lower latency, not guaranteed minimal).
 * O(K^3 n^2) for K TPUs and n ops, with every segment priced once.
 */
export interface HybridPlan {
  readonly stages: number;
  readonly tpus: number;
  readonly cuts: readonly number[];
  readonly copies: readonly number[];
  /** max_i t_i / r_i */
  readonly slowestMs: number;
}

export function bestHybrids(cost: CostModel, K: number): HybridPlan[] {
  const n = cost.graph.ops.length;
  const W = n + 1;
  const kMax = Math.min(K - 1, n);
  if (kMax < 2) return [];
  // t(a, b) on one TPU, every pair once.
  const T = new Float64Array(W * W).fill(Infinity);
  const row = new Float64Array(W);
  const price = stageRowPricer(cost);
  for (let b = 1; b <= n; b++) {
    price(b, 0, b, row, 0);
    for (let a = 0; a < b; a++) T[a * W + b] = row[a]!;
  }
  // The min-max pipeline: P[j][b] over j + 1 stages ending at b, PS its sum, PA its parent.
  const P = new Float64Array(kMax * W).fill(Infinity);
  const PS = new Float64Array(kMax * W).fill(Infinity);
  const PA = new Int32Array(kMax * W).fill(-1);
  for (let b = 1; b <= n; b++) {
    P[b] = T[b]!;
    PS[b] = T[b]!;
    PA[b] = 0;
  }
  for (let j = 1; j < kMax; j++) {
    for (let b = j + 1; b <= n; b++) {
      const at = j * W + b;
      for (let a = j; a < b; a++) {
        const prev = P[(j - 1) * W + a]!;
        const t = T[a * W + b]!;
        const v = prev > t ? prev : t;
        const s = PS[(j - 1) * W + a]! + t;
        if (v < P[at]! || (v === P[at]! && s < PS[at]!)) {
          P[at] = v;
          PS[at] = s;
          PA[at] = a;
        }
      }
    }
  }
  // H over uneven plans: value, sum, parent start, parent copies, whether the prefix is even.
  const U = K + 1;
  const size = kMax * W * U;
  const H = new Float64Array(size).fill(Infinity);
  const HS = new Float64Array(size).fill(Infinity);
  const HA = new Int32Array(size).fill(-1);
  const HR = new Int32Array(size);
  const HE = new Uint8Array(size);
  const tab: Tables = { H, HS, HA, HR, HE };
  for (let j = 1; j < kMax; j++) {
    for (let b = j + 1; b <= n; b++) {
      for (let a = j; a < b; a++) {
        const t = T[a * W + b]!;
        const from = ((j - 1) * W + a) * U;
        const even = P[(j - 1) * W + a]!;
        const evenSum = PS[(j - 1) * W + a]!;
        // An uneven plan of j + 1 stages needs at least j + 2 TPUs.
        for (let u = j + 2; u <= K; u++) {
          const at = (j * W + b) * U + u;
          for (let r = 1; r <= u - j; r++) {
            const rest = u - r;
            if (rest >= j + 1 && H[from + rest]! !== Infinity) offer(tab, at, H[from + rest]!, HS[from + rest]!, t, a, r, 0);
            if (rest % j === 0 && rest / j !== r && even !== Infinity) offer(tab, at, even / (rest / j), evenSum, t, a, r, 1);
          }
        }
      }
    }
  }
  const out: HybridPlan[] = [];
  for (let k = 2; k <= kMax; k++) {
    for (let m = k + 1; m <= K; m++) {
      const v = H[((k - 1) * W + n) * U + m]!;
      if (v === Infinity) continue;
      const cuts: number[] = [];
      const copies: number[] = [];
      let j = k - 1;
      let b = n;
      let u = m;
      while (j >= 0) {
        const at = (j * W + b) * U + u;
        const a = HA[at]!;
        const r = HR[at]!;
        if (a < 1) throw new Error(`hybrid DP: no parent at stage ${j}, end ${b}, ${u} TPUs`);
        copies.unshift(r);
        if (HE[at] === 1) {
          // The rest is the even pipeline of j stages on (u - r) / j TPUs each.
          const each = (u - r) / j;
          let e = a;
          for (let i = j - 1; i >= 0; i--) {
            cuts.unshift(e);
            copies.unshift(each);
            e = PA[i * W + e]!;
          }
          break;
        }
        cuts.unshift(a);
        b = a;
        u -= r;
        j--;
      }
      out.push({ stages: k, tpus: m, cuts, copies, slowestMs: v });
    }
  }
  return out;
}

interface Tables {
  readonly H: Float64Array;
  readonly HS: Float64Array;
  readonly HA: Int32Array;
  readonly HR: Int32Array;
  readonly HE: Uint8Array;
}

/** State `at` takes the last stage [a, b) of one-TPU time t on r TPUs after a prefix of value prev and sum prevSum, when that is better. */
function offer(x: Tables, at: number, prev: number, prevSum: number, t: number, a: number, r: number, even: 0 | 1): void {
  const last = t / r;
  const v = prev > last ? prev : last;
  const s = prevSum + t;
  if (v < x.H[at]! || (v === x.H[at]! && s < x.HS[at]!)) {
    x.H[at] = v;
    x.HS[at] = s;
    x.HA[at] = a;
    x.HR[at] = r;
    x.HE[at] = even;
  }
}
