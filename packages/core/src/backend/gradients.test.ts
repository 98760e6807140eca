import * as tf from '@tensorflow/tfjs-core';
import { getGradient, Mean } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init.js';
import { meanGradConfig, registerGradients } from './gradients.js';
import { bitsOf, firstDifference } from '../testing/compare.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('Mean gradient', () => {
  // LayerNorm's means (last axis, kept), a loss's mean over everything, middle and several axes.
  const cases: [number[], number | number[], boolean][] = [
    [[128, 15, 64], -1, true], [[64, 15, 8], -1, true], [[30, 7], -1, true], [[37, 5], [0, 1], false], [[6, 7, 8], 1, false], [[6, 7, 8], [0, 2], true], [[9], 0, false], [[4, 1, 3], 1, true],
  ];
  for (const [shape, axis, keepDims] of cases) {
    it(`${JSON.stringify(shape)} axis ${JSON.stringify(axis)}${keepDims ? ' kept' : ''}: tfjs's bits`, () => {
      const stock = registerGradients();
      expect(stock).not.toBe(meanGradConfig);
      expect(getGradient(Mean)).toBe(meanGradConfig);
      const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
      const y = tf.mean(x, axis, keepDims);
      const dy = tf.randomNormal(y.shape, 0, 3, 'float32', 2);
      const attrs = { axis, keepDims };
      const [mine, theirs] = [meanGradConfig, stock].map((c) => tf.tidy(() => c.gradFunc(dy, [x], attrs).x()));
      expect(mine.shape).toEqual(shape);
      expect(firstDifference(bitsOf(mine), bitsOf(theirs))).toBe(-1);
      // Through tf.grad, the registered one is what runs.
      const viaGrad = tf.grad((t: tf.Tensor) => tf.mul(tf.mean(t, axis, keepDims), dy))(x);
      expect(firstDifference(bitsOf(viaGrad), bitsOf(theirs))).toBe(-1);
      tf.dispose([x, y, dy, mine, theirs, viaGrad]);
    });
  }
});
