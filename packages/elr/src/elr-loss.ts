/**
 * ELR (Liu et al., NeurIPS 2020), as shengliu66/ELR ELR/model/loss.py computes it.
 *
 * Per batch, with p = clamp(softmax(z), 1e-4, 1 - 1e-4) (clamped entries get no gradient):
 *   1. the batch's targets are updated first, from p with no gradient:
 *        t_i <- beta * t_i + (1 - beta) * p_i / sum(p_i)
 *   2. loss = CE(z, y) + lambda * mean_i log(1 - <t_i, p_i>), t carrying no gradient.
 * Targets start at zero. An example is flagged as mislabelled when argmax(t_i) != y_i.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from './baselines.js';

export interface ElrOptions { numExamples: number; numClasses: number; beta: number; lambda: number }

export interface ElrLoss {
  readonly options: ElrOptions;
  /** The N x C target matrix, row-major. */
  readonly targets: Float32Array;
  /** Updates the batch's targets, then returns CE + lambda * reg as a scalar with gradient to `logits`. */
  loss(indices: ArrayLike<number>, logits: tf.Tensor2D, labels: ArrayLike<number>): tf.Scalar;
  /** The last batch's CE and regulariser values (for logging and tests). */
  readonly last: { ce: number; reg: number };
  /** 1 where argmax(targets) differs from the given label. */
  mislabelFlags(labels: ArrayLike<number>): Uint8Array;
}

export const PROB_CLAMP = 1e-4;

export function createElrLoss(options: ElrOptions): ElrLoss {
  const { numExamples: N, numClasses: C, beta, lambda } = options;
  if (!(N > 0 && C > 1)) throw new Error(`createElrLoss: needs numExamples > 0 and numClasses > 1, got ${N} and ${C}`);
  if (!(beta >= 0 && beta < 1)) throw new Error(`createElrLoss: beta must be in [0, 1), got ${beta}`);
  const targets = new Float32Array(N * C);
  const last = { ce: NaN, reg: NaN };
  return {
    options,
    targets,
    last,
    loss(indices, logits, labels) {
      if (indices.length !== logits.shape[0] || labels.length !== logits.shape[0]) {
        throw new Error(`ELR: ${indices.length} indices and ${labels.length} labels for ${logits.shape[0]} rows`);
      }
      const p = tf.clipByValue(tf.softmax(logits), PROB_CLAMP, 1 - PROB_CLAMP);
      const pv = tf.tidy(() => tf.div(p, tf.sum(p, 1, true))).dataSync();
      const batchT = new Float32Array(indices.length * C);
      for (let i = 0; i < indices.length; i++) {
        const r = indices[i];
        if (!(r >= 0 && r < N)) throw new Error(`ELR: example index ${r} outside [0, ${N})`);
        for (let c = 0; c < C; c++) {
          const v = beta * targets[r * C + c] + (1 - beta) * pv[i * C + c];
          targets[r * C + c] = v;
          batchT[i * C + c] = v;
        }
      }
      const ce = crossEntropy(logits, tf.tensor1d(Int32Array.from(labels), 'int32'));
      const reg = tf.mean(tf.log(tf.sub(1, tf.sum(tf.mul(tf.tensor2d(batchT, [indices.length, C]), p), 1))));
      const [cv, rv] = tf.stack([ce, reg]).dataSync();
      last.ce = cv;
      last.reg = rv;
      return tf.add(ce, tf.mul(reg, lambda)) as tf.Scalar;
    },
    mislabelFlags(labels) {
      if (labels.length !== N) throw new Error(`ELR: ${labels.length} labels for ${N} examples`);
      return argmaxDiffers(targets, labels, C);
    },
  };
}

/** 1 where the row's argmax (first on ties) differs from the label. */
export function argmaxDiffers(matrix: ArrayLike<number>, labels: ArrayLike<number>, C: number): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (matrix[i * C + c] > matrix[i * C + best]) best = c;
    out[i] = best !== labels[i] ? 1 : 0;
  }
  return out;
}
