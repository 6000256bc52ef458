import { GraphBuilder, type Tn, type ZooEntry } from './builder';

/**
 * ResNet v1 (He et al. 2015) and v2 (He et al. 2016, pre-activation) as keras.applications
 * builds them (keras/applications/resnet.py, resnet_v2.py): bottleneck blocks, explicit
 * ZeroPadding2D before the 7x7 stem conv and the stem max pool. v1 convs keep their bias and
 * fold the following BN; v2's pre-activation BN + ReLU cannot fold into a conv (a ReLU sits in
 * between, and the BN output also feeds the shortcut), so it becomes MUL + ADD(ReLU).
 */

/** keras resnet.block1: conv shortcut on the first block of a stack, identity otherwise; ReLU after the add. */
function block1(b: GraphBuilder, x: Tn, filters: number, stride: number, convShortcut: boolean, name: string): Tn {
  const shortcut = convShortcut
    ? b.conv(x, { filters: 4 * filters, kernel: 1, stride, bias: true, bn: true, name: `${name}_0_conv`, bnName: `${name}_0_bn` })
    : x;
  let y = b.conv(x, { filters, kernel: 1, stride, bias: true, bn: true, act: 'relu', name: `${name}_1_conv`, bnName: `${name}_1_bn` });
  y = b.conv(y, { filters, kernel: 3, padding: 'same', bias: true, bn: true, act: 'relu', name: `${name}_2_conv`, bnName: `${name}_2_bn` });
  y = b.conv(y, { filters: 4 * filters, kernel: 1, bias: true, bn: true, name: `${name}_3_conv`, bnName: `${name}_3_bn` });
  return b.add(shortcut, y, 'relu', `${name}_out`);
}

function stack1(b: GraphBuilder, x: Tn, filters: number, blocks: number, stride1: number, name: string): Tn {
  let y = block1(b, x, filters, stride1, true, `${name}_block1`);
  for (let i = 2; i <= blocks; i++) y = block1(b, y, filters, 1, false, `${name}_block${i}`);
  return y;
}

/** keras resnet_v2.block2: pre-activation; the stride sits on the 3x3 conv and on a 1x1 max-pool shortcut. */
function block2(b: GraphBuilder, x: Tn, filters: number, stride: number, convShortcut: boolean, name: string): Tn {
  const preact = b.bn(x, { act: 'relu', name: `${name}_preact_bn` });
  const shortcut = convShortcut
    ? b.conv(preact, { filters: 4 * filters, kernel: 1, stride, name: `${name}_0_conv` })
    : stride > 1 ? b.maxPool(x, { pool: 1, stride, name: `${name}_0_max_pooling2d` }) : x;
  let y = b.conv(preact, { filters, kernel: 1, bias: false, bn: true, act: 'relu', name: `${name}_1_conv`, bnName: `${name}_1_bn` });
  y = b.pad(y, 1, `${name}_2_pad`);
  y = b.conv(y, { filters, kernel: 3, stride, bias: false, bn: true, act: 'relu', name: `${name}_2_conv`, bnName: `${name}_2_bn` });
  y = b.conv(y, { filters: 4 * filters, kernel: 1, name: `${name}_3_conv` });
  return b.add(shortcut, y, 'linear', `${name}_out`);
}

function stack2(b: GraphBuilder, x: Tn, filters: number, blocks: number, stride1: number, name: string): Tn {
  let y = block2(b, x, filters, 1, true, `${name}_block1`);
  for (let i = 2; i < blocks; i++) y = block2(b, y, filters, 1, false, `${name}_block${i}`);
  return block2(b, y, filters, stride1, false, `${name}_block${blocks}`);
}

function resnet(name: string, version: 1 | 2, blocks: readonly [number, number, number, number], description: string): ZooEntry {
  return {
    name,
    inputSize: 224,
    minSize: 32,
    description,
    build(size) {
      const b = new GraphBuilder(name, `zoo:${name}@${size}`);
      let x = b.input([size, size, 3]);
      x = b.pad(x, 3, 'conv1_pad');
      x = version === 1
        ? b.conv(x, { filters: 64, kernel: 7, stride: 2, bias: true, bn: true, act: 'relu', name: 'conv1_conv', bnName: 'conv1_bn' })
        : b.conv(x, { filters: 64, kernel: 7, stride: 2, name: 'conv1_conv' });
      x = b.pad(x, 1, 'pool1_pad');
      x = b.maxPool(x, { pool: 3, stride: 2, name: 'pool1_pool' });
      const filters = [64, 128, 256, 512];
      if (version === 1) {
        filters.forEach((f, i) => { x = stack1(b, x, f, blocks[i]!, i === 0 ? 1 : 2, `conv${i + 2}`); });
      } else {
        filters.forEach((f, i) => { x = stack2(b, x, f, blocks[i]!, i === 3 ? 1 : 2, `conv${i + 2}`); });
        x = b.bn(x, { act: 'relu', name: 'post_bn' });
      }
      x = b.globalAvgPool(x, { name: 'avg_pool' });
      x = b.softmax(b.dense(x, { units: 1000, name: 'predictions' }));
      return b.finish([x], description);
    },
  };
}

export const resnet50V1 = resnet('resnet50_v1', 1, [3, 4, 6, 3], 'ResNet-50 v1 (Keras Applications ResNet50)');
export const resnet101V1 = resnet('resnet101_v1', 1, [3, 4, 23, 3], 'ResNet-101 v1 (Keras Applications ResNet101)');
export const resnet152V1 = resnet('resnet152_v1', 1, [3, 8, 36, 3], 'ResNet-152 v1 (Keras Applications ResNet152)');
export const resnet50V2 = resnet('resnet50_v2', 2, [3, 4, 6, 3], 'ResNet-50 v2, pre-activation (Keras Applications ResNet50V2)');
export const resnet101V2 = resnet('resnet101_v2', 2, [3, 4, 23, 3], 'ResNet-101 v2, pre-activation (Keras Applications ResNet101V2)');
export const resnet152V2 = resnet('resnet152_v2', 2, [3, 8, 36, 3], 'ResNet-152 v2, pre-activation (Keras Applications ResNet152V2)');
