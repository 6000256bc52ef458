import * as E from 'fp-ts/Either';
import type { LayerGraph } from '../graph/types';
import { infeasible, type TpusegError } from '../errors';

/**
 * The two fixed segmentations the measurements were taken with.
 *
 * `compilerCuts`: the Edge TPU compiler's `--num_segments=N` split as libcoral re-implements it
 * (domain.md section 2): per-op parameter bytes (bytes of the constant inputs), target =
 * total / N + 1, walk the ops in execution order and close a segment just before the op that
 * would push it past the target; the last segment takes the rest.
 *
 * `layerCuts`: equal counts of layers (ops with parameters or MACs) per segment, the extra layers
 * going to the last segments (how ../shared/data/edgetpu-measurements/fc-L4-2tpu-layersplit was
 * cut); each cut sits just before the first layer of the next segment, so ops between layers stay
 * with the layer before them.
 *
 * Both must return N non-empty segments. Where the rule itself would leave fewer (all parameters in
 * one op, fewer layers than segments), we split the segment with the most ops in half until there
 * are N: our rule for degenerate inputs, not the compiler's.
 */

const tooMany = (g: LayerGraph, n: number): TpusegError =>
  infeasible(`cannot cut ${g.name} (${g.ops.length} ops) into ${n} non-empty segments`);

/** Adds cuts, halving the longest segment (lowest index on ties), until there are n - 1. */
function fill(nOps: number, cuts: number[], n: number): number[] {
  const out = [...cuts];
  while (out.length < n - 1) {
    const bounds = [0, ...out, nOps];
    let best = 0;
    for (let i = 1; i < bounds.length - 1; i++) if (bounds[i + 1]! - bounds[i]! > bounds[best + 1]! - bounds[best]!) best = i;
    const a = bounds[best]!;
    const b = bounds[best + 1]!;
    out.push(a + Math.floor((b - a) / 2));
    out.sort((x, y) => x - y);
  }
  return out;
}

const guard = (g: LayerGraph, n: number): E.Either<TpusegError, void> =>
  !Number.isInteger(n) || n < 1 ? E.left(infeasible(`number of segments must be a positive integer, got ${n}`))
  : n > g.ops.length ? E.left(tooMany(g, n))
  : E.right(undefined);

export function compilerCuts(graph: LayerGraph, n: number): E.Either<TpusegError, number[]> {
  const ok = guard(graph, n);
  if (E.isLeft(ok)) return ok;
  const total = graph.ops.reduce((s, op) => s + op.paramBytes, 0);
  const target = total / n + 1;
  const cuts: number[] = [];
  let acc = 0;
  let start = 0;
  graph.ops.forEach((op, i) => {
    if (cuts.length < n - 1 && i > start && acc + op.paramBytes > target) {
      cuts.push(i);
      start = i;
      acc = 0;
    }
    acc += op.paramBytes;
  });
  return E.right(fill(graph.ops.length, cuts, n));
}

export function layerCuts(graph: LayerGraph, n: number): E.Either<TpusegError, number[]> {
  const ok = guard(graph, n);
  if (E.isLeft(ok)) return ok;
  const layers = graph.ops.filter((op) => op.paramBytes > 0 || op.macs > 0).map((op) => op.index);
  if (layers.length < n) return E.right(fill(graph.ops.length, [], n));
  const base = Math.floor(layers.length / n);
  const extra = layers.length % n;
  const cuts: number[] = [];
  let seen = 0;
  for (let s = 0; s < n - 1; s++) {
    seen += base + (s >= n - extra ? 1 : 0);
    cuts.push(layers[seen]!);
  }
  return E.right(cuts);
}
