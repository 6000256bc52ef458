import { GraphBuilder, type Tn, type ZooEntry } from './builder';

/**
 * EfficientNet-EdgeTPU S/M/L (Gupta & Tan 2019) as the TF TPU models repository builds them
 * (models/official/efficientnet/edgetpu/efficientnet_edgetpu_builder.py with
 * efficientnet_model.py), from our reading of that code:
 * - block strings 'r1_k3_s11_e4_i24_o24_c1_noskip', 'r2_k3_s22_e8_i24_o32_c1',
 *   'r4_k3_s22_e8_i32_o48_c1', 'r5_k5_s22_e8_i48_o96', 'r4_k5_s11_e8_i96_o144',
 *   'r2_k5_s22_e8_i144_o192' (repeats, kernel, stride, expansion, in, out; c1 = no depthwise);
 * - c1 blocks (MBConvBlockWithoutDepthwise): a regular 3x3 stride-1 expansion conv, then the
 *   1x1 projection conv carries the block's stride;
 * - other blocks: 1x1 expansion, k x k depthwise with the stride, 1x1 projection;
 * - ReLU, no squeeze-excite, full BN (4 parameters per channel) folded into every conv, an
 *   identity ADD when the stride is 1 and the width unchanged (not in the noskip stage);
 * - stem 3x3/2 conv of round(32), head 1x1 conv of round(1280), then "local pooling" (an
 *   average pool over the whole map), squeeze, 1001-class dense layer, softmax;
 * - (width, depth, resolution): S (1.0, 1.0, 224), M (1.0, 1.1, 240), L (1.2, 1.4, 300); widths
 *   rounded to multiples of 8 (round_filters), repeats ceil(depth x r) (round_repeats).
 */

interface Stage {
  readonly repeats: number;
  readonly kernel: number;
  readonly stride: number;
  readonly expand: number;
  readonly in: number;
  readonly out: number;
  readonly fused: boolean;
  readonly skip: boolean;
}

const STAGES: readonly Stage[] = [
  { repeats: 1, kernel: 3, stride: 1, expand: 4, in: 24, out: 24, fused: true, skip: false },
  { repeats: 2, kernel: 3, stride: 2, expand: 8, in: 24, out: 32, fused: true, skip: true },
  { repeats: 4, kernel: 3, stride: 2, expand: 8, in: 32, out: 48, fused: true, skip: true },
  { repeats: 5, kernel: 5, stride: 2, expand: 8, in: 48, out: 96, fused: false, skip: true },
  { repeats: 4, kernel: 5, stride: 1, expand: 8, in: 96, out: 144, fused: false, skip: true },
  { repeats: 2, kernel: 5, stride: 2, expand: 8, in: 144, out: 192, fused: false, skip: true },
];

/** efficientnet_model.round_filters with depth_divisor 8 and no min_depth. */
export function roundFilters(filters: number, width: number): number {
  const scaled = filters * width;
  let f = Math.max(8, Math.floor(Math.floor(scaled + 4) / 8) * 8);
  if (f < 0.9 * scaled) f += 8;
  return f;
}

/** efficientnet_model.round_repeats. */
export const roundRepeats = (repeats: number, depth: number): number => Math.ceil(depth * repeats);

function mbConv(b: GraphBuilder, x: Tn, s: Stage, inFilters: number, outFilters: number, stride: number, name: string): Tn {
  const expanded = inFilters * s.expand;
  let y = x;
  if (s.fused) {
    if (s.expand !== 1) y = b.conv(y, { filters: expanded, kernel: 3, padding: 'same', bias: false, bn: true, act: 'relu', name: `${name}/expand` });
    y = b.conv(y, { filters: outFilters, kernel: 1, stride, padding: 'same', bias: false, bn: true, name: `${name}/project` });
  } else {
    if (s.expand !== 1) y = b.conv(y, { filters: expanded, kernel: 1, padding: 'same', bias: false, bn: true, act: 'relu', name: `${name}/expand` });
    y = b.depthwise(y, { kernel: s.kernel, stride, padding: 'same', bias: false, bn: true, act: 'relu', name: `${name}/depthwise` });
    y = b.conv(y, { filters: outFilters, kernel: 1, padding: 'same', bias: false, bn: true, name: `${name}/project` });
  }
  return s.skip && stride === 1 && x.shape[3] === outFilters ? b.add(y, x, 'linear', `${name}/add`) : y;
}

function efficientnetEdgeTpu(variant: 'S' | 'M' | 'L', width: number, depth: number, inputSize: number): ZooEntry {
  const name = `efficientnet_edgetpu_${variant.toLowerCase()}`;
  const description = `EfficientNet-EdgeTPU-${variant} (TF TPU models efficientnet/edgetpu, width ${width.toFixed(1)}, depth ${depth.toFixed(1)}, 1001 classes)`;
  return {
    name,
    inputSize,
    minSize: 32,
    description,
    build(size) {
      const b = new GraphBuilder(name, `zoo:${name}@${size}`);
      let x = b.input([size, size, 3]);
      x = b.conv(x, { filters: roundFilters(32, width), kernel: 3, stride: 2, padding: 'same', bias: false, bn: true, act: 'relu', name: 'stem' });
      let id = 0;
      for (const s of STAGES) {
        const inF = roundFilters(s.in, width);
        const outF = roundFilters(s.out, width);
        for (let r = 0; r < roundRepeats(s.repeats, depth); r++) {
          x = mbConv(b, x, s, r === 0 ? inF : outF, outF, r === 0 ? s.stride : 1, `blocks_${id++}`);
        }
      }
      x = b.conv(x, { filters: roundFilters(1280, width), kernel: 1, padding: 'same', bias: false, bn: true, act: 'relu', name: 'head' });
      x = b.avgPool(x, { pool: [x.shape[1]!, x.shape[2]!], stride: 1, padding: 'valid', name: 'head/avg_pool' });
      x = b.reshape(x, [1, x.shape[3]!], 'head/squeeze');
      return b.finish([b.softmax(b.dense(x, { units: 1001, name: 'head/dense' }), 'probs')], description);
    },
  };
}

export const efficientnetEdgeTpuS = efficientnetEdgeTpu('S', 1.0, 1.0, 224);
export const efficientnetEdgeTpuM = efficientnetEdgeTpu('M', 1.0, 1.1, 240);
export const efficientnetEdgeTpuL = efficientnetEdgeTpu('L', 1.2, 1.4, 300);
