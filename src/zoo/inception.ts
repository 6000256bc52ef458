import { GraphBuilder, type Pair, type Padding, type Tn, type ZooEntry } from './builder';

/**
 * Inception v1 (Szegedy et al. 2014, with batch norm), v3 (Szegedy et al. 2015) and v4 (Szegedy
 * et al. 2016), written as branch tables. Every conv is conv + BN without scale (3 parameters per
 * channel, no conv bias) + ReLU, as both keras inception_v3.conv2d_bn and TF-slim's
 * inception_arg_scope build them; the BN folds into the conv. Branch outputs meet in one
 * CONCATENATION per block (plus the inner concatenations of the 8x8 blocks).
 */

/** One step of a branch: a conv, a pool, or a fork into parallel branches whose outputs are concatenated. */
export type Step =
  | { readonly conv: number; readonly kernel: Pair; readonly stride: number; readonly padding: Padding }
  | { readonly pool: 'max' | 'avg'; readonly size: number; readonly stride: number; readonly padding: Padding }
  | { readonly fork: readonly Branch[] };
export type Branch = readonly Step[];

export const conv = (filters: number, kernel: Pair = 1, stride = 1, padding: Padding = 'same'): Step =>
  ({ conv: filters, kernel, stride, padding });
export const maxPool = (size: number, stride: number, padding: Padding = 'valid'): Step => ({ pool: 'max', size, stride, padding });
export const fork = (...branches: Branch[]): Step => ({ fork: branches });
/** The 3x3 stride-1 SAME average pool that opens the pool branch of most blocks. */
export const avgPool3: Step = { pool: 'avg', size: 3, stride: 1, padding: 'same' };

/** Runs a sequence of steps; convs are conv + BN(scale=False) + ReLU. */
export function run(b: GraphBuilder, x: Tn, steps: Branch, name: string): Tn {
  return steps.reduce((y, s, i) => {
    const layer = `${name}_${i}`;
    if ('conv' in s) {
      return b.conv(y, { filters: s.conv, kernel: s.kernel, stride: s.stride, padding: s.padding, bias: false, bn: { scale: false }, act: 'relu', name: layer });
    }
    if ('pool' in s) {
      const o = { pool: s.size, stride: s.stride, padding: s.padding, name: layer };
      return s.pool === 'max' ? b.maxPool(y, o) : b.avgPool(y, o);
    }
    return block(b, y, s.fork, layer);
  }, x);
}

/** Parallel branches on the same input, concatenated along channels in table order. */
export function block(b: GraphBuilder, x: Tn, branches: readonly Branch[], name: string): Tn {
  return b.concat(branches.map((br, i) => run(b, x, br, `${name}/branch${i}`)), name);
}

/** A pool over the whole final feature map (VALID): slim's fixed 7x7 (v1) and 8x8 (v4) pools at the default sizes, global at others. */
const wholeMapAvgPool = (b: GraphBuilder, x: Tn, name: string): Tn =>
  b.avgPool(x, { pool: [x.shape[1]!, x.shape[2]!], stride: 1, padding: 'valid', name });

// ---- Inception v1 -------------------------------------------------------------------------

/** TF-slim inception_v1 Mixed block: 1x1 | 1x1 -> 3x3 | 1x1 -> 3x3 (slim uses 3x3 where GoogLeNet had 5x5) | 3x3 max pool -> 1x1. */
const v1Mixed = (a: number, b1: number, b2: number, c1: number, c2: number, p: number): readonly Branch[] => [
  [conv(a)], [conv(b1), conv(b2, 3)], [conv(c1), conv(c2, 3)], [maxPool(3, 1, 'same'), conv(p)],
];

const V1_DESCRIPTION = 'Inception v1 with batch norm (TF-slim inception_v1, 1001 classes, as the Coral inception_v1_224_quant model)';

