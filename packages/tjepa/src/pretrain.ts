/**
 * T-JEPA pretraining (the reference's `src/train.py`): per batch, masks; the context encoder on the
 * context tokens; the predictor on all the targets in one pass; MSE against the target encoder's outputs at
 * the target tokens (no gradient). The context encoder's gradients are clamped element-wise to
 * +-1; AdamW (no weight decay on biases and 1-D parameters) with linear warm-up then cosine
 * learning rate and a cosine weight-decay schedule; then the target encoder follows by EMA with
 * momentum rising from 0.996 to 1. The reference's optimizer has no learning rate in its parameter
 * groups, so its very first step runs at AdamW's default lr 1e-3 and weight decay 1e-2 before the
 * schedulers write theirs; `firstStep: 'reference'` keeps that.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamw, concatTyped, NonFiniteError, Rng, type Optimizer } from '@repro/core';
import { maskBounds, sampleMasks, type MaskBounds, type MaskIndexing, type MaskShares } from './masks.js';
import { gatherTokens } from './layers.js';
import { createEncoder, createPredictor, encode, encoderParams, jepaLoss, predict, predictorParams, type Encoder, type Predictor, type TjepaShape } from './model.js';
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

/**
 * The models, optimizer and schedules of one pretraining run; `step` trains on one batch (masks,
 * losses, clamped gradients, AdamW, EMA) and returns the loss.
 */
export class Trainer {
  readonly ctxEnc: Encoder;
  readonly target: Encoder;
  private readonly pred: Predictor;
  private readonly ctxVars: tf.Variable[];
  private readonly trgVars: tf.Variable[];
  private readonly predVars: tf.Variable[];
  private readonly isCtx: Set<string>;
  private readonly opt: Optimizer;
  private readonly bounds: MaskBounds;
  private readonly maskRng: Rng;
  private readonly numFeatures: number;
  private wd: number;
  steps = 0;

  constructor(readonly shape: TjepaShape, readonly cfg: PretrainConfig, seed: number, readonly stepsPerEpoch: number) {
    const rng = new Rng(seed, 'tjepa');
    this.ctxEnc = createEncoder(shape, rng.stream('encoder'), 'ctx');
    this.target = createEncoder(shape, rng.stream('encoder'), 'trg');
    this.pred = createPredictor(shape, rng.stream('predictor'));
    this.ctxVars = encoderParams(this.ctxEnc);
    this.trgVars = encoderParams(this.target);
    this.trgVars.forEach((d, i) => d.assign(this.ctxVars[i]));
    this.predVars = predictorParams(this.pred);
    this.isCtx = new Set(this.ctxVars.map((v) => v.name));
    this.wd = cfg.weightDecay;
    this.opt = adamw({ weightDecay: () => this.wd, decay: (v) => v.shape.length > 1 });
    this.numFeatures = shape.numNumeric + shape.cardinalities.length;
    this.bounds = maskBounds(this.numFeatures, cfg.shares);
    this.maskRng = rng.stream('masks');
  }

