/**
 * Cost of one ELR training step against one cross-entropy step on the same batch: MLP
 * 64-512-512-10, batch 128, SGD with momentum, on the selected backend (ELR's extra work is the
 * clamped softmax, the host-side target update and the regulariser).
 * `node dist/bench/step.bench.js` measures in three fresh processes; the elr-step-cost suite records it.
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { benchMain, createMlp, initBackend, Rng, sgd, type BenchDefinition, type Mlp } from '@repro/core';
import { createElrLoss } from '../elr-loss.js';
import { crossEntropy } from '../baselines.js';

const N = 3823, B = 128, C = 10;

function stepper(net: Mlp, loss: (logits: tf.Tensor2D, idx: Int32Array, labels: Int32Array) => tf.Scalar, x: tf.Tensor2D, idx: Int32Array, labels: Int32Array) {
  const opt = sgd({ momentum: 0.9, weightDecay: 1e-4 });
  return () => {
    const l = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(net.forward(x), idx, labels), net.params);
      opt.step(net.params, net.params.map((p) => grads[p.name]), 0.02);
      return value;
    });
    l.dataSync();
    l.dispose();
  };
}

const state: { ce?: () => void; elr?: () => void } = {};

export const elrStepBench: BenchDefinition = {
  name: 'elr-step',
  setup: async () => {
    await initBackend();
    const rng = new Rng(1, 'elr-step-bench');
    const x = tf.randomNormal([B, 64], 0, 1, 'float32', rng.tfSeed()) as tf.Tensor2D;
    const idx = Int32Array.from({ length: B }, () => rng.int(N));
    const labels = Int32Array.from({ length: B }, () => rng.int(C));
    const y = tf.tensor1d(labels, 'int32');
    const elr = createElrLoss({ numExamples: N, numClasses: C, beta: 0.7, lambda: 3 });
    state.ce = stepper(createMlp([64, 512, 512, C], rng.stream('a')), (z) => crossEntropy(z, y), x, idx, labels);
    state.elr = stepper(createMlp([64, 512, 512, C], rng.stream('b')), (z, i, l) => elr.loss(i, z, l), x, idx, labels);
  },
  tasks: { ce_step: () => state.ce!(), elr_step: () => state.elr!() },
  pairs: [['elr_step', 'ce_step']],
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchMain(process.argv[1], elrStepBench);