export const inceptionV1: ZooEntry = {
  name: 'inception_v1',
  inputSize: 224,
  minSize: 32,
  description: V1_DESCRIPTION,
  build(size) {
    const b = new GraphBuilder('inception_v1', `zoo:inception_v1@${size}`);
    let x = b.input([size, size, 3]);
    x = run(b, x, [conv(64, 7, 2), maxPool(3, 2, 'same'), conv(64), conv(192, 3), maxPool(3, 2, 'same')], 'stem');
    x = block(b, x, v1Mixed(64, 96, 128, 16, 32, 32), 'Mixed_3b');
    x = block(b, x, v1Mixed(128, 128, 192, 32, 96, 64), 'Mixed_3c');
    x = b.maxPool(x, { pool: 3, stride: 2, padding: 'same', name: 'MaxPool_4a_3x3' });
    x = block(b, x, v1Mixed(192, 96, 208, 16, 48, 64), 'Mixed_4b');
    x = block(b, x, v1Mixed(160, 112, 224, 24, 64, 64), 'Mixed_4c');
    x = block(b, x, v1Mixed(128, 128, 256, 24, 64, 64), 'Mixed_4d');
    x = block(b, x, v1Mixed(112, 144, 288, 32, 64, 64), 'Mixed_4e');
    x = block(b, x, v1Mixed(256, 160, 320, 32, 128, 128), 'Mixed_4f');
    x = b.maxPool(x, { pool: 2, stride: 2, padding: 'same', name: 'MaxPool_5a_2x2' });
    x = block(b, x, v1Mixed(256, 160, 320, 32, 128, 128), 'Mixed_5b');
    x = block(b, x, v1Mixed(384, 192, 384, 48, 128, 128), 'Mixed_5c');
    x = wholeMapAvgPool(b, x, 'AvgPool_0a_7x7');
    x = b.conv(x, { filters: 1001, kernel: 1, name: 'Conv2d_0c_1x1' });
    x = b.reshape(x, [1, 1001], 'SpatialSqueeze');
    return b.finish([b.softmax(x, 'Predictions')], V1_DESCRIPTION);
  },
};

// ---- Inception v3 -------------------------------------------------------------------------

/** keras inception_v3: mixed0-2 (35x35). */
const v3A = (pool: number): readonly Branch[] => [
  [conv(64)], [conv(48), conv(64, 5)], [conv(64), conv(96, 3), conv(96, 3)], [avgPool3, conv(pool)],
];
/** mixed3: grid reduction to 17x17. */
const V3_B: readonly Branch[] = [[conv(384, 3, 2, 'valid')], [conv(64), conv(96, 3), conv(96, 3, 2, 'valid')], [maxPool(3, 2)]];
/** mixed4-7 (17x17) with factorized 7x7 convs of width m. */
const v3C = (m: number): readonly Branch[] => [
  [conv(192)],
  [conv(m), conv(m, [1, 7]), conv(192, [7, 1])],
  [conv(m), conv(m, [7, 1]), conv(m, [1, 7]), conv(m, [7, 1]), conv(192, [1, 7])],
  [avgPool3, conv(192)],
];
/** mixed8: grid reduction to 8x8. */
const V3_D: readonly Branch[] = [
  [conv(192), conv(320, 3, 2, 'valid')],
  [conv(192), conv(192, [1, 7]), conv(192, [7, 1]), conv(192, 3, 2, 'valid')],
  [maxPool(3, 2)],
];
/** mixed9-10 (8x8), each with two inner 1x3 | 3x1 concatenations. */
const V3_E: readonly Branch[] = [
  [conv(320)],
  [conv(384), fork([conv(384, [1, 3])], [conv(384, [3, 1])])],
  [conv(448), conv(384, 3), fork([conv(384, [1, 3])], [conv(384, [3, 1])])],
  [avgPool3, conv(192)],
];

const V3_DESCRIPTION = 'Inception v3 (Keras Applications InceptionV3)';

