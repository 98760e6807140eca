import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init.js';
import { Rng } from '../rng.js';
import { createMlp } from './mlp.js';

beforeAll(async () => { await initBackend({ prefer: 'wasm' }); });

describe('MLP', () => {
  it('has PyTorch Linear shapes and init bounds, and is seeded', () => {
    const a = createMlp([64, 512, 10], new Rng(1, 'init'));
    expect(a.params.map((p) => p.shape)).toEqual([[64, 512], [512], [512, 10], [10]]);
    const w = a.params[0].dataSync();
    expect(Math.max(...w)).toBeLessThanOrEqual(1 / 8);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-1 / 8);
    expect(Math.max(...w)).toBeGreaterThan(0.12);
    const b = createMlp([64, 512, 10], new Rng(1, 'init'));
    expect(b.params[2].dataSync()).toEqual(a.params[2].dataSync());
    expect(tf.tidy(() => a.forward(tf.ones([3, 64]))).shape).toEqual([3, 10]);
    expect(() => createMlp([4], new Rng(1))).toThrow(/at least two positive integers/);
  });
  it('copyFrom makes two networks compute the same function', () => {
    const a = createMlp([5, 7, 3], new Rng(1)), b = createMlp([5, 7, 3], new Rng(2));
    b.copyFrom(a);
    const x = tf.randomNormal([4, 5]) as tf.Tensor2D;
    expect(b.forward(x).dataSync()).toEqual(a.forward(x).dataSync());
  });
});
