/**
 * The noisy-labels-optdigits benchmark: optdigits' training set (3,823) with noisy labels, its clean
 * test set (1,797), pixels standardised on the training set, an MLP 64-512-512-10 (PyTorch Linear
 * init), SGD lr 0.02, momentum 0.9, weight decay 1e-4, cosine schedule, batch 128.
 * Arms: ce, gce, sce, elr (one network) and elr-plus (two networks, EMA copies, mixup).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  asymmetricNoise, batches, lineProgress, loadCifar10, loadOptdigits, Rng, sgd, symmetricNoise, train, type DigitsSplit, type Optimizer,
} from '@repro/core';
import { cifar10Problem, copyNet, digitsProblem, type Net } from './problems.js';
import { argmaxDiffers, createElrLoss } from './elr-loss.js';
import { createElrPlusLoss, sigmoidRampup } from './elr-plus-loss.js';
import { crossEntropy, gce, sce } from './baselines.js';

export type NoisyArm = 'ce' | 'gce' | 'sce' | 'elr' | 'elr-plus';
export const NOISY_ARMS: NoisyArm[] = ['ce', 'gce', 'sce', 'elr', 'elr-plus'];

export interface NoisyConfig {
  noise: 'symmetric' | 'asymmetric';
  rate: number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** ELR and ELR+ target momentum and regulariser weight. */
  beta: number;
  lambda: number;
  gceQ: number;
  sceAlpha: number;
  sceBeta: number;
  sceA: number;
  /** CIFAR-10 (full profile): SGDR restart period and floor, as the reference's CosineAnnealingWarmRestarts. */
  restartEpochs?: number;
  minLr?: number;
  /** ELR+: EMA rate, the steps its sigmoid ramp-up takes, mixup's Beta(a, a), the regulariser's ramp-up steps. */
  emaAlpha: number;
  emaStep: number;
  mixupAlpha: number;
  coefStep: number;
}

export const NOISY_DEFAULTS: NoisyConfig = {
  noise: 'symmetric', rate: 0.4, hidden: [512, 512], epochs: 60, batchSize: 128, lr: 0.02, momentum: 0.9, weightDecay: 1e-4,
  beta: 0.7, lambda: 3, gceQ: 0.7, sceAlpha: 0.1, sceBeta: 1, sceA: -4, emaAlpha: 0.997, emaStep: 900, mixupAlpha: 1, coefStep: 0,
};

export interface NoisyMetrics {
  final_test_acc: number;
  best_test_acc: number;
  /** Share (%) of the wrongly labelled training examples whose noisy label the final model predicts. */
  memorized: number;
  /** Share (%) of training labels that the noise changed. */
  noise_rate: number;
  flag_precision: number | null;
  flag_recall: number | null;
}

/** Percent of rows whose argmax equals `labels`, over the rows where `mask` is 1 (all rows without a mask). */
function agreement(logits: Float32Array, labels: ArrayLike<number>, C: number, mask?: Uint8Array): number {
  const differs = argmaxDiffers(logits, labels, C);
  let n = 0, same = 0;
  for (let i = 0; i < labels.length; i++) if (!mask || mask[i]) { n++; same += 1 - differs[i]; }
  return n ? (100 * same) / n : NaN;
}

