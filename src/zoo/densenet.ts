import { GraphBuilder, type Tn, type ZooEntry } from './builder';

/**
 * DenseNet-121/169/201 (Huang et al. 2017) as keras.applications builds them (densenet.py).
 * The stem conv folds its BN; inside the dense blocks and transitions the order is
 * BN-ReLU-Conv, so those BNs cannot fold into a conv and become MUL + ADD(ReLU), while the BN
 * between a block's 1x1 and 3x3 convs folds into the 1x1. Growth rate 32, compression 0.5.
 */

/** keras densenet.conv_block: x -> BN-ReLU-Conv1x1(4k) -> BN-ReLU-Conv3x3(k), concatenated onto x. */
function convBlock(b: GraphBuilder, x: Tn, growth: number, name: string): Tn {
  let y = b.bn(x, { act: 'relu', name: `${name}_0_bn` });
  y = b.conv(y, { filters: 4 * growth, kernel: 1, bias: false, bn: true, act: 'relu', name: `${name}_1_conv`, bnName: `${name}_1_bn` });
  y = b.conv(y, { filters: growth, kernel: 3, padding: 'same', bias: false, name: `${name}_2_conv` });
  return b.concat([x, y], `${name}_concat`);
}

function denseBlock(b: GraphBuilder, x: Tn, blocks: number, name: string): Tn {
  let y = x;
  for (let i = 1; i <= blocks; i++) y = convBlock(b, y, 32, `${name}_block${i}`);
  return y;
}

/** keras densenet.transition_block: BN-ReLU, 1x1 conv halving the channels, 2x2 average pooling. */
function transition(b: GraphBuilder, x: Tn, name: string): Tn {
  let y = b.bn(x, { act: 'relu', name: `${name}_bn` });
  y = b.conv(y, { filters: Math.floor(x.shape[3]! * 0.5), kernel: 1, bias: false, name: `${name}_conv` });
  return b.avgPool(y, { pool: 2, stride: 2, name: `${name}_pool` });
}

function densenet(name: string, blocks: readonly [number, number, number, number], description: string): ZooEntry {
  return {
    name,
    inputSize: 224,
    minSize: 32,
    description,
    build(size) {
      const b = new GraphBuilder(name, `zoo:${name}@${size}`);
      let x = b.input([size, size, 3]);
      x = b.pad(x, 3, 'zero_padding2d');
      x = b.conv(x, { filters: 64, kernel: 7, stride: 2, bias: false, bn: true, act: 'relu', name: 'conv1/conv', bnName: 'conv1/bn' });
      x = b.pad(x, 1, 'zero_padding2d_1');
      x = b.maxPool(x, { pool: 3, stride: 2, name: 'pool1' });
      x = denseBlock(b, x, blocks[0], 'conv2');
      x = transition(b, x, 'pool2');
      x = denseBlock(b, x, blocks[1], 'conv3');
      x = transition(b, x, 'pool3');
      x = denseBlock(b, x, blocks[2], 'conv4');
      x = transition(b, x, 'pool4');
      x = denseBlock(b, x, blocks[3], 'conv5');
      x = b.bn(x, { act: 'relu', name: 'bn' });
      x = b.globalAvgPool(x, { name: 'avg_pool' });
      x = b.softmax(b.dense(x, { units: 1000, name: 'predictions' }));
      return b.finish([x], description);
    },
  };
}

export const densenet121 = densenet('densenet121', [6, 12, 24, 16], 'DenseNet-121 (Keras Applications DenseNet121)');
export const densenet169 = densenet('densenet169', [6, 12, 32, 32], 'DenseNet-169 (Keras Applications DenseNet169)');
export const densenet201 = densenet('densenet201', [6, 12, 48, 32], 'DenseNet-201 (Keras Applications DenseNet201)');
