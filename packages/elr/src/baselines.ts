/**
 * Baseline losses for the noisy-labels benchmark.
 * - GCE (Zhang & Sabuncu, 2018): mean (1 - p_y^q) / q, q = 0.7.
 * - SCE (Wang et al., 2019): alpha * CE + beta * RCE with RCE = -sum_k p_k log y_k, where log 0 is
 *   the constant A (the paper's A = -4), so RCE = -A * sum over k != y of p_k, with p clamped to
 *   [1e-7, 1] as in the SCE reference. Defaults alpha 0.1, beta 1.0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { softCrossEntropy } from '@repro/core';

export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => softCrossEntropy(logits, tf.oneHot(labels, logits.shape[1]) as tf.Tensor2D));
}

/** Probability of each row's label. */
function labelProb(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(tf.softmax(logits), tf.oneHot(labels, logits.shape[1])), 1) as tf.Tensor1D;
}

export function gce(logits: tf.Tensor2D, labels: tf.Tensor1D, q = 0.7): tf.Scalar {
  if (!(q > 0 && q <= 1)) throw new Error(`GCE: q must be in (0, 1], got ${q}`);
  return tf.tidy(() => tf.mean(tf.div(tf.sub(1, tf.pow(labelProb(logits, labels), q)), q)) as tf.Scalar);
}

export function sce(logits: tf.Tensor2D, labels: tf.Tensor1D, o: { alpha?: number; beta?: number; A?: number } = {}): tf.Scalar {
  const { alpha = 0.1, beta = 1.0, A = -4 } = o;
  return tf.tidy(() => {
    const p = tf.clipByValue(tf.softmax(logits), 1e-7, 1);
    const others = tf.sum(tf.mul(p, tf.sub(1, tf.oneHot(labels, logits.shape[1]))), 1);
    const rce = tf.mean(tf.mul(others, -A));
    return tf.add(tf.mul(crossEntropy(logits, labels), alpha), tf.mul(rce, beta)) as tf.Scalar;
  });
}
