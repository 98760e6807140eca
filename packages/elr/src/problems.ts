/**
 * The data and model each noisy-labels setting trains: optdigits with the MLP (the quick benchmark)
 * and CIFAR-10 with ResNet-34 (the paper's setting, the full profile).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  CIFAR10_ASYMMETRIC, cosine, cosineWarmRestarts, createCifarResNet, createMlp, DIGITS_ASYMMETRIC, standardizeColumns,
  type DigitsSplit, type ImageSplit, type Rng, type Schedule,
} from '@repro/core';
import type { NoisyConfig } from './noisy-labels.js';

/** A network as the training loops see it; `training` selects batch statistics where there are any. */
export interface Net {
  params: tf.Variable[];
  /** Non-trained state (batch-norm running statistics); empty for the MLP. */
  buffers: tf.Variable[];
  forward(x: tf.Tensor, training: boolean): tf.Tensor2D;
  dispose(): void;
}

/** Makes `dst` compute what `src` computes (parameters and buffers). */
export function copyNet(dst: Net, src: Net): void {
  dst.params.forEach((p, i) => p.assign(src.params[i]));
  dst.buffers.forEach((b, i) => b.assign(src.buffers[i]));
}

export interface NoisyProblem {
  numClasses: number;
  /** Clean training labels (noise is drawn from them). */
  trainLabels: Int32Array;
  testLabels: Int32Array;
  asymmetricMap: Readonly<Record<number, number>>;
  /** The inputs of a training batch (`idx` also as an int32 tensor), augmented where the setting augments. */
  trainBatch(idx: Int32Array, idxTensor: tf.Tensor1D): tf.Tensor;
  /** Evaluation-mode logits of the mean of `nets` over every training or test row. */
  logits(nets: Net[], split: 'train' | 'test'): Float32Array;
  makeNet(rng: Rng, name?: string): Net;
  schedule: Schedule;
  dispose(): void;
}

function read(t: tf.Tensor): Float32Array {
  const v = Float32Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** optdigits, pixels standardised on the training set, MLP 64-hidden-10, cosine schedule. */
export function digitsProblem(data: { train: DigitsSplit; test: DigitsSplit }, cfg: NoisyConfig): NoisyProblem {
  const xTrain = Float32Array.from(data.train.x), xTest = Float32Array.from(data.test.x);
  standardizeColumns(xTrain, [xTest], 64);
  const X = tf.tensor2d(xTrain, [data.train.n, 64]), Xt = tf.tensor2d(xTest, [data.test.n, 64]);
  const sizes = [64, ...cfg.hidden, 10];
  return {
    numClasses: 10,
    trainLabels: data.train.y,
    testLabels: data.test.y,
    asymmetricMap: DIGITS_ASYMMETRIC,
    trainBatch: (_idx, i) => tf.gather(X, i),
    logits: (nets, split) => read(tf.tidy(() => {
      const x = split === 'train' ? X : Xt;
      return tf.div(tf.addN(nets.map((n) => n.forward(x, false))), nets.length);
    })),
    makeNet: (rng, name) => {
      const m = createMlp(sizes, rng, name);
      return { params: m.params, buffers: [], forward: (x) => m.forward(x as tf.Tensor2D), dispose: () => m.dispose() };
    },
    schedule: cosine(cfg.lr, cfg.epochs),
    dispose: () => { X.dispose(); Xt.dispose(); },
  };
}

/** torchvision's CIFAR-10 normalisation, as the ELR reference's loader applies it. */
export const CIFAR10_MEAN = [0.4914, 0.4822, 0.4465];
export const CIFAR10_STD = [0.2023, 0.1994, 0.2010];

/** Normalises NHWC images in [0, 1] in place with per-channel mean and std. */
export function normalizeImages(x: Float32Array, mean: number[], std: number[]): void {
  const c = mean.length;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean[i % c]) / std[i % c];
}

/**
 * The reference's training augmentation on normalised images: RandomCrop(32, padding 4) with the
 * padding black before normalisation, then a horizontal flip with probability 1/2.
 */
export function cropFlip(src: Float32Array, idx: ArrayLike<number>, rng: Rng, size = 32, pad = 4, mean = CIFAR10_MEAN, std = CIFAR10_STD): Float32Array {
  const C = mean.length, row = size * C, img = size * row;
  const fill = mean.map((m, c) => (0 - m) / std[c]);
  const out = new Float32Array(idx.length * img);
  for (let b = 0; b < idx.length; b++) {
    const dy = rng.int(2 * pad + 1) - pad, dx = rng.int(2 * pad + 1) - pad, flip = rng.float() < 0.5;
    const base = idx[b] * img, o = b * img;
    for (let y = 0; y < size; y++) {
      const sy = y + dy;
      for (let x = 0; x < size; x++) {
        const sx = (flip ? size - 1 - x : x) + dx;
        const inside = sy >= 0 && sy < size && sx >= 0 && sx < size;
        for (let c = 0; c < C; c++) out[o + y * row + x * C + c] = inside ? src[base + sy * row + sx * C + c] : fill[c];
      }
    }
  }
  return out;
}

/** CIFAR-10 with ResNet-34 and SGDR, the paper's setting. */
export function cifar10Problem(data: { train: ImageSplit; test: ImageSplit }, cfg: NoisyConfig, augmentRng: Rng): NoisyProblem {
  const xTrain = Float32Array.from(data.train.x), xTest = Float32Array.from(data.test.x);
  normalizeImages(xTrain, CIFAR10_MEAN, CIFAR10_STD);
  normalizeImages(xTest, CIFAR10_MEAN, CIFAR10_STD);
  const evalChunk = 500;
  return {
    numClasses: 10,
    trainLabels: data.train.y,
    testLabels: data.test.y,
    asymmetricMap: CIFAR10_ASYMMETRIC,
    trainBatch: (idx) => tf.tensor4d(cropFlip(xTrain, idx, augmentRng), [idx.length, 32, 32, 3]),
    logits: (nets, split) => {
      const x = split === 'train' ? xTrain : xTest, n = x.length / 3072;
      const out = new Float32Array(n * 10);
      for (let at = 0; at < n; at += evalChunk) {
        const k = Math.min(evalChunk, n - at);
        out.set(read(tf.tidy(() => {
          const batch = tf.tensor4d(x.subarray(at * 3072, (at + k) * 3072), [k, 32, 32, 3]);
          return tf.div(tf.addN(nets.map((m) => m.forward(batch, false))), nets.length);
        })), at * 10);
      }
      return out;
    },
    makeNet: (rng, name) => {
      const m = createCifarResNet([3, 4, 6, 3], 10, rng, name);
      return { params: m.params, buffers: m.buffers, forward: (x, training) => m.forward(x as tf.Tensor4D, training), dispose: () => m.dispose() };
    },
    schedule: cosineWarmRestarts(cfg.lr, cfg.restartEpochs ?? 10, 1, cfg.minLr ?? 0.001),
    dispose: () => {},
  };
}
