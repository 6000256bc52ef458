import { TpusegFailure, usage } from '../errors';

export type Pair = number | readonly [number, number];
export type Padding = 'same' | 'valid';

export const pair = (p: Pair): readonly [number, number] => (typeof p === 'number' ? [p, p] : p);

/**
 * Spatial output size of a window op as Keras computes it: SAME = ceil(in / stride), VALID =
 * floor((in - effective kernel) / stride) + 1. An output under 1 means the model's input is too
 * small for the architecture: a user error (the input size is user-chosen), raised as a
 * TpusegFailure and turned into a Usage error at the zoo's edge.
 */
export function windowOut(layer: string, input: number, kernel: number, stride: number, dilation: number, padding: Padding): number {
  const eff = (kernel - 1) * dilation + 1;
  const out = padding === 'same' ? Math.ceil(input / stride) : Math.floor((input - eff) / stride) + 1;
  if (out < 1) {
    throw new TpusegFailure(usage(`input too small: layer ${layer} gets a ${input}-pixel side for a ${eff}x${eff} ${padding.toUpperCase()} window`));
  }
  return out;
}

/** Explicit padding as ((top, bottom), (left, right)); a number pads all four sides equally. */
export type Pad2d = number | readonly [readonly [number, number], readonly [number, number]];

export const pad2d = (p: Pad2d): readonly [readonly [number, number], readonly [number, number]] =>
  (typeof p === 'number' ? [[p, p], [p, p]] : p);

/** Keras imagenet_utils.correct_pad: the ZeroPadding2D that precedes a stride-2 VALID window. */
export function correctPad(size: readonly [number, number], kernel: number): Pad2d {
  const c = Math.floor(kernel / 2);
  const adjust = size.map((s) => 1 - (s % 2));
  return [[c - adjust[0]!, c], [c - adjust[1]!, c]];
}
