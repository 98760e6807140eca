/**
 * A multilayer perceptron with PyTorch's nn.Linear defaults, shared by the suites that train one
 * (the noisy-labels and calibration suites use 64-512-512-10 on optdigits).
 * Init as torch.nn.Linear: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 * Weights are [in, out] so a batch multiplies as x @ W (a 2-D product, the fast wasm path).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

export interface Mlp {
  params: tf.Variable[];
  /** Logits for a [batch, in] input; ReLU between layers, none after the last. */
  forward(x: tf.Tensor2D): tf.Tensor2D;
  /** Copies every parameter value from another MLP of the same sizes. */
  copyFrom(other: Mlp): void;
  dispose(): void;
}

let uid = 0;

export function createMlp(sizes: number[], rng: Rng, name = 'mlp'): Mlp {
  if (sizes.length < 2 || sizes.some((s) => !(Number.isInteger(s) && s > 0))) throw new Error(`createMlp: sizes must be at least two positive integers, got ${JSON.stringify(sizes)}`);
  const id = uid++;
  const params: tf.Variable[] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const bound = 1 / Math.sqrt(fanIn);
    const uniform = (shape: number[]) => {
      const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < v.length; i++) v[i] = rng.uniform(-bound, bound);
      return tf.tensor(v, shape);
    };
    params.push(tf.variable(uniform([fanIn, fanOut]), true, `${name}${id}/w${l}`), tf.variable(uniform([fanOut]), true, `${name}${id}/b${l}`));
  }
  return {
    params,
    forward(x) {
      let h: tf.Tensor2D = x;
      for (let l = 0; l < params.length; l += 2) {
        h = tf.add(tf.matMul(h, params[l]), params[l + 1]);
        if (l + 2 < params.length) h = tf.relu(h);
      }
      return h;
    },
    copyFrom(other) {
      params.forEach((p, i) => p.assign(other.params[i]));
    },
    dispose() {
      params.forEach((p) => p.dispose());
    },
  };
}
