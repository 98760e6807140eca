/**
 * One run of suite tabular-ssl: `mlp-raw` (the MLP on raw features), `tjepa-mlp` (T-JEPA
 * pretraining on training and validation rows, then the frozen target encoder's embeddings through
 * an adapter into the same MLP) or `random-encoder-mlp` (the same encoder, randomly initialised and
 * frozen: the control that separates pretraining from architecture).
 */
import { Rng } from '@repro/core';
import { loadTask, pretrainRows, disposeTask } from './data.js';
import { encoderFeatures, rawFeatures, trainDownstream, type Adapter, type DownstreamConfig } from './downstream.js';
import { createEncoder, disposeEncoder, type TjepaShape } from './model.js';
import { pretrain, type CheckpointOptions, type PretrainConfig } from './pretrain.js';

export const TABULAR_ARMS = ['mlp-raw', 'tjepa-mlp', 'random-encoder-mlp'] as const;
export type TabularArm = (typeof TABULAR_ARMS)[number];

export interface TabularConfig {
  model: Omit<TjepaShape, 'numNumeric' | 'cardinalities'>;
  pretrain: PretrainConfig;
  downstream: DownstreamConfig;
  adapter: Adapter;
  /** The seed of the train/validation/test split; absent: the run's seed (suite versions 1-3). */
  splitSeed?: number;
}

/** `checkpoint`: where `tjepa-mlp` keeps its pretraining checkpoint, so an interrupted run resumes (see CheckpointOptions). */
export async function runTabularSsl(arm: TabularArm, dataset: string, seed: number, cfg: TabularConfig, log: (l: string) => void = () => {},
  opts: { checkpoint?: CheckpointOptions } = {}) {
  const task = await loadTask(dataset, cfg.splitSeed ?? seed);
  try {
    log(`${dataset}: ${task.train.y.length} train, ${task.val.y.length} validation, ${task.test.y.length} test rows; ${task.numNumeric} numeric, ${task.cardinalities.length} categorical features`);
    const shape: TjepaShape = { ...cfg.model, numNumeric: task.numNumeric, cardinalities: task.cardinalities };
    let features;
    let pretrainInfo: Record<string, number> = {};
    let earlier = 0;
    let resumedAtEpoch: number | undefined;
    let resumedFromCommit: string | undefined;
    if (arm === 'mlp-raw') features = rawFeatures(task);
    else {
      const t0 = performance.now();
      let enc;
      if (arm === 'tjepa-mlp') {
        const rows = pretrainRows(task);
        const p = await pretrain(rows, shape, cfg.pretrain, seed, { log, checkpoint: opts.checkpoint });
        earlier = p.earlierSeconds ?? 0;
        resumedAtEpoch = p.resumedAtEpoch;
        resumedFromCommit = p.resumedFromCommit;
        rows.numeric.dispose(); rows.categorical?.dispose();
        enc = p.target;
        const last = p.history[p.history.length - 1];
        pretrainInfo = { pretrain_loss: last.loss, pretrain_emb_std: last.embStd, pretrain_mean_pairwise_distance: last.meanPairwiseDistance, pretrain_steps: p.steps };
      } else {
        enc = createEncoder(shape, new Rng(seed, 'tjepa').stream('encoder'), 'random');
      }
      // A resumed run counts the time of the processes before it too.
      pretrainInfo.pretrain_seconds = (performance.now() - t0) / 1000 + earlier;
      features = encoderFeatures(enc, task, cfg.adapter);
      disposeEncoder(enc);
    }
    const res = trainDownstream(task, features, arm !== 'mlp-raw' && cfg.adapter === 'linear-flatten', cfg.downstream, seed, log);
    const metrics: Record<string, number | null> = task.kind === 'classification'
      ? { accuracy: res.metric, val_accuracy: res.valMetric }
      : { rmse: res.metric, rmse_std: res.rmseStd ?? null, val_rmse: res.valMetric };
    return { metrics: { ...metrics, best_epoch: res.bestEpoch, epochs: res.epochs, ...pretrainInfo }, featureDim: features.dim, resumedAtEpoch, resumedFromCommit };
  } finally {
    disposeTask(task);
  }
}

/** The flat settings a suite spec gives (protocol, profile and arm), as a TabularConfig for one dataset. */
export function tabularConfig(c: Record<string, unknown>, dataset: string): TabularConfig {
  const num = (k: string, d?: number): number => {
    const raw = c[k] ?? d;
    const v = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[dataset] : raw;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`tabular-ssl: config ${k} must be a number${raw && typeof raw === 'object' ? ` (for ${dataset})` : ''}, got ${JSON.stringify(v)}`);
    return v;
  };
  const shares = (c.maskShares ?? {}) as Record<string, number>;
  return {
    model: {
      nReg: num('nReg', 1), width: num('width'), layers: num('layers'), heads: num('heads'), ffn: num('ffn'),
      predWidth: num('predWidth'), predLayers: num('predLayers'), predHeads: num('predHeads'), predFfn: num('predFfn'), dropout: num('dropout', 0),
    },
    pretrain: {
      epochs: num('pretrainEpochs'), batchSize: num('batchSize'), lr: num('lr'), warmupEpochs: num('warmupEpochs'), weightDecay: num('weightDecay', 0),
      finalWeightDecay: num('finalWeightDecay', 0), emaStart: num('emaStart', 0.996), numTargets: num('numTargets', 4),
      shares: { minContext: shares.minContext, maxContext: shares.maxContext, minTarget: shares.minTarget, maxTarget: shares.maxTarget },
      maskIndexing: (c.maskIndexing as 'reference' | 'fixed') ?? 'reference', firstStep: (c.firstStep as 'reference' | 'scheduled') ?? 'reference', gradClip: num('gradClip', 1),
      ...(c.pretrainMicroBatch === undefined ? {} : { microBatch: num('pretrainMicroBatch') }),
    },
    downstream: {
      hidden: (c.hidden as number[]) ?? [256, 256], adapterDim: num('adapterDim'), epochs: num('downstreamEpochs'), patience: num('patience'),
      batchSize: num('downstreamBatchSize'), lr: num('downstreamLr'), weightDecay: num('downstreamWeightDecay', 0),
    },
    adapter: (c.adapter as 'linear-flatten' | 'mean-pool') ?? 'linear-flatten',
    ...(c.splitSeed === undefined ? {} : { splitSeed: num('splitSeed') }),
  };
}