export const inceptionV3: ZooEntry = {
  name: 'inception_v3',
  inputSize: 299,
  minSize: 75,
  description: V3_DESCRIPTION,
  build(size) {
    const b = new GraphBuilder('inception_v3', `zoo:inception_v3@${size}`);
    let x = b.input([size, size, 3]);
    x = run(b, x, [
      conv(32, 3, 2, 'valid'), conv(32, 3, 1, 'valid'), conv(64, 3), maxPool(3, 2),
      conv(80, 1, 1, 'valid'), conv(192, 3, 1, 'valid'), maxPool(3, 2),
    ], 'stem');
    const blocks = [v3A(32), v3A(64), v3A(64), V3_B, v3C(128), v3C(160), v3C(160), v3C(192), V3_D, V3_E, V3_E];
    blocks.forEach((br, i) => { x = block(b, x, br, `mixed${i}`); });
    x = b.globalAvgPool(x, { name: 'avg_pool' });
    return b.finish([b.softmax(b.dense(x, { units: 1000, name: 'predictions' }))], V3_DESCRIPTION);
  },
};

// ---- Inception v4 -------------------------------------------------------------------------

/** TF-slim inception_v4 stem: Mixed_3a, 4a, 5a concatenate a pool or conv branch pair each. */
const V4_STEM: readonly (readonly Branch[])[] = [
  [[maxPool(3, 2)], [conv(96, 3, 2, 'valid')]],
  [[conv(64), conv(96, 3, 1, 'valid')], [conv(64), conv(64, [1, 7]), conv(64, [7, 1]), conv(96, 3, 1, 'valid')]],
  [[conv(192, 3, 2, 'valid')], [maxPool(3, 2)]],
];
const V4_A: readonly Branch[] = [[conv(96)], [conv(64), conv(96, 3)], [conv(64), conv(96, 3), conv(96, 3)], [avgPool3, conv(96)]];
const V4_RA: readonly Branch[] = [[conv(384, 3, 2, 'valid')], [conv(192), conv(224, 3), conv(256, 3, 2, 'valid')], [maxPool(3, 2)]];
const V4_B: readonly Branch[] = [
  [conv(384)],
  [conv(192), conv(224, [1, 7]), conv(256, [7, 1])],
  [conv(192), conv(192, [7, 1]), conv(224, [1, 7]), conv(224, [7, 1]), conv(256, [1, 7])],
  [avgPool3, conv(128)],
];
const V4_RB: readonly Branch[] = [
  [conv(192), conv(192, 3, 2, 'valid')],
  [conv(256), conv(256, [1, 7]), conv(320, [7, 1]), conv(320, 3, 2, 'valid')],
  [maxPool(3, 2)],
];
const V4_C: readonly Branch[] = [
  [conv(256)],
  [conv(384), fork([conv(256, [1, 3])], [conv(256, [3, 1])])],
  [conv(384), conv(448, [3, 1]), conv(512, [1, 3]), fork([conv(256, [1, 3])], [conv(256, [3, 1])])],
  [avgPool3, conv(256)],
];

const V4_DESCRIPTION = 'Inception v4 (TF-slim inception_v4 without the auxiliary head, 1001 classes)';

export const inceptionV4: ZooEntry = {
  name: 'inception_v4',
  inputSize: 299,
  minSize: 75,
  description: V4_DESCRIPTION,
  build(size) {
    const b = new GraphBuilder('inception_v4', `zoo:inception_v4@${size}`);
    let x = b.input([size, size, 3]);
    x = run(b, x, [conv(32, 3, 2, 'valid'), conv(32, 3, 1, 'valid'), conv(64, 3)], 'stem');
    V4_STEM.forEach((br, i) => { x = block(b, x, br, `Mixed_${i + 3}a`); });
    const blocks: [string, readonly Branch[]][] = [
      ...'bcde'.split('').map((c): [string, readonly Branch[]] => [`Mixed_5${c}`, V4_A]),
      ['Mixed_6a', V4_RA],
      ...'bcdefgh'.split('').map((c): [string, readonly Branch[]] => [`Mixed_6${c}`, V4_B]),
      ['Mixed_7a', V4_RB],
      ...'bcd'.split('').map((c): [string, readonly Branch[]] => [`Mixed_7${c}`, V4_C]),
    ];
    for (const [name, br] of blocks) x = block(b, x, br, name);
    x = b.flatten(wholeMapAvgPool(b, x, 'AvgPool_1a'), 'PreLogitsFlatten');
    return b.finish([b.softmax(b.dense(x, { units: 1001, name: 'Logits' }), 'Predictions')], V4_DESCRIPTION);
  },
};
