import type { LayerGraph } from '../src/graph/types';
import { GraphBuilder } from '../src/zoo/builder';

/**
 * Synthetic graphs of an exact op count for the search benchmark, built like the zoo (int8,
 * converter layout): `chain` is a plain stack of 3x3 convs whose width cycles 32..256 and whose
 * resolution halves every 25 convs down to 4x4; `dag` stacks residual blocks (conv, conv, add
 * with the block input), so cuts inside a block cross two tensors.
 */
export function benchGraph(kind: 'chain' | 'dag', ops: number): LayerGraph {
  const b = new GraphBuilder(`bench_${kind}_${ops}`, `bench:${kind}?ops=${ops}`);
  let x = b.input([64, 64, 3]);
  // The input's QUANTIZE and the closing op `finish` adds count too.
  let count = 2;
  let convs = 0;
  const widths = [32, 64, 128, 256];
  const conv = (filters: number): void => {
    const stride = convs % 25 === 24 && x.shape[1]! > 4 ? 2 : 1;
    x = b.conv(x, { filters, kernel: 3, stride, padding: 'same', act: 'relu' });
    convs++;
    count++;
  };
  if (kind === 'chain') {
    while (count < ops) conv(widths[Math.floor(convs / 7) % widths.length]!);
  } else {
    conv(64);
    while (count + 3 <= ops) {
      const skip = x;
      x = b.conv(x, { filters: 64, kernel: 3, padding: 'same', act: 'relu' });
      x = b.conv(x, { filters: 64, kernel: 3, padding: 'same' });
      x = b.add(x, skip, 'relu');
      count += 3;
    }
    while (count < ops) conv(64);
  }
  return b.finish([x], `${kind} of ${ops} ops for the search benchmark`);
}
