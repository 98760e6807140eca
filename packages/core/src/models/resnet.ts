/**
 * CIFAR-style ResNets with basic blocks (He et al. 2016; the layout of kuangliu's pytorch-cifar,
 * which the ELR reference's ResNet_Zoo uses): 3x3 stem of 64 channels without pooling, four stages
 * of 64/128/256/512 channels (stride 2 from the second), projection shortcuts (1x1 conv + BN) where
 * the shape changes, 4x4 average pooling, a linear classifier. ResNet-34 is blocks [3, 4, 6, 3],
 * 21,282,122 parameters.
 *
 * PyTorch defaults: conv and linear weights ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform
 * with a = sqrt(5)), linear bias likewise; batch norm gamma 1, beta 0, momentum 0.1, eps 1e-5, the
 * running variance updated with the unbiased batch variance. NHWC throughout.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

export interface ConvNet {
  params: tf.Variable[];
  /** Running statistics of the batch norms (not trained). */
  buffers: tf.Variable[];
  /** Logits; `training` uses batch statistics and updates the running ones. */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  copyFrom(other: ConvNet): void;
  dispose(): void;
}

let uid = 0;

export function createCifarResNet(blocks: number[], numClasses: number, rng: Rng, name = 'resnet'): ConvNet {
  const id = uid++;
  const params: tf.Variable[] = [], buffers: tf.Variable[] = [];
  const uniform = (shape: number[], fanIn: number, label: string) => {
    const bound = 1 / Math.sqrt(fanIn), v = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-bound, bound);
    const t = tf.variable(tf.tensor(v, shape), true, `${name}${id}/${label}`);
    params.push(t);
    return t;
  };
  const conv = (k: number, cin: number, cout: number, label: string) => uniform([k, k, cin, cout], k * k * cin, label) as tf.Variable<tf.Rank.R4>;
  const bn = (c: number, label: string) => {
    const gamma = tf.variable(tf.ones([c]), true, `${name}${id}/${label}/gamma`), beta = tf.variable(tf.zeros([c]), true, `${name}${id}/${label}/beta`);
    const mean = tf.variable(tf.zeros([c]), false, `${name}${id}/${label}/mean`), vari = tf.variable(tf.ones([c]), false, `${name}${id}/${label}/var`);
    params.push(gamma, beta);
    buffers.push(mean, vari);
    return (x: tf.Tensor4D, training: boolean): tf.Tensor4D => {
      if (!training) return tf.batchNorm(x, mean, vari, beta, gamma, 1e-5) as tf.Tensor4D;
      const m = tf.moments(x, [0, 1, 2]);
      const n = x.size / c;
      tf.tidy(() => {
        mean.assign(tf.add(tf.mul(mean, 0.9), tf.mul(m.mean, 0.1)));
        vari.assign(tf.add(tf.mul(vari, 0.9), tf.mul(m.variance, (0.1 * n) / Math.max(n - 1, 1))));
      });
      return tf.batchNorm(x, m.mean, m.variance, beta, gamma, 1e-5) as tf.Tensor4D;
    };
  };

  const stem = conv(3, 3, 64, 'conv1'), stemBn = bn(64, 'bn1');
  type Block = (x: tf.Tensor4D, training: boolean) => tf.Tensor4D;
  const layers: Block[] = [];
  let inPlanes = 64;
  [64, 128, 256, 512].forEach((planes, s) => {
    for (let b = 0; b < blocks[s]; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1, tag = `layer${s + 1}.${b}`;
      const c1 = conv(3, inPlanes, planes, `${tag}.conv1`), b1 = bn(planes, `${tag}.bn1`);
      const c2 = conv(3, planes, planes, `${tag}.conv2`), b2 = bn(planes, `${tag}.bn2`);
      const proj = stride !== 1 || inPlanes !== planes ? { c: conv(1, inPlanes, planes, `${tag}.shortcut`), b: bn(planes, `${tag}.shortcut.bn`) } : null;
      layers.push((x, training) => {
        const h = tf.relu(b1(tf.conv2d(x, c1, stride, 'same'), training));
        const o = b2(tf.conv2d(h, c2, 1, 'same'), training);
        const short = proj ? proj.b(tf.conv2d(x, proj.c, stride, 'valid'), training) : x;
        return tf.relu(tf.add(o, short)) as tf.Tensor4D;
      });
      inPlanes = planes;
    }
  });
  const fcW = uniform([512, numClasses], 512, 'linear.weight'), fcB = uniform([numClasses], 512, 'linear.bias');

  return {
    params,
    buffers,
    forward(x, training) {
      let h = tf.relu(stemBn(tf.conv2d(x, stem, 1, 'same'), training));
      for (const layer of layers) h = layer(h, training);
      const pooled = tf.reshape(tf.avgPool(h, 4, 4, 'valid'), [x.shape[0], -1]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, fcW), fcB);
    },
    copyFrom(other) {
      params.forEach((p, i) => p.assign(other.params[i]));
      buffers.forEach((b, i) => b.assign(other.buffers[i]));
    },
    dispose() {
      [...params, ...buffers].forEach((v) => v.dispose());
    },
  };
}
