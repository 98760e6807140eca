// @repro/tjepa: T-JEPA self-supervised pretraining for tabular data, and the tabular-ssl benchmark.
export { encoderPositionalEncoding, predictorPositionalEncoding } from './pe.js';
export { pyRound, maskBounds, sampleSize, sampleMasks, type MaskShares, type MaskBounds, type MaskIndexing, type BatchMasks } from './masks.js';
export { emaMomentum, emaUpdate, warmupCosine, cosineWeightDecay } from './schedules.js';
export { gatherTokens, applyEncoderLayer, encoderLayer, layerNorm } from './layers.js';
export { createEncoder, createPredictor, encode, predict, tokenize, jepaLoss, encoderParams, disposeEncoder, predictorParams, numTokens, type TjepaShape, type Encoder, type Predictor } from './model.js';
export { pretrain, collapseStats, UNKNOWN_COMMIT, type PretrainConfig, type EpochStats, type Pretrained, type CheckpointOptions } from './pretrain.js';
export { loadTask, disposeTask, pretrainRows, type TabularTask, type TabularData } from './data.js';
export { embed, trainDownstream, rawFeatures, encoderFeatures, type Adapter, type DownstreamConfig, type DownstreamResult } from './downstream.js';
export { runTabularSsl, tabularConfig, TABULAR_ARMS, type TabularArm, type TabularConfig } from './tabular-ssl.js';
export { Trainer } from './pretrain.js';

/** The pretraining-step microbenchmark's entry script (run by suite tjepa-step). */
export const STEP_BENCH_SCRIPT = new URL('./bench/step.bench.js', import.meta.url);
