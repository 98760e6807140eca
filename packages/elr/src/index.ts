// @repro/elr: Early-Learning Regularization (ELR, ELR+) and the noisy-labels benchmark.
export { createElrLoss, argmaxDiffers, PROB_CLAMP, type ElrLoss, type ElrOptions } from './elr-loss.js';
export { createElrPlusLoss, sigmoidRampup, type ElrPlusLoss, type ElrPlusOptions } from './elr-plus-loss.js';
export { crossEntropy, gce, sce } from './baselines.js';
export { runNoisyLabels, NOISY_ARMS, NOISY_DEFAULTS, type NoisyArm, type NoisyConfig, type NoisyMetrics } from './noisy-labels.js';
/** The ELR-vs-CE step microbenchmark's entry script (run with node). */
export const ELR_STEP_BENCH_SCRIPT = new URL('./bench/step.bench.js', import.meta.url);
