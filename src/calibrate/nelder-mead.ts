/**
 * Nelder-Mead simplex minimization (Nelder & Mead 1965; coefficients of Gao & Han 2012, adapted to
 * the dimension). Deterministic: the initial simplex steps along each axis, ties keep the earlier
 * vertex. Restarts from the best point with a fresh simplex, which escapes a collapsed simplex.
 */

export interface NelderMeadOptions {
  /** Initial step along each axis. */
  readonly step?: number;
  readonly maxEvals?: number;
  /** Stop a run when the simplex's values differ by less than this. */
  readonly tol?: number;
  readonly restarts?: number;
}

export interface NelderMeadResult {
  readonly x: readonly number[];
  readonly fx: number;
  readonly evals: number;
}

export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], opts: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  const step = opts.step ?? 0.25;
  const maxEvals = opts.maxEvals ?? 200 * (n + 1);
  const tol = opts.tol ?? 1e-10;
  const restarts = opts.restarts ?? 2;
  const alpha = 1;
  const beta = 1 + 2 / Math.max(n, 2);
  const gamma = 0.75 - 1 / (2 * Math.max(n, 2));
  const delta = 1 - 1 / Math.max(n, 2);
  let evals = 0;
  const value = (x: number[]): number => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  let best = [...x0];
  let bestF = value(best);
  if (n === 0) return { x: best, fx: bestF, evals };

  for (let run = 0; run <= restarts && evals < maxEvals; run++) {
    let pts: number[][] = [best, ...Array.from({ length: n }, (_, i) => best.map((v, j) => (j === i ? v + step : v)))];
    let fs = pts.map((p, i) => (i === 0 ? bestF : value(p)));
    while (evals < maxEvals) {
      const order = pts.map((_, i) => i).sort((a, b) => fs[a]! - fs[b]! || a - b);
      pts = order.map((i) => pts[i]!);
      fs = order.map((i) => fs[i]!);
      if (fs[n]! - fs[0]! <= tol) break;
      const centroid = Array.from({ length: n }, (_, j) => pts.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n);
      const worst = pts[n]!;
      const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst[j]! - c));
      const xr = along(-alpha);
      const fr = value(xr);
      if (fr < fs[0]!) {
        const xe = along(-beta);
        const fe = value(xe);
        if (fe < fr) { pts[n] = xe; fs[n] = fe; } else { pts[n] = xr; fs[n] = fr; }
      } else if (fr < fs[n - 1]!) {
        pts[n] = xr;
        fs[n] = fr;
      } else {
        const outside = fr < fs[n]!;
        const xc = along(outside ? -gamma : gamma);
        const fc = value(xc);
        if (fc < (outside ? fr : fs[n]!)) {
          pts[n] = xc;
          fs[n] = fc;
        } else {
          for (let i = 1; i <= n; i++) {
            pts[i] = pts[0]!.map((v, j) => v + delta * (pts[i]![j]! - v));
            fs[i] = value(pts[i]!);
          }
        }
      }
    }
    const i = fs.reduce((bi, v, k) => (v < fs[bi]! ? k : bi), 0);
    if (fs[i]! < bestF) {
      best = pts[i]!;
      bestF = fs[i]!;
    }
  }
  return { x: best, fx: bestF, evals };
}
