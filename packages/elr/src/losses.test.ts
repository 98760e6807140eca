import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@repro/core';
import { readGolden } from '@repro/core/testing';
import { createElrLoss, createElrPlusLoss, crossEntropy, gce, sce, sigmoidRampup } from './index.js';

const close = (got: ArrayLike<number>, want: number[], tol = 2e-5) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w))));
};

interface ElrStep { index: number[]; logits: number[][]; labels: number[]; loss: number; ce: number; elr_reg: number; grad_logits: number[][]; target_after: number[][] }
interface ElrCase { name: string; num_examp: number; num_classes: number; beta: number; lam: number; steps: ElrStep[] }
const elr = readGolden<{ cases: ElrCase[] }>('elr/elr_loss.json');

interface PlusCase {
  name: string; num_classes: number; beta: number; lam: number; coef_step: number; iteration: number; mixup_lambda: number;
  pred_hist_before: number[][]; index: number[]; mix_index: number[]; ema_logits: number[][]; pred_hist_after: number[][]; q: number[][];
  labels: number[]; y_labeled_mixed: number[][]; logits: number[][]; rampup_weight: number; ce: number; reg: number; loss: number; grad_logits: number[][];
}
const plus = readGolden<{ cases: PlusCase[]; sigmoid_rampup_table: Record<string, number> }>('elr/elr_plus_loss.json');

beforeAll(async () => { await initBackend({ prefer: 'wasm' }); });

describe('ELR loss against the reference, step by step with shared target state', () => {
  for (const c of elr.cases) {
    it(c.name, () => {
      const loss = createElrLoss({ numExamples: c.num_examp, numClasses: c.num_classes, beta: c.beta, lambda: c.lam });
      c.steps.forEach((s) => {
        const logits = tf.tensor2d(s.logits);
        let value = NaN;
        // The gradient must come from the same call that updates the targets, once per step.
        const g = tf.grad((z: tf.Tensor) => {
          const l = loss.loss(s.index, z as tf.Tensor2D, s.labels);
          value = l.dataSync()[0];
          return l;
        })(logits);
        close([value], [s.loss]);
        close([loss.last.ce, loss.last.reg], [s.ce, s.elr_reg]);
        close(g.dataSync(), s.grad_logits.flat());
        close(loss.targets, s.target_after.flat());
      });
    });
  }
  it('flags examples whose target argmax disagrees with the label', () => {
    const loss = createElrLoss({ numExamples: 2, numClasses: 3, beta: 0.5, lambda: 1 });
    loss.loss([0, 1], tf.tensor2d([[5, 0, 0], [0, 0, 5]]), [0, 1]);
    expect(Array.from(loss.mislabelFlags([0, 1]))).toEqual([0, 1]);
    expect(() => loss.loss([0, 7], tf.tensor2d([[5, 0, 0], [0, 0, 5]]), [0, 1])).toThrow(/index 7 outside \[0, 2\)/);
    expect(() => createElrLoss({ numExamples: 2, numClasses: 3, beta: 1, lambda: 1 })).toThrow(/beta must be in \[0, 1\)/);
  });
  it('clamped probabilities get no gradient from the regulariser', () => {
    // A confident row: p for class 0 exceeds 1 - 1e-4 and the others fall under 1e-4, so every
    // entry is clamped and only cross-entropy contributes.
    const loss = createElrLoss({ numExamples: 1, numClasses: 3, beta: 0, lambda: 100 });
    const z = tf.tensor2d([[20, 0, 0]]);
    const g = tf.grad((x: tf.Tensor) => loss.loss([0], x as tf.Tensor2D, [0]))(z);
    const gCe = tf.grad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, tf.tensor1d([0], 'int32')))(z);
    close(g.dataSync(), Array.from(gCe.dataSync()), 1e-6);
  });
});

describe('ELR+ loss against the reference', () => {
  it('sigmoid ramp-up table', () => {
    for (const [t, v] of Object.entries(plus.sigmoid_rampup_table)) expect(sigmoidRampup(Number(t), 40000)).toBeCloseTo(v, 12);
    expect(sigmoidRampup(5, 0)).toBe(1);
  });
  for (const c of plus.cases) {
    it(c.name, () => {
      const n = c.pred_hist_before.length;
      const loss = createElrPlusLoss({ numExamples: n, numClasses: c.num_classes, beta: c.beta, lambda: c.lam, coefStep: c.coef_step });
      loss.hist.set(c.pred_hist_before.flat());
      loss.updateHist(c.index, c.ema_logits.flat(), c.mix_index, c.mixup_lambda);
      close(loss.hist, c.pred_hist_after.flat());
      close(loss.q!, c.q.flat());
      const logits = tf.tensor2d(c.logits), y = tf.tensor2d(c.y_labeled_mixed);
      let value = NaN;
      const g = tf.grad((z: tf.Tensor) => {
        const l = loss.loss(c.iteration, z as tf.Tensor2D, y);
        value = l.dataSync()[0];
        return l;
      })(logits);
      close([value, loss.last.ce, loss.last.reg, loss.last.weight], [c.loss, c.ce, c.reg, c.rampup_weight]);
      close(g.dataSync(), c.grad_logits.flat());
    });
  }
  it('loss before updateHist is an error', () => {
    const loss = createElrPlusLoss({ numExamples: 2, numClasses: 3, beta: 0.7, lambda: 3, coefStep: 0 });
    expect(() => loss.loss(0, tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D)).toThrow(/call updateHist/);
  });
});

describe('baseline losses', () => {
  const z = tf.tensor2d([[2, 0, -1], [0.5, 0.5, 0]]), y = tf.tensor1d([0, 2], 'int32');
  const p = [[Math.exp(2), 1, Math.exp(-1)], [Math.exp(0.5), Math.exp(0.5), 1]].map((r) => r.map((v) => v / r.reduce((a, b) => a + b)));
  it('GCE is mean (1 - p_y^q) / q', () => {
    close(gce(z, y).dataSync(), [((1 - p[0][0] ** 0.7) + (1 - p[1][2] ** 0.7)) / 0.7 / 2], 1e-6);
    expect(() => gce(z, y, 0)).toThrow(/q must be in \(0, 1\]/);
  });
  it('SCE is 0.1 CE + 4 * (mass off the label)', () => {
    const ce = -(Math.log(p[0][0]) + Math.log(p[1][2])) / 2;
    const rce = 4 * ((1 - p[0][0]) + (1 - p[1][2])) / 2;
    close(sce(z, y).dataSync(), [0.1 * ce + rce], 1e-6);
  });
});
