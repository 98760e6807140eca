/** Losses more than one paper package trains with. */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Cross-entropy against soft (or one-hot) targets: the mean over the batch of
 * -sum_c target[c] * log_softmax(logits)[c], i.e. PyTorch's `(-targets * log_probs).sum(1).mean()`.
 */
export function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}
