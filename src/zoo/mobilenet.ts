import { correctPad, GraphBuilder, type Tn, type ZooEntry } from './builder';

/**
 * MobileNet v1 1.0 (Howard et al. 2017) and v2 1.0 (Sandler et al. 2018) at 224, as
 * keras.applications builds them (mobilenet.py, mobilenet_v2.py): BN folded into every conv and
 * depthwise conv (no bias in Keras, an int32 bias after folding), ReLU6 fused, stride-2
 * depthwise convs preceded by ZeroPadding2D and run VALID.
 */

const V1_BLOCKS: readonly (readonly [number, number])[] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

function v1DepthwiseBlock(b: GraphBuilder, x: Tn, filters: number, stride: number, id: number): Tn {
  let y = x;
  if (stride !== 1) y = b.pad(y, [[0, 1], [0, 1]], `conv_pad_${id}`);
  y = b.depthwise(y, { kernel: 3, stride, padding: stride === 1 ? 'same' : 'valid', bn: true, act: 'relu6', name: `conv_dw_${id}`, bnName: `conv_dw_${id}_bn` });
  return b.conv(y, { filters, kernel: 1, padding: 'same', bn: true, act: 'relu6', name: `conv_pw_${id}`, bnName: `conv_pw_${id}_bn` });
}

const V1_DESCRIPTION = 'MobileNet v1 1.0 (Keras Applications MobileNet, alpha 1.0)';
const V2_DESCRIPTION = 'MobileNet v2 1.0 (Keras Applications MobileNetV2, alpha 1.0)';

export const mobilenetV1: ZooEntry = {
  name: 'mobilenet_v1',
  inputSize: 224,
  minSize: 32,
  description: V1_DESCRIPTION,
  build(size) {
    const b = new GraphBuilder('mobilenet_v1', `zoo:mobilenet_v1@${size}`);
    let x = b.input([size, size, 3]);
    x = b.conv(x, { filters: 32, kernel: 3, stride: 2, padding: 'same', bn: true, act: 'relu6', name: 'conv1', bnName: 'conv1_bn' });
    V1_BLOCKS.forEach(([filters, stride], i) => { x = v1DepthwiseBlock(b, x, filters, stride, i + 1); });
    x = b.globalAvgPool(x, { keepDims: true, name: 'global_average_pooling2d' });
    x = b.conv(x, { filters: 1000, kernel: 1, padding: 'same', name: 'conv_preds' });
    x = b.reshape(x, [1, 1000], 'reshape_2');
    x = b.softmax(x, 'predictions');
    return b.finish([x], V1_DESCRIPTION);
  },
};

/** (output channels, stride, expansion) of the 17 inverted residual blocks. */
const V2_BLOCKS: readonly (readonly [number, number, number])[] = [
  [16, 1, 1], [24, 2, 6], [24, 1, 6], [32, 2, 6], [32, 1, 6], [32, 1, 6], [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6], [160, 2, 6], [160, 1, 6], [160, 1, 6], [320, 1, 6],
];

function invertedResidual(b: GraphBuilder, x: Tn, filters: number, stride: number, expansion: number, id: number): Tn {
  const inC = x.shape[3]!;
  const prefix = id ? `block_${id}_` : 'expanded_conv_';
  let y = x;
  if (id) y = b.conv(y, { filters: expansion * inC, kernel: 1, padding: 'same', bn: true, act: 'relu6', name: `${prefix}expand`, bnName: `${prefix}expand_BN` });
  if (stride === 2) y = b.pad(y, correctPad([y.shape[1]!, y.shape[2]!], 3), `${prefix}pad`);
  y = b.depthwise(y, { kernel: 3, stride, padding: stride === 1 ? 'same' : 'valid', bn: true, act: 'relu6', name: `${prefix}depthwise`, bnName: `${prefix}depthwise_BN` });
  y = b.conv(y, { filters, kernel: 1, padding: 'same', bn: true, name: `${prefix}project`, bnName: `${prefix}project_BN` });
  return inC === filters && stride === 1 ? b.add(x, y, 'linear', `${prefix}add`) : y;
}

export const mobilenetV2: ZooEntry = {
  name: 'mobilenet_v2',
  inputSize: 224,
  minSize: 32,
  description: V2_DESCRIPTION,
  build(size) {
    const b = new GraphBuilder('mobilenet_v2', `zoo:mobilenet_v2@${size}`);
    let x = b.input([size, size, 3]);
    x = b.conv(x, { filters: 32, kernel: 3, stride: 2, padding: 'same', bn: true, act: 'relu6', name: 'Conv1', bnName: 'bn_Conv1' });
    V2_BLOCKS.forEach(([filters, stride, expansion], i) => { x = invertedResidual(b, x, filters, stride, expansion, i); });
    x = b.conv(x, { filters: 1280, kernel: 1, bn: true, act: 'relu6', name: 'Conv_1', bnName: 'Conv_1_bn' });
    x = b.globalAvgPool(x, { name: 'global_average_pooling2d' });
    x = b.softmax(b.dense(x, { units: 1000, name: 'predictions' }));
    return b.finish([x], V2_DESCRIPTION);
  },
};
