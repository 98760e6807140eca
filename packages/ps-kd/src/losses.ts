/** Cross-entropy against soft targets, and the label-smoothing targets the baseline uses. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * mean over the batch of -sum_c soft[c] * log_softmax(logits)[c], i.e. the reference's
 * `(-targets * log_probs).mean(0).sum()`.
 */
export function softCrossEntropy(logits: tf.Tensor2D, soft: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(soft, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/** PyTorch's label_smoothing=eps targets: (1 - eps) * onehot + eps / C. */
export function smoothedTargets(labels: tf.Tensor1D, numClasses: number, eps: number): tf.Tensor2D {
  if (!(eps >= 0 && eps < 1)) throw new Error(`label smoothing must be in [0, 1), got ${eps}`);
  return tf.tidy(() => tf.add(tf.mul(tf.oneHot(labels, numClasses), 1 - eps), eps / numClasses) as tf.Tensor2D);
}
