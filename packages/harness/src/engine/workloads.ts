/**
 * The engine suite's workloads, the same ones tools/peer-bench/engine.py runs in PyTorch:
 * - fp32 matmul, 512 and 1024 square;
 * - a ResNet basic-block training step: batch 64, 32x32x16, conv3x3-BN-ReLU-conv3x3-BN, identity
 *   skip, ReLU; batch norm in training mode (batch statistics); loss mean(out^2); SGD step;
 * - a transformer-layer training step: batch 32, sequence 64, width 128, 4 heads, FFN 512,
 *   pre-LayerNorm, ReLU in the FFN (the peer uses the same ops); loss mean(out^2); SGD step.
 * Each returns a function that runs one step and waits for the result, so a timer around it
 * measures the whole step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, sgd } from '@repro/core';

export type Workload = { run: () => void; dispose: () => void; variables: () => number };

function normal(shape: number[], std: number, rng: Rng, name?: string, trainable = false): tf.Variable | tf.Tensor {
  const t = tf.mul(tf.randomNormal(shape, 0, 1, 'float32', rng.tfSeed()), std);
  return name ? tf.variable(t, trainable, name) : t;
}

export function matmulWorkload(n: number, seed: number): Workload {
  const rng = new Rng(seed, `matmul-${n}`);
  const a = normal([n, n], 1, rng), b = normal([n, n], 1, rng);
  return {
    run: () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); },
    dispose: () => { a.dispose(); b.dispose(); },
    variables: () => 0,
  };
}

/** Runs loss -> gradients -> SGD update on `params` and blocks until the update is done. */
function stepper(params: tf.Variable[], loss: () => tf.Scalar): () => void {
  const opt = sgd({ momentum: 0.9 });
  return () => {
    const l = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, params);
      opt.step(params, params.map((p) => grads[p.name]), 0.01);
      return value;
    });
    l.dataSync();
    l.dispose();
    // Reading one updated parameter forces the whole step on async backends.
    params[0].dataSync();
  };
}

function batchNormTrain(x: tf.Tensor4D, gamma: tf.Variable, beta: tf.Variable): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5) as tf.Tensor4D;
}

let uid = 0;

export function resnetBlockWorkload(seed: number, batch = 64): Workload {
  const rng = new Rng(seed, 'resnet-block');
  const id = uid++;
  const c = 16;
  const x = normal([batch, 32, 32, c], 1, rng) as tf.Tensor4D;
  const v = (shape: number[], std: number, name: string) => normal(shape, std, rng, `${name}-${id}`, true) as tf.Variable;
  const k1 = v([3, 3, c, c], Math.sqrt(2 / (9 * c)), 'k1'), k2 = v([3, 3, c, c], Math.sqrt(2 / (9 * c)), 'k2');
  const g1 = tf.variable(tf.ones([c]), true, `g1-${id}`), b1 = tf.variable(tf.zeros([c]), true, `b1-${id}`);
  const g2 = tf.variable(tf.ones([c]), true, `g2-${id}`), b2 = tf.variable(tf.zeros([c]), true, `b2-${id}`);
  const params = [k1, g1, b1, k2, g2, b2];
  const run = stepper(params, () => {
    const h = tf.relu(batchNormTrain(tf.conv2d(x, k1 as tf.Tensor4D, 1, 'same'), g1, b1));
    const o = tf.relu(tf.add(batchNormTrain(tf.conv2d(h, k2 as tf.Tensor4D, 1, 'same'), g2, b2), x));
    return tf.mean(tf.square(o)) as tf.Scalar;
  });
  return { run, dispose: () => { x.dispose(); params.forEach((p) => p.dispose()); }, variables: () => params.length };
}

function layerNorm(x: tf.Tensor2D, g: tf.Variable, b: tf.Variable): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

export function transformerLayerWorkload(seed: number, o = { batch: 32, seq: 64, width: 128, heads: 4, ffn: 512 }): Workload {
  const rng = new Rng(seed, 'transformer-layer');
  const id = uid++;
  const { batch: B, seq: S, width: D, heads: H, ffn: F } = o;
  const dh = D / H;
  const x = normal([B * S, D], 1, rng) as tf.Tensor2D;
  const lin = (i: number, j: number, name: string) => normal([i, j], Math.sqrt(1 / i), rng, `${name}-${id}`, true) as tf.Variable;
  const zeros = (n: number, name: string) => tf.variable(tf.zeros([n]), true, `${name}-${id}`);
  const ones = (n: number, name: string) => tf.variable(tf.ones([n]), true, `${name}-${id}`);
  const p = {
    ln1g: ones(D, 'ln1g'), ln1b: zeros(D, 'ln1b'), wqkv: lin(D, 3 * D, 'wqkv'), bqkv: zeros(3 * D, 'bqkv'), wo: lin(D, D, 'wo'), bo: zeros(D, 'bo'),
    ln2g: ones(D, 'ln2g'), ln2b: zeros(D, 'ln2b'), w1: lin(D, F, 'w1'), b1: zeros(F, 'b1'), w2: lin(F, D, 'w2'), b2: zeros(D, 'b2'),
  };
  const params = Object.values(p);
  // Projections run as 2-D products over B*S rows: tfjs's matmul gradient rejects broadcast batch dims.
  const heads = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [B, S, H, dh]), [0, 2, 1, 3]);
  const run = stepper(params, () => {
    const h = layerNorm(x, p.ln1g, p.ln1b);
    const qkv = tf.add(tf.matMul(h, p.wqkv), p.bqkv);
    const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
    const att = tf.softmax(tf.mul(tf.matMul(heads(q), heads(k), false, true), 1 / Math.sqrt(dh)));
    const ctx = tf.reshape(tf.transpose(tf.matMul(att, heads(v)), [0, 2, 1, 3]), [B * S, D]) as tf.Tensor2D;
    const x1 = tf.add(x, tf.add(tf.matMul(ctx, p.wo), p.bo)) as tf.Tensor2D;
    const h2 = layerNorm(x1, p.ln2g, p.ln2b);
    const f = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h2, p.w1), p.b1)), p.w2), p.b2);
    return tf.mean(tf.square(tf.add(x1, f))) as tf.Scalar;
  });
  return { run, dispose: () => { x.dispose(); params.forEach((v) => v.dispose()); }, variables: () => params.length };
}

export const ENGINE_TASKS = ['matmul_512', 'matmul_1024', 'resnet_block_step', 'transformer_step'] as const;
export type EngineTask = (typeof ENGINE_TASKS)[number];

export function engineWorkload(task: EngineTask, seed: number): Workload {
  switch (task) {
    case 'matmul_512': return matmulWorkload(512, seed);
    case 'matmul_1024': return matmulWorkload(1024, seed);
    case 'resnet_block_step': return resnetBlockWorkload(seed);
    case 'transformer_step': return transformerLayerWorkload(seed);
  }
}
