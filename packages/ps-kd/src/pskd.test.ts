import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@repro/core';
import { readGolden } from '@repro/core/testing';
import { alphaAt, createPskd, mixTargets, smoothedTargets, softCrossEntropy, reliabilitySvg } from './index.js';

interface LossCase {
  alpha_T: number; epoch: number; end_epoch: number; alpha_t: number; logits: number[][]; labels: number[];
  prev_predictions: number[][]; soft_targets: number[][]; loss: number; grad_logits: number[][];
}
const golden = readGolden<{ alpha_schedule: Record<string, number>; loss_cases: LossCase[] }>('ps-kd/pskd.json');

const close = (got: ArrayLike<number>, want: number[], tol = 1e-5) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w))));
};

beforeAll(async () => { await initBackend({ prefer: 'wasm' }); });

describe('alpha schedule', () => {
  it('matches the reference for alphaT 0.8 over 300 epochs', () => {
    for (const [epoch, a] of Object.entries(golden.alpha_schedule)) expect(alphaAt(Number(epoch), { alphaT: 0.8, endEpoch: 300 })).toBeCloseTo(a, 12);
    expect(() => alphaAt(0, { alphaT: 0.8, endEpoch: 0 })).toThrow(/endEpoch must be > 0/);
  });
});

describe('soft targets, loss and gradients against the reference', () => {
  golden.loss_cases.forEach((c, k) => {
    it(`case ${k} (epoch ${c.epoch})`, () => {
      const C = c.logits[0].length;
      const alpha = alphaAt(c.epoch, { alphaT: c.alpha_T, endEpoch: c.end_epoch });
      expect(alpha).toBeCloseTo(c.alpha_t, 12);
      const soft = tf.tensor2d(mixTargets(alpha, c.prev_predictions.flat(), c.labels, C), [c.labels.length, C]);
      close(soft.dataSync(), c.soft_targets.flat());
      const logits = tf.tensor2d(c.logits);
      close(softCrossEntropy(logits, soft).dataSync(), [c.loss]);
      close(tf.grad((l: tf.Tensor) => softCrossEntropy(l as tf.Tensor2D, soft))(logits).dataSync(), c.grad_logits.flat());
    });
  });

  it('targets() reads the store rows of the batch indices after epoch 0', () => {
    const c = golden.loss_cases[0], C = c.logits[0].length;
    const pskd = createPskd({ numExamples: c.labels.length + 2, numClasses: C, alphaT: c.alpha_T, endEpoch: c.end_epoch });
    const idx = c.labels.map((_, i) => i + 2);
    idx.forEach((row, i) => pskd.store.set(c.prev_predictions[i], row * C));
    close(pskd.targets(c.epoch, idx, c.labels).dataSync(), c.soft_targets.flat());
  });

  it('epoch-0 targets are exactly one-hot, whatever the store held', () => {
    const pskd = createPskd({ numExamples: 3, numClasses: 4, alphaT: 0.8, endEpoch: 10 });
    pskd.store.fill(0.25);
    expect(Array.from(pskd.targets(0, [0, 2], [3, 1]).dataSync())).toEqual([0, 0, 0, 1, 0, 1, 0, 0]);
    expect(Array.from(pskd.store.subarray(0, 4))).toEqual([0, 0, 0, 1]);
  });

  it('record stores the softmax of the given logits; later targets mix it in', () => {
    const pskd = createPskd({ numExamples: 2, numClasses: 3, alphaT: 0.5, endEpoch: 1 });
    pskd.record([1], tf.tensor2d([[0, 0, Math.log(2)]]));
    close(pskd.store.subarray(3, 6), [0.25, 0.25, 0.5]);
    // epoch 0 of endEpoch 1: alpha = 0.5
    const t = pskd.targets(1, [1], [0]); // alpha = 0.5 * 2 / 1 = 1: targets are the stored predictions
    close(t.dataSync(), [0.25, 0.25, 0.5]);
  });

  it('rejects bad indices and labels', () => {
    const pskd = createPskd({ numExamples: 2, numClasses: 3, alphaT: 0.5, endEpoch: 4 });
    expect(() => pskd.targets(1, [2], [0])).toThrow(/index 2 outside \[0, 2\)/);
    expect(() => pskd.targets(1, [0], [3])).toThrow(/label 3 outside \[0, 3\)/);
    expect(() => createPskd({ numExamples: 0, numClasses: 3, alphaT: 0.5, endEpoch: 4 })).toThrow(/numExamples > 0/);
  });
});

describe('label smoothing and the reliability diagram', () => {
  it('smoothed targets follow PyTorch (1 - eps) * onehot + eps / C', () => {
    close(smoothedTargets(tf.tensor1d([1], 'int32'), 4, 0.1).dataSync(), [0.025, 0.925, 0.025, 0.025]);
    expect(() => smoothedTargets(tf.tensor1d([1], 'int32'), 4, 1)).toThrow(/\[0, 1\)/);
  });
  it('draws one bar per non-empty bin', () => {
    const bins = Array.from({ length: 10 }, (_, i) => ({ lower: i / 10, upper: (i + 1) / 10, acc: i === 9 ? 0.95 : 0, avgConf: i === 9 ? 0.99 : 0, count: i === 9 ? 100 : 0 }));
    const svg = reliabilitySvg(bins, 'ce <seed 1>', 4);
    expect(svg).toMatch(/^<svg xmlns/);
    expect(svg).toContain('ECE 4.00');
    expect(svg).toContain('ce &lt;seed 1>');
    expect(svg.match(/fill="#4c78a8"/g)).toHaveLength(1);
  });
});