  /** One step on a batch; the loss (checked finite). */
  async step(xNum: tf.Tensor2D, xCat: tf.Tensor2D | null, epoch: number): Promise<number> {
    const { cfg, shape } = this;
    const total = this.stepsPerEpoch * cfg.epochs;
    const masks = sampleMasks(xNum.shape[0], this.numFeatures, shape.nReg, this.bounds, this.maskRng, { numTargets: cfg.numTargets, indexing: cfg.maskIndexing });
    const first = this.steps === 0 && cfg.firstStep === 'reference';
    const lr = first ? 1e-3 : warmupCosine(this.steps + 1, { warmupSteps: this.stepsPerEpoch * cfg.warmupEpochs, totalSteps: total, refLr: cfg.lr });
    this.wd = first ? 1e-2 : cosineWeightDecay(this.steps + 1, { totalSteps: total, refWd: cfg.weightDecay, finalWd: cfg.finalWeightDecay });
    const train = [...this.ctxVars, ...this.predVars];
    const lossValue = tf.tidy(() => {
      const full = encode(this.target, xNum, xCat, null, false);
      // All targets in one predictor pass, as the reference does: the context repeated once per
      // target along the batch, the targets' indices one after another. Every target has nTrgt
      // tokens, so the mean over the stack is the mean of the per-target losses.
      const k = masks.targets.length;
      const targets = tf.concat(masks.targets.map((t) => gatherTokens(full, t, masks.nTrgt)), 0);
      const trgtIdx = concatTyped(Int32Array, masks.targets);
      const ctxIdx = concatTyped(Int32Array, Array.from({ length: k }, () => masks.context));
      const { value, grads } = tf.variableGrads(() => {
        const ctx = encode(this.ctxEnc, xNum, xCat, { idx: masks.context, n: masks.nCtx }, true);
        return jepaLoss(predict(this.pred, shape, tf.tile(ctx, [k, 1, 1]) as tf.Tensor3D, ctxIdx, trgtIdx, masks.nTrgt, true), targets);
      }, train);
      this.opt.step(train, train.map((v) => (this.isCtx.has(v.name) ? tf.clipByValue(grads[v.name], -cfg.gradClip, cfg.gradClip) : grads[v.name])), lr);
      return value;
    });
    const l = (await lossValue.data())[0];
    lossValue.dispose();
    if (!Number.isFinite(l)) throw new NonFiniteError(this.steps, epoch, 'the T-JEPA loss', l);
    // the target encoder follows by EMA
    const m = emaMomentum(this.steps + 1, this.stepsPerEpoch, cfg.epochs, cfg.emaStart);
    tf.tidy(() => this.trgVars.forEach((t, i) => t.assign(tf.add(tf.mul(t, m), tf.mul(this.ctxVars[i], 1 - m)))));
    this.steps++;
    return l;
  }

  /** Frees everything but the target encoder, which the caller keeps. */
  dispose(): void {
    this.opt.dispose();
    for (const v of [...this.ctxVars, ...this.predVars]) v.dispose();
    this.ctxEnc.pe.dispose();
    this.pred.pe.dispose();
  }
}

export async function pretrain(data: TabularData, shape: TjepaShape, cfg: PretrainConfig, seed: number,
  opts: { log?: (l: string) => void } = {}): Promise<Pretrained> {
  const N = data.rows;
  const stepsPerEpoch = Math.ceil(N / cfg.batchSize);
  const trainer = new Trainer(shape, cfg, seed, stepsPerEpoch);
  const orderRng = new Rng(seed, 'tjepa').stream('order');
  const history: EpochStats[] = [];
  const rows = (idx: Int32Array): [tf.Tensor2D, tf.Tensor2D | null] => {
    const i = tf.tensor1d(idx, 'int32');
    const out: [tf.Tensor2D, tf.Tensor2D | null] = [tf.gather(data.numeric, i), data.categorical ? tf.gather(data.categorical, i) : null];
    i.dispose();
    return out;
  };
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    const order = orderRng.permutation(N);
    let lossSum = 0;
    let monitor = { embStd: 0, meanPairwiseDistance: 0 };
    for (let s = 0; s < stepsPerEpoch; s++) {
      const [xNum, xCat] = rows(order.slice(s * cfg.batchSize, (s + 1) * cfg.batchSize));
      lossSum += await trainer.step(xNum, xCat, epoch);
      if (s === 0) monitor = tf.tidy(() => collapseStats(encode(trainer.target, xNum, xCat, null, false)));
      xNum.dispose();
      xCat?.dispose();
    }
    const stats = { epoch, loss: lossSum / stepsPerEpoch, ...monitor, seconds: (performance.now() - t0) / 1000 };
    history.push(stats);
    opts.log?.(`pretrain epoch ${epoch}/${cfg.epochs}: loss ${stats.loss.toFixed(5)}, emb std ${stats.embStd.toFixed(4)}, mean pairwise distance ${stats.meanPairwiseDistance.toFixed(4)} (${stats.seconds.toFixed(1)} s)`);
  }
  trainer.dispose();
  return { target: trainer.target, history, steps: trainer.steps };
}