export async function runNoisyLabels(arm: NoisyArm, seed: number, cfg: NoisyConfig,
  opts: { dataset?: 'optdigits' | 'cifar-10'; data?: { train: DigitsSplit; test: DigitsSplit }; log?: (line: string) => void } = {}): Promise<NoisyMetrics> {
  if (!NOISY_ARMS.includes(arm)) throw new Error(`unknown noisy-labels arm '${arm}'; arms: ${NOISY_ARMS.join(', ')}`);
  const dataset = opts.dataset ?? 'optdigits';
  const rng = new Rng(seed, dataset === 'optdigits' ? 'noisy-labels-optdigits' : `noisy-labels-${dataset}`);
  const problem = dataset === 'optdigits' ? digitsProblem(opts.data ?? await loadOptdigits(), cfg)
    : dataset === 'cifar-10' ? cifar10Problem(await loadCifar10(), cfg, rng.stream('augment'))
    : (() => { throw new Error(`noisy-labels: no problem defined for dataset '${String(dataset)}'`); })();
  const C = problem.numClasses, N = problem.trainLabels.length;
  const noisy = cfg.noise === 'symmetric'
    ? symmetricNoise(problem.trainLabels, cfg.rate, C, rng.stream('noise'))
    : asymmetricNoise(problem.trainLabels, cfg.rate, problem.asymmetricMap, rng.stream('noise'));
  const Y = tf.tensor1d(noisy.labels, 'int32');
  const order = rng.stream('order');
  const schedule = problem.schedule;
  const testAcc: number[] = [];
  const progress = opts.log ? lineProgress(opts.log) : false as const;
  const batchList = () => [...batches(N, cfg.batchSize, { rng: order })].map((b) => Int32Array.from(b));
  const testAccuracy = (nets: Net[]) => agreement(problem.logits(nets, 'test'), problem.testLabels, C);

  let nets: Net[];
  let targets: { matrix: Float32Array } | null = null;
  if (arm !== 'elr-plus') {
    const net = problem.makeNet(rng.stream('init'));
    nets = [net];
    const elr = arm === 'elr' ? createElrLoss({ numExamples: N, numClasses: C, beta: cfg.beta, lambda: cfg.lambda }) : null;
    await train({
      params: net.params, optimizer: sgd({ momentum: cfg.momentum, weightDecay: cfg.weightDecay }), schedule, epochs: cfg.epochs,
      label: `noisy-labels ${arm} seed ${seed}`, progress, batches: batchList,
      loss: (idx) => {
        const i = tf.tensor1d(idx, 'int32');
        const logits = net.forward(problem.trainBatch(idx, i), true);
        const y = tf.gather(Y, i) as tf.Tensor1D;
        switch (arm) {
          case 'ce': return crossEntropy(logits, y);
          case 'gce': return gce(logits, y, cfg.gceQ);
          case 'sce': return sce(logits, y, { alpha: cfg.sceAlpha, beta: cfg.sceBeta, A: cfg.sceA });
          default: return elr!.loss(idx, logits, Array.from(idx, (k) => noisy.labels[k]));
        }
      },
      onEpochEnd: () => {
        testAcc.push(testAccuracy(nets));
        return { test_acc: testAcc[testAcc.length - 1] };
      },
    });
    if (elr) targets = { matrix: elr.targets };
  } else {
    nets = await trainElrPlus();
  }

  async function trainElrPlus(): Promise<Net[]> {
    const pair = [0, 1].map((k) => {
      const net = problem.makeNet(rng.stream(`init-${k}`));
      const ema = problem.makeNet(rng.stream(`init-${k}`), 'ema');
      copyNet(ema, net);
      return { net, ema, opt: sgd({ momentum: cfg.momentum, weightDecay: cfg.weightDecay }) as Optimizer, step: 0,
        crit: createElrPlusLoss({ numExamples: N, numClasses: C, beta: cfg.beta, lambda: cfg.lambda, coefStep: cfg.coefStep }) };
    });
    const mix = rng.stream('mixup');
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      // As the reference's trainer: network 1 trains an epoch against network 2's averaged copy, then the reverse.
      for (const [k, other] of [[0, 1], [1, 0]]) {
        const me = pair[k], teacher = pair[other].ema;
        await train({
          params: me.net.params, optimizer: me.opt, schedule: () => schedule(epoch), epochs: 1, progress: false, batches: batchList,
          loss: (idx) => {
            const B = idx.length;
            const i = tf.tensor1d(idx, 'int32');
            const x = problem.trainBatch(idx, i);
            const y = tf.oneHot(tf.gather(Y, i) as tf.Tensor1D, C) as tf.Tensor2D;
            const l0 = cfg.mixupAlpha > 0 ? mix.beta(cfg.mixupAlpha, cfg.mixupAlpha) : 1;
            const l = Math.max(l0, 1 - l0);
            const perm = mix.permutation(B);
            const p = tf.tensor1d(perm, 'int32');
            const xm = tf.add(tf.mul(x, l), tf.mul(tf.gather(x, p), 1 - l));
            const ym = tf.add(tf.mul(y, l), tf.mul(tf.gather(y, p), 1 - l)) as tf.Tensor2D;
            me.crit.updateHist(idx, teacher.forward(x, true).dataSync(), perm, l);
            return me.crit.loss(me.step + 1, me.net.forward(xm, true), ym);
          },
          afterStep: () => {
            me.step++;
            const a = sigmoidRampup(me.step, cfg.emaStep) * cfg.emaAlpha;
            me.ema.params.forEach((e, j) => e.assign(tf.add(tf.mul(e, a), tf.mul(me.net.params[j], 1 - a))));
          },
        });
      }
      const both = [pair[0].net, pair[1].net];
      testAcc.push(testAccuracy(both));
      opts.log?.(`epoch ${epoch + 1}/${cfg.epochs} test_acc ${testAcc[testAcc.length - 1].toFixed(2)}`);
    }
    const hist = new Float32Array(N * C).map((_, j) => (pair[0].crit.hist[j] + pair[1].crit.hist[j]) / 2);
    targets = { matrix: hist };
    pair.forEach((p) => { p.ema.dispose(); p.opt.dispose(); });
    return [pair[0].net, pair[1].net];
  }

  const trainLogits = problem.logits(nets, 'train');
  Y.dispose();
  problem.dispose();
  nets.forEach((n) => n.dispose());

  let flagPrecision: number | null = null, flagRecall: number | null = null;
  if (targets) {
    const flags = argmaxDiffers((targets as { matrix: Float32Array }).matrix, noisy.labels, C);
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < N; i++) {
      if (flags[i] && noisy.flipped[i]) tp++;
      else if (flags[i]) fp++;
      else if (noisy.flipped[i]) fn++;
    }
    flagPrecision = tp + fp ? (100 * tp) / (tp + fp) : null;
    flagRecall = tp + fn ? (100 * tp) / (tp + fn) : null;
  }
  return {
    final_test_acc: testAcc[testAcc.length - 1],
    best_test_acc: Math.max(...testAcc),
    memorized: agreement(trainLogits, noisy.labels, C, noisy.flipped),
    noise_rate: 100 * noisy.rate,
    flag_precision: flagPrecision,
    flag_recall: flagRecall,
  };
}
