/**
 * One run of suite tabular-ssl: `mlp-raw` (the MLP on raw features), `tjepa-mlp` (T-JEPA
 * pretraining on training and validation rows, then the frozen target encoder's embeddings through
 * an adapter into the same MLP) or `random-encoder-mlp` (the same encoder, randomly initialised and
 * frozen: the control that separates pretraining from architecture).
 */
import { Rng } from '@repro/core';
import { loadTask, pretrainRows, disposeTask } from './data.js';
import { encoderFeatures, rawFeatures, trainDownstream, type Adapter, type DownstreamConfig } from './downstream.js';
import { createEncoder, encoderParams, type TjepaShape } from './model.js';
import { pretrain, type PretrainConfig } from './pretrain.js';

export const TABULAR_ARMS = ['mlp-raw', 'tjepa-mlp', 'random-encoder-mlp'] as const;
export type TabularArm = (typeof TABULAR_ARMS)[number];

export interface TabularConfig {
  model: Omit<TjepaShape, 'numNumeric' | 'cardinalities'>;
  pretrain: PretrainConfig;
  downstream: DownstreamConfig;
  adapter: Adapter;
}

export async function runTabularSsl(arm: TabularArm, dataset: string, seed: number, cfg: TabularConfig, log: (l: string) => void = () => {}) {
  const task = await loadTask(dataset, seed);
  try {
    log(`${dataset}: ${task.train.y.length} train, ${task.val.y.length} validation, ${task.test.y.length} test rows; ${task.numNumeric} numeric, ${task.cardinalities.length} categorical features`);
    const shape: TjepaShape = { ...cfg.model, numNumeric: task.numNumeric, cardinalities: task.cardinalities };
    let features;
    let pretrainInfo: Record<string, number> = {};
    if (arm === 'mlp-raw') features = rawFeatures(task);
    else {
      const t0 = performance.now();
      let enc;
      if (arm === 'tjepa-mlp') {
        const rows = pretrainRows(task);
        const p = await pretrain(rows, shape, cfg.pretrain, seed, { log });
        rows.numeric.dispose(); rows.categorical?.dispose();
        enc = p.target;
        const last = p.history[p.history.length - 1];
        pretrainInfo = { pretrain_loss: last.loss, pretrain_emb_std: last.embStd, pretrain_mean_pairwise_distance: last.meanPairwiseDistance, pretrain_steps: p.steps };
      } else {
        enc = createEncoder(shape, new Rng(seed, 'tjepa').stream('encoder'), 'random');
      }
      pretrainInfo.pretrain_seconds = (performance.now() - t0) / 1000;
      features = encoderFeatures(enc, task, cfg.adapter);
      for (const v of encoderParams(enc)) v.dispose();
      enc.pe.dispose();
    }
    const res = trainDownstream(task, features, arm !== 'mlp-raw' && cfg.adapter === 'linear-flatten', cfg.downstream, seed, log);
    const metrics: Record<string, number | null> = task.kind === 'classification'
      ? { accuracy: res.metric, val_accuracy: res.valMetric }
      : { rmse: res.metric, rmse_std: res.rmseStd ?? null, val_rmse: res.valMetric };
    return { metrics: { ...metrics, best_epoch: res.bestEpoch, epochs: res.epochs, ...pretrainInfo }, featureDim: features.dim };
  } finally {
    disposeTask(task);
  }
}
