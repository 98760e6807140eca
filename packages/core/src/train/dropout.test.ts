import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init.js';
import { dropout } from './dropout.js';
import type { WasmBackend } from '../backend/heap.js';
import { dropoutMaskFor } from '../backend/kernels/dropout-mask-wasm.js';
import { bitsOf, firstDifference } from '../testing/compare.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});


describe('dropout gives tf.dropout\'s bits', () => {
  // T-JEPA's full-profile rate on its widest activation and on attention weights; rates up to 0.9,
  // among them 0.04, where 1 / (1 - rate) rounds to another float32 than 1 / float32(1 - rate);
  // seeds as numbers (what Rng.tfSeed gives) and as a string.
  const cases: [number[], number, number | string][] = [
    [[1920, 64], 0.00185, 1], [[256, 15, 15], 0.00185, 2147483646], [[1000, 37], 0.5, 98765], [[20000], 0.04, 3],
    [[333, 7], 0.1, 'a seed'], [[50000], 0.9, 7], [[3], 0.25, 0],
    // Long masks are drawn in pieces on wasm: a remainder of 7 after the pieces, none, and one
    // value short of the pieced path.
    [[10007], 0.3, 12], [[4096], 0.3, 13], [[4095], 0.3, 14],
  ];
  for (const [shape, rate, seed] of cases) {
    it(`${JSON.stringify(shape)} rate ${rate} seed ${JSON.stringify(seed)}: values and gradients`, () => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
      const r = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const [mine, theirs] = [dropout(x, rate, seed), tf.dropout(x, rate, undefined, seed)];
      expect(mine.shape).toEqual(x.shape);
      expect(firstDifference(bitsOf(mine), bitsOf(theirs))).toBe(-1);
      // The mask really drops about `rate` of the elements (so the comparison is not of two copies).
      const dropped = (mine.dataSync() as Float32Array).filter((v) => v === 0).length / x.size;
      if (x.size > 10000) expect(Math.abs(dropped - rate)).toBeLessThan(0.01);
      const grad = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), r)))(x);
      const [gMine, gTheirs] = [grad((t) => dropout(t, rate, seed)), grad((t) => tf.dropout(t, rate, undefined, seed))];
      expect(firstDifference(bitsOf(gMine), bitsOf(gTheirs))).toBe(-1);
      tf.dispose([x, r, mine, theirs, gMine, gTheirs]);
    });
  }

  it('draws long masks with the wasm loop on the wasm backend (so the cases above test it)', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(dropoutMaskFor(tf.backend() as unknown as WasmBackend)).not.toBeNull();
  });

  it('another seed draws another mask', () => {
    const x = tf.ones([4096]);
    const [a, b] = [dropout(x, 0.5, 1), dropout(x, 0.5, 2)];
    expect(firstDifference(bitsOf(a), bitsOf(b))).not.toBe(-1);
    tf.dispose([x, a, b]);
  });

  it('rate 0 returns a copy; other dtypes and rates outside [0, 1) are errors', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const y = dropout(x, 0, 5);
    expect(y).not.toBe(x);
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3]);
    expect(() => dropout(tf.tensor1d([1, 2], 'int32'), 0.5, 1)).toThrow(/float32/);
    expect(() => dropout(x, 1, 1)).toThrow(/\[0, 1\)/);
    expect(() => dropout(x, -0.1, 1)).toThrow(/\[0, 1\)/);
    expect(() => dropout(x, Number.NaN, 1)).toThrow(/\[0, 1\)/);
    tf.dispose([x, y]);
  });

  it('leaves no tensor behind but its result', () => {
    const x = tf.randomNormal([64, 16]);
    const before = tf.memory().numTensors;
    const y = dropout(x, 0.3, 11);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, y]);
  });
});
