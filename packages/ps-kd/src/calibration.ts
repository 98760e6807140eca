/**
 * The calibration-optdigits benchmark: an MLP (64-512-512-10, the noisy-labels suite's) trained on a
 * seeded, stratified 1,000-example subset of optdigits, where plain cross-entropy ends
 * overconfident; arms `ce`, `label-smoothing` and `ps-kd`; evaluated on the full clean test set.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  aurc, batches, cosine, stepLr, createMlp, symmetricNoise, standardizeColumns, softCrossEntropy, lineProgress, ece, loadOptdigits, nll, reliabilityBins, Rng, sgd, stratifiedSplit, takeRows, topK, train,
  type DigitsSplit, type ReliabilityBin, type Scores,
} from '@repro/core';
import { createPskd } from './pskd.js';
import { smoothedTargets } from './losses.js';

export type CalibrationArm = 'ce' | 'label-smoothing' | 'ps-kd';

export interface CalibrationConfig {
  trainSize: number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  labelSmoothing: number;
  alphaT: number;
  /** Share of training labels redrawn uniformly over all classes (ELR's symmetric rule); 0 for clean labels. */
  symmetricNoise: number;
  /** Step decay (x0.1) at these epochs instead of the cosine schedule, as the paper's CIFAR runs. */
  milestones?: number[];
}

export const CALIBRATION_DEFAULTS: CalibrationConfig = {
  trainSize: 1000, hidden: [512, 512], epochs: 200, batchSize: 128, lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0,
  labelSmoothing: 0.1, alphaT: 0.8, symmetricNoise: 0,
};

export interface CalibrationResult {
  metrics: { top1_error: number; top5_error: number; nll: number; ece: number; aurc: number; eaurc: number; train_loss: number };
  bins: ReliabilityBin[];
}

export async function runCalibration(arm: CalibrationArm, seed: number, cfg: CalibrationConfig,
  opts: { data?: { train: DigitsSplit; test: DigitsSplit }; log?: (line: string) => void } = {}): Promise<CalibrationResult> {
  const data = opts.data ?? await loadOptdigits();
  const rng = new Rng(seed, 'calibration-optdigits');
  const subset = cfg.trainSize >= data.train.n ? Int32Array.from({ length: data.train.n }, (_, i) => i)
    : stratifiedSplit(data.train.y, cfg.trainSize / data.train.n, rng.stream('subset'))[1];
  const xTrain = takeRows(data.train.x, 64, subset);
  const clean = Int32Array.from(subset, (i) => data.train.y[i]);
  const yTrain = cfg.symmetricNoise > 0 ? symmetricNoise(clean, cfg.symmetricNoise, 10, rng.stream('noise')).labels : clean;
  const xTest = Float32Array.from(data.test.x);
  standardizeColumns(xTrain, [xTest], 64);

  const net = createMlp([64, ...cfg.hidden, 10], rng.stream('init'));
  const X = tf.tensor2d(xTrain, [yTrain.length, 64]);
  const Y = tf.tensor1d(yTrain, 'int32');
  const pskd = arm === 'ps-kd' ? createPskd({ numExamples: yTrain.length, numClasses: 10, alphaT: cfg.alphaT, endEpoch: cfg.epochs }) : null;
  const order = rng.stream('order');
  const pending: { idx: Int32Array; logits: tf.Tensor2D }[] = [];

  const log = await train({
    params: net.params,
    optimizer: sgd({ momentum: cfg.momentum, nesterov: cfg.nesterov, weightDecay: cfg.weightDecay }),
    schedule: cfg.milestones ? stepLr(cfg.lr, cfg.milestones, 0.1) : cosine(cfg.lr, cfg.epochs),
    epochs: cfg.epochs,
    label: `calibration ${arm} seed ${seed}`,
    progress: opts.log ? lineProgress(opts.log) : false,
    batches: () => [...batches(yTrain.length, cfg.batchSize, { rng: order })].map((b) => Int32Array.from(b)),
    loss: (idx, ctx) => {
      const i = tf.tensor1d(idx, 'int32');
      const logits = net.forward(tf.gather(X, i));
      const labels = tf.gather(Y, i) as tf.Tensor1D;
      if (arm === 'ce') return softCrossEntropy(logits, tf.oneHot(labels, 10) as tf.Tensor2D);
      if (arm === 'label-smoothing') return softCrossEntropy(logits, smoothedTargets(labels, 10, cfg.labelSmoothing));
      const soft = pskd!.targets(ctx.epoch, idx, Array.from(idx, (k) => yTrain[k]));
      // Keep the forward pass's logits to store after the optimizer step, as the reference does.
      pending.push({ idx, logits: tf.keep(tf.clone(logits)) });
      return pskd!.loss(logits, soft);
    },
    afterStep: () => {
      for (const p of pending.splice(0)) { pskd!.record(p.idx, p.logits); p.logits.dispose(); }
    },
  });
  X.dispose();
  Y.dispose();

  const probsT = tf.tidy(() => tf.softmax(net.forward(tf.tensor2d(xTest, [data.test.n, 64]))));
  const probs: Scores = { values: probsT.dataSync().slice(), numClasses: 10 };
  probsT.dispose();
  net.dispose();
  const y = data.test.y;
  const a = aurc(probs, y);
  return {
    metrics: {
      top1_error: 100 * (1 - topK(probs, y, 1)), top5_error: 100 * (1 - topK(probs, y, 5)), nll: nll(probs, y), ece: ece(probs, y),
      aurc: a.aurc, eaurc: a.eaurc, train_loss: log[log.length - 1].loss,
    },
    bins: reliabilityBins(probs, y),
  };
}
