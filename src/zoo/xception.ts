import { GraphBuilder, type Act, type Tn, type ZooEntry } from './builder';

/**
 * Xception (Chollet 2017) as keras.applications builds it (xception.py). SeparableConv2D (no
 * bias) + BatchNormalization converts to DEPTHWISE_CONV_2D (a zero int32 bias) followed by a
 * 1x1 CONV_2D that folds the BN. A ReLU that directly follows a separable conv fuses into its
 * 1x1 conv; the ReLU that opens each residual block cannot fuse (the un-activated sum also feeds
 * the shortcut), so it is a RELU op of its own.
 */

function sepConv(b: GraphBuilder, x: Tn, filters: number, act: Act, name: string): Tn {
  const d = b.depthwise(x, { kernel: 3, padding: 'same', bias: false, name: `${name}_dw` });
  return b.conv(d, { filters, kernel: 1, padding: 'same', bias: false, bn: true, act, name, bnName: `${name}_bn` });
}

/** A strided block: 1x1 stride-2 conv shortcut; [ReLU], sep, ReLU, sep, 3x3 stride-2 max pool; add. */
function reductionBlock(b: GraphBuilder, x: Tn, filters: readonly [number, number], preRelu: boolean, name: string): Tn {
  const residual = b.conv(x, { filters: filters[1], kernel: 1, stride: 2, padding: 'same', bias: false, bn: true, name: `${name}_res`, bnName: `${name}_res_bn` });
  let y = preRelu ? b.act(x, 'relu', `${name}_sepconv1_act`) : x;
  y = sepConv(b, y, filters[0], 'relu', `${name}_sepconv1`);
  y = sepConv(b, y, filters[1], 'linear', `${name}_sepconv2`);
  y = b.maxPool(y, { pool: 3, stride: 2, padding: 'same', name: `${name}_pool` });
  return b.add(y, residual, 'linear', `${name}_add`);
}

/** A middle-flow block: three ReLU-sep(728) on an identity shortcut. */
function middleBlock(b: GraphBuilder, x: Tn, name: string): Tn {
  let y = b.act(x, 'relu', `${name}_sepconv1_act`);
  y = sepConv(b, y, 728, 'relu', `${name}_sepconv1`);
  y = sepConv(b, y, 728, 'relu', `${name}_sepconv2`);
  y = sepConv(b, y, 728, 'linear', `${name}_sepconv3`);
  return b.add(y, x, 'linear', `${name}_add`);
}

const DESCRIPTION = 'Xception (Keras Applications Xception)';

export const xception: ZooEntry = {
  name: 'xception',
  inputSize: 299,
  minSize: 71,
  description: DESCRIPTION,
  build(size) {
    const b = new GraphBuilder('xception', `zoo:xception@${size}`);
    let x = b.input([size, size, 3]);
    x = b.conv(x, { filters: 32, kernel: 3, stride: 2, bias: false, bn: true, act: 'relu', name: 'block1_conv1', bnName: 'block1_conv1_bn' });
    x = b.conv(x, { filters: 64, kernel: 3, bias: false, bn: true, act: 'relu', name: 'block1_conv2', bnName: 'block1_conv2_bn' });
    x = reductionBlock(b, x, [128, 128], false, 'block2');
    x = reductionBlock(b, x, [256, 256], true, 'block3');
    x = reductionBlock(b, x, [728, 728], true, 'block4');
    for (let i = 5; i <= 12; i++) x = middleBlock(b, x, `block${i}`);
    x = reductionBlock(b, x, [728, 1024], true, 'block13');
    x = sepConv(b, x, 1536, 'relu', 'block14_sepconv1');
    x = sepConv(b, x, 2048, 'relu', 'block14_sepconv2');
    x = b.globalAvgPool(x, { name: 'avg_pool' });
    return b.finish([b.softmax(b.dense(x, { units: 1000, name: 'predictions' }))], DESCRIPTION);
  },
};
