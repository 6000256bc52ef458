import * as flatbuffers from 'flatbuffers';
import type { Rng } from '../../src/rng';
import {
  ActivationFunctionType, AddOptionsT, BufferT, BuiltinOperator, BuiltinOptions, Conv2DOptionsT,
  DepthwiseConv2DOptionsT, FullyConnectedOptionsT, ModelT, OperatorCodeT, OperatorT, Padding,
  QuantizationParametersT, SubGraphT, TensorT, TensorType,
} from '../../src/tflite';

/** Serializes a flatc object-API model as a TFLite file (identifier TFL3), independent of src/tflite/writer. */
export function packModel(model: ModelT): Uint8Array {
  const builder = new flatbuffers.Builder(1024);
  builder.finish(model.pack(builder), 'TFL3');
  return builder.asUint8Array().slice();
}

export const opCode = (code: number, custom: string | null = null): OperatorCodeT =>
  new OperatorCodeT(Math.min(code, 127), custom, 1, code);

const quant = (scale: number, zp: number): QuantizationParametersT =>
  new QuantizationParametersT([], [], [scale], [BigInt(zp)]);

export const u8tensor = (name: string, shape: number[], buffer = 0): TensorT =>
  new TensorT(shape, TensorType.UINT8, buffer, name, quant(0.5, 128));

export const i32tensor = (name: string, shape: number[], buffer: number): TensorT =>
  new TensorT(shape, TensorType.INT32, buffer, name, quant(0.25, 0));

const bytesOf = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

/**
 * A hand-checkable model:
 *   op 0 CONV_2D(t0 input, t1 w[3,1,1,2], t2 bias[3]) -> t3 [1,4,4,3]
 *   op 1 DEPTHWISE_CONV_2D(t3, t4 w[1,3,3,3], no bias) -> t5 [1,4,4,3]
 *   op 2 ADD(t3, t5) -> t6      (t3 skips over op 1)
 *   op 3 CUSTOM "my-op"(t6, t1 shared weights) -> t7 [1,4,4,3], custom options [1, 2, 3]
 * Buffers: 0 empty, 1: 6 bytes, 2: 12 bytes, 3: 27 bytes. Parameter bytes 6 + 12 + 27 = 45.
 * MACs: conv 48 x 1 x 1 x 2 = 96, depthwise 48 x 3 x 3 = 432.
 */
export function tinyModelT(): ModelT {
  const tensors = [
    u8tensor('input', [1, 4, 4, 2]),
    u8tensor('conv/w', [3, 1, 1, 2], 1),
    i32tensor('conv/b', [3], 2),
    u8tensor('conv/out', [1, 4, 4, 3]),
    u8tensor('dw/w', [1, 3, 3, 3], 3),
    u8tensor('dw/out', [1, 4, 4, 3]),
    u8tensor('add/out', [1, 4, 4, 3]),
    u8tensor('custom/out', [1, 4, 4, 3]),
  ];
  const ops = [
    new OperatorT(0, [0, 1, 2], [3], BuiltinOptions.Conv2DOptions, new Conv2DOptionsT(Padding.SAME, 1, 1, ActivationFunctionType.RELU6)),
    new OperatorT(1, [3, 4, -1], [5], BuiltinOptions.DepthwiseConv2DOptions, new DepthwiseConv2DOptionsT(Padding.SAME, 1, 1, 1)),
    new OperatorT(2, [3, 5], [6], BuiltinOptions.AddOptions, new AddOptionsT()),
    new OperatorT(3, [6, 1], [7], BuiltinOptions.NONE, null, [1, 2, 3]),
  ];
  return new ModelT(
    3,
    [opCode(BuiltinOperator.CONV_2D), opCode(BuiltinOperator.DEPTHWISE_CONV_2D), opCode(BuiltinOperator.ADD), opCode(BuiltinOperator.CUSTOM, 'my-op')],
    [new SubGraphT(tensors, [0], [7], ops, 'main')],
    'tiny test model',
    [new BufferT(), new BufferT(bytesOf(6, 1)), new BufferT(bytesOf(12, 2)), new BufferT(bytesOf(27, 3))],
  );
}

/**
 * A small random CNN-like model from a seeded generator: a chain of 1x1 CONV_2D ops with
 * occasional ADDs of an earlier activation (skip connections), ending in a FULLY_CONNECTED.
 */
export function randomModelT(rng: Rng): ModelT {
  const tensors: TensorT[] = [];
  const buffers: BufferT[] = [new BufferT()];
  const ops: OperatorT[] = [];
  const hw = rng.int(1, 6);
  let channels = rng.int(1, 4);
  const act = (c: number): number => {
    tensors.push(u8tensor(`act${tensors.length}`, [1, hw, hw, c]));
    return tensors.length - 1;
  };
  const constant = (name: string, shape: number[], n: number, int32 = false): number => {
    buffers.push(new BufferT(bytesOf(n, buffers.length)));
    tensors.push(int32 ? i32tensor(name, shape, buffers.length - 1) : u8tensor(name, shape, buffers.length - 1));
    return tensors.length - 1;
  };
  const input = act(channels);
  const acts: { t: number; c: number }[] = [{ t: input, c: channels }];
  let cur = input;
  const layers = rng.int(1, 8);
  for (let l = 0; l < layers; l++) {
    const earlier = acts.filter((a) => a.c === channels && a.t !== cur);
    if (earlier.length > 0 && rng.next() < 0.3) {
      const other = earlier[rng.int(0, earlier.length - 1)]!.t;
      const out = act(channels);
      ops.push(new OperatorT(1, [cur, other], [out], BuiltinOptions.AddOptions, new AddOptionsT()));
      cur = out;
    } else {
      const next = rng.int(1, 4);
      const w = constant(`w${l}`, [next, 1, 1, channels], next * channels);
      const b = constant(`b${l}`, [next], next * 4, true);
      const out = act(next);
      ops.push(new OperatorT(0, [cur, w, b], [out], BuiltinOptions.Conv2DOptions, new Conv2DOptionsT(Padding.SAME, 1, 1)));
      channels = next;
      cur = out;
    }
    acts.push({ t: cur, c: channels });
  }
  const units = rng.int(1, 5);
  const features = hw * hw * channels;
  const w = constant('fc/w', [units, features], units * features);
  const out = tensors.length;
  tensors.push(u8tensor('fc/out', [1, units]));
  ops.push(new OperatorT(2, [cur, w, -1], [out], BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT()));
  return new ModelT(
    3,
    [opCode(BuiltinOperator.CONV_2D), opCode(BuiltinOperator.ADD), opCode(BuiltinOperator.FULLY_CONNECTED)],
    [new SubGraphT(tensors, [input], [out], ops, 'main')],
    null,
    buffers,
  );
}
