/**
 * T-JEPA pretraining (the reference's `src/train.py`): per batch, masks; the context encoder on the
 * context tokens; the predictor for each of the targets; MSE against the target encoder's outputs at
 * the target tokens (no gradient). The context encoder's gradients are clamped element-wise to
 * +-1; AdamW (no weight decay on biases and 1-D parameters) with linear warm-up then cosine
 * learning rate and a cosine weight-decay schedule; then the target encoder follows by EMA with
 * momentum rising from 0.996 to 1. The reference's optimizer has no learning rate in its parameter
 * groups, so its very first step runs at AdamW's default lr 1e-3 and weight decay 1e-2 before the
 * schedulers write theirs; `firstStep: 'reference'` keeps that.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamw, NonFiniteError, Rng } from '@repro/core';
import { maskBounds, sampleMasks, type MaskIndexing, type MaskShares } from './masks.js';
import { gatherTokens } from './layers.js';
import { createEncoder, createPredictor, encode, encoderParams, jepaLoss, predict, predictorParams, type Encoder, type TjepaShape } from './model.js';
import { cosineWeightDecay, emaMomentum, warmupCosine } from './schedules.js';
import type { TabularData } from './data.js';

export interface PretrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  warmupEpochs: number;
  weightDecay: number;
  finalWeightDecay: number;
  emaStart: number;
  numTargets: number;
  shares: MaskShares;
  maskIndexing: MaskIndexing;
  firstStep: 'reference' | 'scheduled';
  gradClip: number;
}

export interface EpochStats { epoch: number; loss: number; embStd: number; meanPairwiseDistance: number; seconds: number }

export interface Pretrained { target: Encoder; history: EpochStats[]; steps: number }

function copyInto(dst: tf.Variable[], src: tf.Variable[]): void {
  dst.forEach((d, i) => d.assign(src[i]));
}

/** Collapse monitors on a batch of embeddings [B, T, H], mean-pooled: per-dimension std across the batch, mean pairwise distance. */
export function collapseStats(z: tf.Tensor3D): { embStd: number; meanPairwiseDistance: number } {
  return tf.tidy(() => {
    const m = tf.mean(z, 1) as tf.Tensor2D;
    const std = tf.mean(tf.sqrt(tf.moments(m, 0).variance)).dataSync()[0];
    const sq = tf.sum(tf.square(m), 1);
    const d2 = tf.relu(tf.sub(tf.add(sq.expandDims(1), sq.expandDims(0)), tf.mul(2, tf.matMul(m, m, false, true))));
    const B = m.shape[0];
    const mpd = B > 1 ? tf.sum(tf.sqrt(tf.add(d2, 1e-12))).dataSync()[0] / (B * (B - 1)) : 0;
    return { embStd: std, meanPairwiseDistance: mpd };
  });
}

