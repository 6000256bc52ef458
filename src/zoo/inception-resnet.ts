import { GraphBuilder, type Tn, type ZooEntry } from './builder';
import { avgPool3, block, conv, maxPool, run, type Branch } from './inception';

/**
 * Inception-ResNet v2 (Szegedy et al. 2016) as keras.applications builds it
 * (inception_resnet_v2.py): conv2d_bn is conv + BN without scale + ReLU; each residual block
 * concatenates its branches, projects them back to the block's width with a 1x1 "up" conv that
 * keeps its bias and has no BN, and adds `x + scale * up`. The converter folds the constant
 * scale into the up conv's weights and bias (TFLite's mul-into-conv fusion applies: the conv has
 * no fused activation and one reader), so a block ends CONV_2D -> ADD with the ReLU fused; the
 * last block8 has no activation.
 */

const BLOCK35: readonly Branch[] = [[conv(32)], [conv(32), conv(32, 3)], [conv(32), conv(48, 3), conv(64, 3)]];
const BLOCK17: readonly Branch[] = [[conv(192)], [conv(128), conv(160, [1, 7]), conv(192, [7, 1])]];
const BLOCK8: readonly Branch[] = [[conv(192)], [conv(192), conv(224, [1, 3]), conv(256, [3, 1])]];

/** keras inception_resnet_block; `scale` is folded into the up conv, so it does not appear in the graph. */
function residualBlock(b: GraphBuilder, x: Tn, branches: readonly Branch[], relu: boolean, name: string): Tn {
  const mixed = block(b, x, branches, `${name}_mixed`);
  const up = b.conv(mixed, { filters: x.shape[3]!, kernel: 1, padding: 'same', bias: true, name: `${name}_conv` });
  return b.add(x, up, relu ? 'relu' : 'linear', name);
}

const DESCRIPTION = 'Inception-ResNet v2 (Keras Applications InceptionResNetV2)';

export const inceptionResnetV2: ZooEntry = {
  name: 'inception_resnet_v2',
  inputSize: 299,
  minSize: 75,
  description: DESCRIPTION,
  build(size) {
    const b = new GraphBuilder('inception_resnet_v2', `zoo:inception_resnet_v2@${size}`);
    let x = b.input([size, size, 3]);
    x = run(b, x, [
      conv(32, 3, 2, 'valid'), conv(32, 3, 1, 'valid'), conv(64, 3), maxPool(3, 2),
      conv(80, 1, 1, 'valid'), conv(192, 3, 1, 'valid'), maxPool(3, 2),
    ], 'stem');
    x = block(b, x, [[conv(96)], [conv(48), conv(64, 5)], [conv(64), conv(96, 3), conv(96, 3)], [avgPool3, conv(64)]], 'mixed_5b');
    for (let i = 1; i <= 10; i++) x = residualBlock(b, x, BLOCK35, true, `block35_${i}`);
    x = block(b, x, [[conv(384, 3, 2, 'valid')], [conv(256), conv(256, 3), conv(384, 3, 2, 'valid')], [maxPool(3, 2)]], 'mixed_6a');
    for (let i = 1; i <= 20; i++) x = residualBlock(b, x, BLOCK17, true, `block17_${i}`);
    x = block(b, x, [
      [conv(256), conv(384, 3, 2, 'valid')],
      [conv(256), conv(288, 3, 2, 'valid')],
      [conv(256), conv(288, 3), conv(320, 3, 2, 'valid')],
      [maxPool(3, 2)],
    ], 'mixed_7a');
    for (let i = 1; i <= 10; i++) x = residualBlock(b, x, BLOCK8, i < 10, `block8_${i}`);
    x = run(b, x, [conv(1536)], 'conv_7b');
    x = b.globalAvgPool(x, { name: 'avg_pool' });
    return b.finish([b.softmax(b.dense(x, { units: 1000, name: 'predictions' }))], DESCRIPTION);
  },
};
