import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init.js';
import { Rng } from '../rng.js';
import { createCifarResNet } from './resnet.js';

beforeAll(async () => { await initBackend({ prefer: 'wasm' }); });

describe('CIFAR ResNet', () => {
  it('ResNet-34 has the reference layout: 21,282,122 parameters', () => {
    const net = createCifarResNet([3, 4, 6, 3], 10, new Rng(1, 'init'));
    expect(net.params.reduce((s, p) => s + p.size, 0)).toBe(21282122);
    net.dispose();
  });
  it('a small one trains a step on wasm: finite gradients, running stats move, eval differs from train mode', () => {
    const net = createCifarResNet([1, 1, 1, 1], 10, new Rng(2, 'init'));
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d([1, 7], 'int32'), 10);
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.forward(x, true)) as tf.Scalar, net.params);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const p of net.params) expect(Number.isFinite(tf.sum(tf.abs(grads[p.name])).dataSync()[0])).toBe(true);
    expect(tf.sum(tf.abs(net.buffers[0])).dataSync()[0]).toBeGreaterThan(0); // running mean moved from zero
    const train = net.forward(x, true).dataSync(), evalOut = net.forward(x, false).dataSync();
    expect(Array.from(train)).not.toEqual(Array.from(evalOut));
    const other = createCifarResNet([1, 1, 1, 1], 10, new Rng(9, 'init'));
    other.copyFrom(net);
    expect(Array.from(other.forward(x, false).dataSync())).toEqual(Array.from(net.forward(x, false).dataSync()));
  });
});