export async function pretrain(data: TabularData, shape: TjepaShape, cfg: PretrainConfig, seed: number,
  opts: { log?: (l: string) => void } = {}): Promise<Pretrained> {
  const rng = new Rng(seed, 'tjepa');
  const ctxEnc = createEncoder(shape, rng.stream('encoder'), 'ctx');
  const target = createEncoder(shape, rng.stream('encoder'), 'trg');
  const pred = createPredictor(shape, rng.stream('predictor'));
  const ctxVars = encoderParams(ctxEnc);
  const trgVars = encoderParams(target);
  copyInto(trgVars, ctxVars);
  const predVars = predictorParams(pred);
  const train = [...ctxVars, ...predVars];
  const N = data.rows;
  const stepsPerEpoch = Math.ceil(N / cfg.batchSize);
  const total = stepsPerEpoch * cfg.epochs;
  const warmup = stepsPerEpoch * cfg.warmupEpochs;
  let step = 0;
  let wd = cfg.weightDecay;
  const opt = adamw({ weightDecay: () => wd, decay: (v) => v.shape.length > 1 });
  const numFeatures = shape.numNumeric + shape.cardinalities.length;
  const bounds = maskBounds(numFeatures, cfg.shares);
  const maskRng = rng.stream('masks');
  const orderRng = rng.stream('order');
  const history: EpochStats[] = [];
  const isCtx = new Set(ctxVars.map((v) => v.name));
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    const order = Array.from({ length: N }, (_, i) => i);
    for (let i = N - 1; i > 0; i--) { const j = orderRng.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    let lossSum = 0;
    let monitor = { embStd: 0, meanPairwiseDistance: 0 };
    for (let s = 0; s < stepsPerEpoch; s++) {
      const idx = Int32Array.from(order.slice(s * cfg.batchSize, (s + 1) * cfg.batchSize));
      const B = idx.length;
      const masks = sampleMasks(B, numFeatures, shape.nReg, bounds, maskRng, { numTargets: cfg.numTargets, indexing: cfg.maskIndexing });
      const first = step === 0 && cfg.firstStep === 'reference';
      const lr = first ? 1e-3 : warmupCosine(step + 1, { warmupSteps: warmup, totalSteps: total, refLr: cfg.lr });
      wd = first ? 1e-2 : cosineWeightDecay(step + 1, { totalSteps: total, refWd: cfg.weightDecay, finalWd: cfg.finalWeightDecay });
      const lossValue = tf.tidy(() => {
        const xNum = tf.gather(data.numeric, tf.tensor1d(idx, 'int32')) as tf.Tensor2D;
        const xCat = data.categorical ? tf.gather(data.categorical, tf.tensor1d(idx, 'int32')) as tf.Tensor2D : null;
        const full = encode(target, xNum, xCat, null, false);
        const targets = masks.targets.map((t) => gatherTokens(full, t, masks.nTrgt));
        const { value, grads } = tf.variableGrads(() => {
          const ctx = encode(ctxEnc, xNum, xCat, { idx: masks.context, n: masks.nCtx }, true);
          const losses = masks.targets.map((t, k) => jepaLoss(predict(pred, shape, ctx, masks.context, t, masks.nTrgt, true), targets[k]));
          return tf.div(tf.addN(losses), losses.length) as tf.Scalar;
        }, train);
        opt.step(train, train.map((v) => (isCtx.has(v.name) ? tf.clipByValue(grads[v.name], -cfg.gradClip, cfg.gradClip) : grads[v.name])), lr);
        return value;
      });
      const l = (await lossValue.data())[0];
      lossValue.dispose();
      if (!Number.isFinite(l)) throw new NonFiniteError(step, epoch, "the T-JEPA loss", l);
      lossSum += l;
      // the target encoder follows by EMA
      const m = emaMomentum(step + 1, stepsPerEpoch, cfg.epochs, cfg.emaStart);
      tf.tidy(() => trgVars.forEach((t, i) => t.assign(tf.add(tf.mul(t, m), tf.mul(ctxVars[i], 1 - m)))));
      step++;
      if (s === 0) {
        monitor = tf.tidy(() => {
          const xNum = tf.gather(data.numeric, tf.tensor1d(idx, 'int32')) as tf.Tensor2D;
          const xCat = data.categorical ? tf.gather(data.categorical, tf.tensor1d(idx, 'int32')) as tf.Tensor2D : null;
          return collapseStats(encode(target, xNum, xCat, null, false));
        });
      }
    }
    const stats = { epoch, loss: lossSum / stepsPerEpoch, ...monitor, seconds: (performance.now() - t0) / 1000 };
    history.push(stats);
    opts.log?.(`pretrain epoch ${epoch}/${cfg.epochs}: loss ${stats.loss.toFixed(5)}, emb std ${stats.embStd.toFixed(4)}, mean pairwise distance ${stats.meanPairwiseDistance.toFixed(4)} (${stats.seconds.toFixed(1)} s)`);
  }
  opt.dispose();
  for (const v of [...ctxVars, ...predVars]) v.dispose();
  ctxEnc.pe.dispose();
  pred.pe.dispose();
  return { target, history, steps: step };
}
