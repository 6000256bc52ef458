import type { LayerGraph } from '../graph/types';
import type { Act } from './quant';
import type { Pair, Padding } from './shapes';

/** Layer options of the zoo builder (src/zoo/builder.ts), named after their Keras arguments. */

/** A handle to an activation tensor of the graph under construction (shape NHWC or [1, features]). */
export interface Tn {
  readonly index: number;
  readonly shape: readonly number[];
}

/** Keras BatchNormalization: 4 parameters per channel, 3 without `scale` or `center`. */
export interface BnOpts { readonly scale?: boolean; readonly center?: boolean }

export interface ConvOpts {
  readonly filters: number;
  readonly kernel: Pair;
  /** Defaults as in Keras: stride 1, padding 'valid'. */
  readonly stride?: Pair;
  readonly padding?: Padding;
  readonly dilation?: Pair;
  /** Keras use_bias; defaults to true without batch norm, false with it. */
  readonly bias?: boolean;
  /** A BatchNormalization right after the conv: folded into its weights and bias. */
  readonly bn?: boolean | BnOpts;
  readonly act?: Act;
  readonly name?: string;
  readonly bnName?: string;
}

export type DepthwiseOpts = Omit<ConvOpts, 'filters'> & { readonly depthMultiplier?: number };

export interface DenseOpts { readonly units: number; readonly bias?: boolean; readonly act?: Act; readonly name?: string }

/** Stride defaults to the pool size and padding to 'valid', as in Keras. */
export interface PoolOpts { readonly pool: Pair; readonly stride?: Pair; readonly padding?: Padding; readonly name?: string }

/** Model input/output element type: uint8 as the full-integer converter emits, or float32 (QUANTIZE/DEQUANTIZE on the CPU). */
export type IoType = 'uint8' | 'float32';

/** One zoo architecture: built at any input side of at least `minSize`. */
export interface ZooEntry {
  readonly name: string;
  readonly inputSize: number;
  readonly minSize: number;
  readonly description: string;
  readonly build: (inputSize: number) => LayerGraph;
}
