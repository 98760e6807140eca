/**
 * The label-smoothing targets the baseline uses. The soft-target cross-entropy is core's
 * softCrossEntropy: the reference's `(-targets * log_probs).mean(0).sum()` is the same quantity.
 */
import * as tf from '@tensorflow/tfjs-core';

/** PyTorch's label_smoothing=eps targets: (1 - eps) * onehot + eps / C. */
export function smoothedTargets(labels: tf.Tensor1D, numClasses: number, eps: number): tf.Tensor2D {
  if (!(eps >= 0 && eps < 1)) throw new Error(`label smoothing must be in [0, 1), got ${eps}`);
  return tf.tidy(() => tf.add(tf.mul(tf.oneHot(labels, numClasses), 1 - eps), eps / numClasses) as tf.Tensor2D);
}
