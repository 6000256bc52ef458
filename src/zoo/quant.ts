import type { Quantization } from '../graph/types';

/**
 * Nominal quantization parameters for builder-made graphs. A converter calibrates activation
 * ranges on data; a zoo model has no data, so each activation gets a fixed range chosen by the
 * function that produced it. Ops with a fixed output range in TFLite's int8 kernels (SOFTMAX,
 * LOGISTIC, TANH) get exactly the parameters those kernels require.
 */

export type Act = 'linear' | 'relu' | 'relu6' | 'tanh' | 'sigmoid';

export const perTensor = (scale: number, zeroPoint: number): Quantization =>
  ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

/** Quantization of an int8 activation produced with this (fused or separate) activation function. */
export function actQuant(act: Act): Quantization {
  switch (act) {
    case 'linear':
      return perTensor(0.08, 0);
    case 'relu':
      return perTensor(0.04, -128);
    case 'relu6':
      return perTensor(6 / 255, -128);
    case 'tanh':
      return perTensor(1 / 128, 0);
    case 'sigmoid':
      return perTensor(1 / 256, -128);
  }
}

export const SOFTMAX_QUANT = perTensor(1 / 256, -128);
/** uint8 model input in [-1, 1] as Keras preprocessing produces, and its int8 twin after QUANTIZE. */
export const UINT8_INPUT_QUANT = perTensor(1 / 127.5, 127);
export const INT8_INPUT_QUANT = perTensor(1 / 127.5, -1);
/** float32 model input quantized to int8 (the synthetic families): covers [-4, 4]. */
export const FLOAT_INPUT_QUANT = perTensor(1 / 32, 0);

/**
 * Per-output-channel int8 weight scales (zero points 0). Calibrated int8 weights span about
 * [-127, 127] with a standard deviation near 37; taking the real weights' spread as He
 * initialisation, sqrt(2 / fanIn), gives scale = sqrt(2 / fanIn) / 37, so that seeded weights
 * keep activations in range through deep stacks. A small deterministic spread across channels
 * stands in for calibrated per-channel ranges.
 */
export function weightQuant(channels: number, fanIn: number, axis: number): Quantization {
  const base = Math.sqrt(2 / Math.max(fanIn, 1)) / 37;
  const scale = Array.from({ length: channels }, (_, c) => base * (0.75 + 0.5 * ((c * 0.6180339887) % 1)));
  return { scale, zeroPoint: scale.map(() => 0), quantizedDimension: axis };
}

/** int32 bias: scale = input scale x weight scale per channel, zero points 0. */
export function biasQuant(input: Quantization, weights: Quantization): Quantization {
  const s = input.scale[0]!;
  const scale = weights.scale.map((w) => s * w);
  return { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 };
}

export const sameQuant = (a: Quantization, b: Quantization): boolean =>
  a.scale.length === b.scale.length && a.scale.every((s, i) => s === b.scale[i] && a.zeroPoint[i] === b.zeroPoint[i]);
