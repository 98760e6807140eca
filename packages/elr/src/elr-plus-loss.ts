/**
 * ELR+ (shengliu66/ELR ELR_plus/model/loss.py and trainer.py).
 *
 * Each of two networks keeps a history of predictions made by the *other* network's weight-averaged
 * copy on the un-mixed batch (unclamped softmax, no gradient):
 *   hist_i <- beta * hist_i + (1 - beta) * softmax(z_ema_i) / sum(...)
 *   q = l * hist[idx] + (1 - l) * hist[idx][mixIndex]        (l: the batch's mixup weight)
 * and the loss on the mixed batch, with p = clamp(softmax(z), 1e-4, 1 - 1e-4), is
 *   CE(z, y_mixed) + sigmoid_rampup(iteration, coefStep) * lambda * mean log(1 - <q, p>),
 * where, for 100 classes only, the CE target is y_mixed * q renormalised (the reference's
 * CIFAR-100 soft-label correction).
 */
import * as tf from '@tensorflow/tfjs-core';
import { softCrossEntropy } from '@repro/core';
import { PROB_CLAMP } from './elr-loss.js';

/** The reference's sigmoid ramp-up: exp(-5 (1 - t/T)^2) for t clipped to [0, T]; 1 when T is 0. */
export function sigmoidRampup(current: number, length: number): number {
  if (length === 0) return 1;
  const t = Math.min(Math.max(current, 0), length);
  const phase = 1 - t / length;
  return Math.exp(-5 * phase * phase);
}

export interface ElrPlusOptions { numExamples: number; numClasses: number; beta: number; lambda: number; coefStep: number }

export interface ElrPlusLoss {
  readonly options: ElrPlusOptions;
  /** N x C prediction history, row-major. */
  readonly hist: Float32Array;
  /** The current batch's q (batch x C), set by updateHist. */
  readonly q: Float32Array | null;
  /** Updates the batch's history from the other network's averaged-copy logits and sets q. */
  updateHist(indices: ArrayLike<number>, emaLogits: ArrayLike<number>, mixIndex?: ArrayLike<number>, mixupL?: number): void;
  /** The loss on the (mixed) batch; `iteration` drives the regulariser's ramp-up. */
  loss(iteration: number, logits: tf.Tensor2D, yMixed: tf.Tensor2D): tf.Scalar;
  readonly last: { ce: number; reg: number; weight: number };
}

export function createElrPlusLoss(options: ElrPlusOptions): ElrPlusLoss {
  const { numExamples: N, numClasses: C, beta, lambda, coefStep } = options;
  if (!(N > 0 && C > 1)) throw new Error(`createElrPlusLoss: needs numExamples > 0 and numClasses > 1, got ${N} and ${C}`);
  const hist = new Float32Array(N * C);
  let q: Float32Array | null = null;
  const last = { ce: NaN, reg: NaN, weight: NaN };
  return {
    options,
    hist,
    get q() { return q; },
    last,
    updateHist(indices, emaLogits, mixIndex, mixupL = 1) {
      const B = indices.length;
      if (emaLogits.length !== B * C) throw new Error(`ELR+: ${emaLogits.length} logits for ${B} rows of ${C} classes`);
      for (let i = 0; i < B; i++) {
        const r = indices[i];
        if (!(r >= 0 && r < N)) throw new Error(`ELR+: example index ${r} outside [0, ${N})`);
        let m = -Infinity;
        for (let c = 0; c < C; c++) m = Math.max(m, emaLogits[i * C + c]);
        let s = 0;
        const e = new Float64Array(C);
        for (let c = 0; c < C; c++) { e[c] = Math.exp(emaLogits[i * C + c] - m); s += e[c]; }
        for (let c = 0; c < C; c++) hist[r * C + c] = beta * hist[r * C + c] + (1 - beta) * (e[c] / s);
      }
      const next = new Float32Array(B * C);
      for (let i = 0; i < B; i++) {
        const a = indices[i] * C, b = indices[mixIndex ? mixIndex[i] : i] * C;
        for (let c = 0; c < C; c++) next[i * C + c] = mixupL * hist[a + c] + (1 - mixupL) * hist[b + c];
      }
      q = next;
    },
    loss(iteration, logits, yMixed) {
      if (!q || q.length !== logits.shape[0] * C) throw new Error('ELR+: call updateHist for this batch before loss');
      const qt = tf.tensor2d(q, [logits.shape[0], C]);
      const p = tf.clipByValue(tf.softmax(logits), PROB_CLAMP, 1 - PROB_CLAMP);
      let y: tf.Tensor2D = yMixed;
      if (C === 100) {
        const yq = tf.mul(yMixed, qt);
        y = tf.div(yq, tf.sum(yq, 1, true));
      }
      const ce = softCrossEntropy(logits, y);
      const reg = tf.mean(tf.log(tf.sub(1, tf.sum(tf.mul(qt, p), 1))));
      const weight = sigmoidRampup(iteration, coefStep);
      const [cv, rv] = tf.stack([ce, reg]).dataSync();
      Object.assign(last, { ce: cv, reg: rv, weight });
      return tf.add(ce, tf.mul(reg, weight * lambda)) as tf.Scalar;
    },
  };
}
