import { GraphBuilder, type ZooEntry } from './builder';

/**
 * VGG16 / VGG19 (Simonyan & Zisserman 2014) as keras.applications builds them: 3x3 SAME convs
 * with bias and ReLU in five blocks, 2x2 max pooling, Flatten, fc1/fc2 (4096, ReLU), softmax.
 */
function vgg(name: string, convsPerBlock: readonly number[], description: string): ZooEntry {
  return {
    name,
    inputSize: 224,
    minSize: 32,
    description,
    build(size) {
      const b = new GraphBuilder(name, `zoo:${name}@${size}`);
      let x = b.input([size, size, 3]);
      [64, 128, 256, 512, 512].forEach((filters, i) => {
        for (let j = 1; j <= convsPerBlock[i]!; j++) {
          x = b.conv(x, { filters, kernel: 3, padding: 'same', act: 'relu', name: `block${i + 1}_conv${j}` });
        }
        x = b.maxPool(x, { pool: 2, stride: 2, name: `block${i + 1}_pool` });
      });
      x = b.flatten(x, 'flatten');
      x = b.dense(x, { units: 4096, act: 'relu', name: 'fc1' });
      x = b.dense(x, { units: 4096, act: 'relu', name: 'fc2' });
      x = b.softmax(b.dense(x, { units: 1000, name: 'predictions' }));
      return b.finish([x], description);
    },
  };
}

export const vgg16 = vgg('vgg16', [2, 2, 3, 3, 3], 'VGG16 (Keras Applications), 13 conv + 3 dense');
export const vgg19 = vgg('vgg19', [2, 2, 4, 4, 4], 'VGG19 (Keras Applications), 16 conv + 3 dense');
