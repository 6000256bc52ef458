/**
 * The layer graph: the one representation every part of tpuseg works on. A model file, a zoo
 * builder or a synthetic family produces it; cost models, strategies, exporters read it.
 * Plain data only (no classes), so it can be posted to worker threads.
 */

/** Element type, named as in the TFLite schema's TensorType enum, lower case. */
export type DType =
  | 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'string' | 'bool' | 'int16'
  | 'complex64' | 'int8' | 'float64' | 'complex128' | 'uint64' | 'resource' | 'variant'
  | 'uint32' | 'uint16' | 'int4' | 'bfloat16' | 'int2' | 'uint4' | 'float8_e4m3fn' | 'float8_e5m2';

export interface Quantization {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** Axis of per-channel quantization (0 when per-tensor). */
  readonly quantizedDimension: number;
  readonly min?: readonly number[];
  readonly max?: readonly number[];
}

export interface Tensor {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly shapeSignature?: readonly number[];
  readonly dtype: DType;
  /** Size in bytes: the buffer's length for constants read from a file, else elements x element size. */
  readonly bytes: number;
  readonly quantization?: Quantization;
  /** True for parameters (weights, biases, other constant buffers), false for activations. */
  readonly isConstant: boolean;
  readonly isVariable?: boolean;
  /** Constant contents when known (read from a file); builders leave it out and the writer generates seeded values. */
  readonly data?: Uint8Array;
  /** Index of the op that produces it; -1 for model inputs and constants. */
  readonly producer: number;
  /** Indices of the ops that read it, ascending, without repeats. */
  readonly consumers: readonly number[];
}

/** A builtin options table: its schema name (e.g. 'Conv2DOptions') and its fields as the flatc object API names them. */
export interface OpOptions {
  readonly type: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface Op {
  readonly index: number;
  /** Builtin operator name ('CONV_2D'), or the custom code of a CUSTOM op ('edgetpu-custom-op'). */
  readonly type: string;
  /** max(builtin_code, deprecated_builtin_code) as read from the file; 32 (CUSTOM) for custom ops. */
  readonly builtinCode: number;
  readonly customCode?: string;
  readonly version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly intermediates?: readonly number[];
  readonly options?: OpOptions;
  readonly customOptions?: Uint8Array;
  /** Bytes of the constant tensors it consumes; a constant shared by several ops counts at its first consumer. */
  readonly paramBytes: number;
  /** Multiply-accumulates (see src/graph/macs.ts for the rule per op type). */
  readonly macs: number;
  /** Bytes of the non-constant tensors it reads and writes. */
  readonly actInBytes: number;
  readonly actOutBytes: number;
}

export interface LayerGraph {
  /** Short name (file stem or zoo/synth name). */
  readonly name: string;
  /** Where it came from: a file path, or a `zoo:` / `synth:` spec. */
  readonly source: string;
  readonly tensors: readonly Tensor[];
  /** Ops in execution order (the file's order). */
  readonly ops: readonly Op[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** True when the file was already compiled for the Edge TPU (it holds edgetpu-custom-op). */
  readonly compiledForEdgeTpu: boolean;
  /** Parameter count of the architecture as Keras counts it (zoo models only). */
  readonly kerasParams?: number;
  readonly description?: string;
}

/** Raw op and tensor descriptions from which `buildGraph` derives producers, consumers, bytes and MACs. */
export type TensorSpec = Omit<Tensor, 'index' | 'producer' | 'consumers' | 'bytes'> & { readonly bytes?: number };
export type OpSpec = Omit<Op, 'index' | 'paramBytes' | 'macs' | 'actInBytes' | 'actOutBytes'>;

export interface GraphSpec {
  readonly name: string;
  readonly source: string;
  readonly tensors: readonly TensorSpec[];
  readonly ops: readonly OpSpec[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly kerasParams?: number;
  readonly description?: string;
}
