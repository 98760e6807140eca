/**
 * Progressive self-knowledge distillation (Kim et al., ICCV 2021), as lgcnsai/PS-KD-Pytorch
 * main.py computes it.
 *
 * A store holds one probability vector per training example. In epoch 0 the batch's rows are
 * set to the one-hot labels before use, so epoch-0 targets are exactly one-hot. The targets are
 *   soft = (1 - alpha_t) * onehot + alpha_t * stored[idx]
 * and the loss is softCrossEntropy(logits, soft). After the optimizer step, stored[idx] takes the
 * softmax of that same forward pass (training mode, pre-step weights): there is no extra teacher
 * pass. `record` is what does that; call it with the logits the loss used.
 */
import * as tf from '@tensorflow/tfjs-core';
import { softCrossEntropy } from '@repro/core';
import { alphaAt } from './schedule.js';

export interface PskdOptions { numExamples: number; numClasses: number; alphaT: number; endEpoch: number }

export interface Pskd {
  readonly options: PskdOptions;
  /** The N x C prediction store (row-major). */
  readonly store: Float32Array;
  alpha(epoch: number): number;
  /** Soft targets for a batch; in epoch 0 also seeds the batch's store rows with one-hot labels. */
  targets(epoch: number, indices: ArrayLike<number>, labels: ArrayLike<number>): tf.Tensor2D;
  loss(logits: tf.Tensor2D, soft: tf.Tensor2D): tf.Scalar;
  /** Stores softmax(logits) for the batch's examples (no gradient). */
  record(indices: ArrayLike<number>, logits: tf.Tensor2D): void;
}

/**
 * (1 - alpha) * onehot(labels) + alpha * prev, for n rows of C columns (prev row-major). The
 * formula alone, without the epoch-0 seeding the store applies.
 */
export function mixTargets(alpha: number, prev: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): Float32Array {
  const C = numClasses, out = new Float32Array(labels.length * C);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < C)) throw new Error(`PS-KD: label ${y} outside [0, ${C})`);
    for (let c = 0; c < C; c++) out[i * C + c] = alpha * prev[i * C + c] + (c === y ? 1 - alpha : 0);
  }
  return out;
}

export function createPskd(options: PskdOptions): Pskd {
  const { numExamples: N, numClasses: C } = options;
  if (!(N > 0 && C > 1)) throw new Error(`createPskd: needs numExamples > 0 and numClasses > 1, got ${N} and ${C}`);
  const store = new Float32Array(N * C);
  const check = (indices: ArrayLike<number>) => {
    for (let i = 0; i < indices.length; i++) {
      if (!(indices[i] >= 0 && indices[i] < N)) throw new Error(`PS-KD: example index ${indices[i]} outside [0, ${N})`);
    }
  };
  return {
    options,
    store,
    alpha: (epoch) => alphaAt(epoch, options),
    targets(epoch, indices, labels) {
      check(indices);
      const prev = new Float32Array(indices.length * C);
      for (let i = 0; i < indices.length; i++) {
        const row = indices[i] * C;
        if (epoch === 0) { store.fill(0, row, row + C); store[row + labels[i]] = 1; }
        prev.set(store.subarray(row, row + C), i * C);
      }
      return tf.tensor2d(mixTargets(alphaAt(epoch, options), prev, labels, C), [indices.length, C]);
    },
    loss: softCrossEntropy,
    record(indices, logits) {
      check(indices);
      const p = tf.tidy(() => tf.softmax(logits));
      const v = p.dataSync();
      p.dispose();
      for (let i = 0; i < indices.length; i++) store.set(v.subarray(i * C, (i + 1) * C), indices[i] * C);
    },
  };
}
