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
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { adamw, captureEnv, concatTyped, formatDuration, NonFiniteError, readCheckpoint, Rng, writeCheckpoint, type Checkpoint, type Optimizer, type RngState } from '@repro/core';
import { maskBounds, sampleMasks, type BatchMasks, type MaskBounds, type MaskIndexing, type MaskShares } from './masks.js';
import { gatherTokens } from './layers.js';
import { createEncoder, createPredictor, disposeEncoder, encode, encoderParams, jepaLoss, predict, predictorParams, type Encoder, type Predictor, type TjepaShape } from './model.js';
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
  /**
   * Rows per forward/backward pass (default: the whole batch). A smaller value splits each batch
   * and sums the slices' gradients, weighted by their share of the batch, before the one optimizer
   * step: the same update, in less memory (the full profile's 16-layer model at batch 512 runs out
   * of the wasm backend's heap in one pass).
   */
  microBatch?: number;
}

/** A loss and the gradients of the trained variables, by name. */
export interface LossGrads { value: tf.Scalar; grads: tf.NamedTensorMap }

export interface EpochStats { epoch: number; loss: number; embStd: number; meanPairwiseDistance: number; seconds: number }

/** `Pretrained.resumedFromCommit` for a checkpoint that records no commit. */
export const UNKNOWN_COMMIT = 'unknown';

/**
 * For a run resumed from a checkpoint: `resumedAtEpoch`, the last epoch the checkpoint had
 * finished, and `earlierSeconds`, the pretraining time the processes before this one spent;
 * `resumedFromCommit` when the checkpoint was written by another commit than this run's
 * (`UNKNOWN_COMMIT` when it records none).
 */
export interface Pretrained { target: Encoder; history: EpochStats[]; steps: number; resumedAtEpoch?: number; earlierSeconds?: number; resumedFromCommit?: string }

/**
 * Checkpointing of a long pretraining run. At the end of an epoch, once `everySeconds` have passed
 * since the last write (default 300), everything later epochs depend on is written to `file`; a
 * later call with the same file, data size, settings and seed resumes after that epoch and gives
 * the same bits as an uninterrupted run. The file is deleted when the run finishes. One for
 * different settings is ignored (and replaced at the next write).
 */
export interface CheckpointOptions {
  file: string;
  everySeconds?: number;
  /**
   * The commit of the code that runs, kept in the checkpoint (default: the checkout's, as result
   * records read it). A run of hours may be resumed after the code changed; the checkpoint's key
   * covers settings, seed and data only, so a resume under another commit is said in the log and
   * in `resumedFromCommit`, not refused: the change may not touch the computation.
   */
  commit?: string | null;
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

/**
 * The models, optimizer and schedules of one pretraining run; `step` trains on one batch (masks,
 * losses, clamped gradients, AdamW, EMA) and returns the loss.
 */
export class Trainer {
  readonly ctxEnc: Encoder;
  readonly target: Encoder;
  readonly pred: Predictor;
  private readonly ctxVars: tf.Variable[];
  private readonly trgVars: tf.Variable[];
  private readonly predVars: tf.Variable[];
  /** What the optimizer trains: the context encoder's and the predictor's variables. */
  private readonly trainVars: tf.Variable[];
  private readonly isCtx: Set<string>;
  private readonly opt: Optimizer;
  private readonly bounds: MaskBounds;
  private readonly maskRng: Rng;
  /** Dropout masks (the full profile's dropout; the quick profile has none, and draws nothing). */
  private readonly dropoutRng: Rng;
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
    this.trainVars = [...this.ctxVars, ...this.predVars];
    this.isCtx = new Set(this.ctxVars.map((v) => v.name));
    this.wd = cfg.weightDecay;
    this.opt = adamw({ weightDecay: () => this.wd, decay: (v) => this.decays(v) });
    this.numFeatures = shape.numNumeric + shape.cardinalities.length;
    this.bounds = maskBounds(this.numFeatures, cfg.shares);
    this.maskRng = rng.stream('masks');
    this.dropoutRng = rng.stream('dropout');
  }

  /**
   * Whether AdamW decays `v`, as the reference's parameter groups decide: not for a parameter named
   * `bias` or 1-D. By shape alone two would differ: the tokenizer's bias is 2-D there too but named
   * `bias` (never decayed), and the predictor's mask token is [1, 1, P] there (decayed) but 1-D here.
   */
  decays(v: tf.Variable): boolean {
    if (v === this.ctxEnc.tok.bias) return false;
    if (v === this.pred.maskToken) return true;
    return v.shape.length > 1;
  }

  /**
   * The learning rate and weight decay of optimizer step `s` (from 0) and the EMA momentum that
   * follows it. The reference steps its schedulers after the optimizer, so its step s >= 1 runs at
   * the schedules' value for s, and its step 0 at AdamW's defaults (`firstStep: 'reference'`); its
   * momentum generator starts at i = 0, so the EMA after step s uses m_s. 'scheduled' runs step s
   * at the schedules' value for s + 1, as if they were stepped before the optimizer.
   */
  schedule(s: number): { lr: number; wd: number; momentum: number } {
    const { cfg } = this;
    const total = this.stepsPerEpoch * cfg.epochs;
    const momentum = emaMomentum(s, this.stepsPerEpoch, cfg.epochs, cfg.emaStart);
    if (cfg.firstStep === 'reference' && s === 0) return { lr: 1e-3, wd: 1e-2, momentum };
    const at = cfg.firstStep === 'reference' ? s : s + 1;
    return {
      lr: warmupCosine(at, { warmupSteps: this.stepsPerEpoch * cfg.warmupEpochs, totalSteps: total, refLr: cfg.lr }),
      wd: cosineWeightDecay(at, { totalSteps: total, refWd: cfg.weightDecay, finalWd: cfg.finalWeightDecay }),
      momentum,
    };
  }

  /** One step on a batch; the loss (checked finite). */
  async step(xNum: tf.Tensor2D, xCat: tf.Tensor2D | null, epoch: number): Promise<number> {
    const { cfg, shape } = this;
    const masks = sampleMasks(xNum.shape[0], this.numFeatures, shape.nReg, this.bounds, this.maskRng, { numTargets: cfg.numTargets, indexing: cfg.maskIndexing });
    const { lr, wd, momentum: m } = this.schedule(this.steps);
    this.wd = wd;
    const train = this.trainVars;
    const lossValue = tf.tidy(() => {
      const { value, grads } = this.gradients(xNum, xCat, masks);
      this.opt.step(train, train.map((v) => (this.isCtx.has(v.name) ? tf.clipByValue(grads[v.name], -cfg.gradClip, cfg.gradClip) : grads[v.name])), lr);
      return value;
    });
    const l = (await lossValue.data())[0];
    lossValue.dispose();
    if (!Number.isFinite(l)) throw new NonFiniteError(this.steps, epoch, 'the T-JEPA loss', l);
    // the target encoder follows by EMA
    tf.tidy(() => this.trgVars.forEach((t, i) => t.assign(tf.add(tf.mul(t, m), tf.mul(this.ctxVars[i], 1 - m)))));
    this.steps++;
    return l;
  }

  /**
   * The batch's loss and its gradients for the context encoder and predictor (unclamped), computed
   * in slices of `cfg.microBatch` rows when that is smaller than the batch.
   */
  gradients(xNum: tf.Tensor2D, xCat: tf.Tensor2D | null, masks: BatchMasks): LossGrads {
    const B = xNum.shape[0];
    const micro = Math.max(1, Math.min(this.cfg.microBatch ?? B, B));
    if (micro === B) return this.passGradients(xNum, xCat, masks);
    let acc = null as LossGrads | null;
    for (let s = 0; s < B; s += micro) {
      const n = Math.min(micro, B - s);
      const prev = acc;
      acc = tf.tidy(() => {
        const part = this.passGradients(xNum.slice([s, 0], [n, -1]), xCat ? xCat.slice([s, 0], [n, -1]) : null, sliceMasks(masks, s, n));
        // the loss is a mean over the batch's rows: each slice counts by its share of them
        const w = n / B;
        const grads: tf.NamedTensorMap = {};
        for (const [name, g] of Object.entries(part.grads)) grads[name] = prev ? tf.add(prev.grads[name], tf.mul(g, w)) : tf.mul(g, w);
        return { value: (prev ? tf.add(prev.value, tf.mul(part.value, w)) : tf.mul(part.value, w)) as tf.Scalar, grads };
      });
      if (prev) tf.dispose([prev.value, ...Object.values(prev.grads)]);
    }
    return acc!;
  }

  /** One forward and backward pass over the rows given. */
  private passGradients(xNum: tf.Tensor2D, xCat: tf.Tensor2D | null, masks: BatchMasks): LossGrads {
    const { shape } = this;
    return tf.tidy(() => {
      const full = encode(this.target, xNum, xCat, null, null);
      // All targets in one predictor pass, as the reference does: the context repeated once per
      // target along the batch, the targets' indices one after another. Every target has nTrgt
      // tokens, so the mean over the stack is the mean of the per-target losses.
      const k = masks.targets.length;
      const targets = tf.concat(masks.targets.map((t) => gatherTokens(full, t, masks.nTrgt)), 0);
      const trgtIdx = concatTyped(Int32Array, masks.targets);
      const ctxIdx = concatTyped(Int32Array, Array.from({ length: k }, () => masks.context));
      return tf.variableGrads(() => {
        const ctx = encode(this.ctxEnc, xNum, xCat, { idx: masks.context, n: masks.nCtx }, this.dropoutRng);
        return jepaLoss(predict(this.pred, shape, tf.tile(ctx, [k, 1, 1]) as tf.Tensor3D, ctxIdx, trgtIdx, masks.nTrgt, this.dropoutRng), targets);
      }, this.trainVars);
    });
  }

  /** The three models' variables, in the order a checkpoint holds them. */
  private get stateVars(): tf.Variable[] {
    return [...this.ctxVars, ...this.trgVars, ...this.predVars];
  }

  /** Everything later steps depend on: the three models, the optimizer's state, the step count, the mask and dropout streams. */
  getState(): Checkpoint {
    const opt = this.opt.getState(this.trainVars);
    const vars = this.stateVars;
    return {
      meta: { steps: this.steps, optimizerSteps: opt.steps, slots: opt.slots.map((x) => x?.length ?? 0), masks: this.maskRng.getState(), dropout: this.dropoutRng.getState() },
      arrays: [...vars.map((v) => Float32Array.from(v.dataSync() as Float32Array)), ...opt.slots.flatMap((x) => x ?? [])],
    };
  }

  /** Puts back what `getState` returned, from a trainer built with the same shape and settings. */
  setState({ meta, arrays }: Checkpoint): void {
    const vars = this.stateVars;
    const slots = meta.slots as number[];
    if (slots.length !== this.trainVars.length || arrays.length !== vars.length + slots.reduce((a, b) => a + b, 0)) {
      throw new Error(`T-JEPA checkpoint: ${arrays.length} arrays do not fit this model (${vars.length} variables, ${this.trainVars.length} trained)`);
    }
    vars.forEach((v, i) => {
      if (arrays[i].length !== v.size) throw new Error(`T-JEPA checkpoint: ${v.name} has ${arrays[i].length} values, the model ${v.size}`);
      tf.tidy(() => v.assign(tf.tensor(arrays[i], v.shape)));
    });
    let at = vars.length;
    this.opt.setState(this.trainVars, { steps: meta.optimizerSteps as number, slots: slots.map((n) => (n ? arrays.slice(at, (at += n)) : null)) });
    this.maskRng.setState(meta.masks as RngState);
    this.dropoutRng.setState(meta.dropout as RngState);
    this.steps = meta.steps as number;
  }

  /** Frees everything but the target encoder, which the caller keeps. */
  dispose(): void {
    this.opt.dispose();
    for (const v of this.trainVars) v.dispose();
    this.ctxEnc.pe.dispose();
    this.pred.pe.dispose();
  }
}

/** Rows [start, start + n) of a batch's masks (each row's indices are contiguous). */
function sliceMasks(m: BatchMasks, start: number, n: number): BatchMasks {
  return {
    nCtx: m.nCtx, nTrgt: m.nTrgt,
    context: m.context.subarray(start * m.nCtx, (start + n) * m.nCtx),
    targets: m.targets.map((t) => t.subarray(start * m.nTrgt, (start + n) * m.nTrgt)),
  };
}

export async function pretrain(data: TabularData, shape: TjepaShape, cfg: PretrainConfig, seed: number,
  opts: { log?: (l: string) => void; checkpoint?: CheckpointOptions } = {}): Promise<Pretrained> {
  const N = data.rows;
  const stepsPerEpoch = Math.ceil(N / cfg.batchSize);
  const trainer = new Trainer(shape, cfg, seed, stepsPerEpoch);
  const orderRng = new Rng(seed, 'tjepa').stream('order');
  const rows = (idx: Int32Array): [tf.Tensor2D, tf.Tensor2D | null] => {
    const i = tf.tensor1d(idx, 'int32');
    const out: [tf.Tensor2D, tf.Tensor2D | null] = [tf.gather(data.numeric, i), data.categorical ? tf.gather(data.categorical, i) : null];
    i.dispose();
    return out;
  };
  const ck = opts.checkpoint;
  // What a checkpoint must match to be resumed: the run's settings, seed and number of rows.
  const key = createHash('sha256').update(JSON.stringify({ shape, cfg, seed, rows: N })).digest('hex').slice(0, 16);
  const commit = ck ? (ck.commit === undefined ? captureEnv().git.sha : ck.commit) : null;
  const start = performance.now();
  let lastWrite = start;
  let writable = true;
  let announced = false;
  let resumed: ReturnType<typeof resumeFrom> = null;
  const history: EpochStats[] = [];
  try {
    resumed = ck ? resumeFrom(ck.file, key, commit, trainer, orderRng, opts.log) : null;
    if (resumed) history.push(...resumed.history);
    for (let epoch = history.length + 1; epoch <= cfg.epochs; epoch++) {
      const t0 = performance.now();
      const order = orderRng.permutation(N);
      let lossSum = 0;
      let monitor = { embStd: 0, meanPairwiseDistance: 0 };
      for (let s = 0; s < stepsPerEpoch; s++) {
        const [xNum, xCat] = rows(order.slice(s * cfg.batchSize, (s + 1) * cfg.batchSize));
        lossSum += await trainer.step(xNum, xCat, epoch);
        if (s === 0) monitor = tf.tidy(() => collapseStats(encode(trainer.target, xNum, xCat, null, null)));
        xNum.dispose();
        xCat?.dispose();
      }
      const stats = { epoch, loss: lossSum / stepsPerEpoch, ...monitor, seconds: (performance.now() - t0) / 1000 };
      history.push(stats);
      if (ck && writable && epoch < cfg.epochs && performance.now() - lastWrite >= 1000 * (ck.everySeconds ?? 300)) {
        const { meta, arrays } = trainer.getState();
        const seconds = (resumed?.seconds ?? 0) + (performance.now() - start) / 1000;
        try {
          writeCheckpoint(ck.file, { key, commit, epoch, history, order: orderRng.getState(), seconds, trainer: meta }, arrays);
          if (!announced) opts.log?.(`pretrain: checkpoint ${ck.file} written after epoch ${epoch}, and after later epochs every ${ck.everySeconds ?? 300} s; if the run stops, the same command resumes from it`);
          announced = true;
        } catch (e) {
          // A checkpoint is insurance: failing to write one must not stop the run it protects.
          writable = false;
          opts.log?.(`pretrain: cannot write checkpoint ${ck.file} (${(e as Error).message}); continuing without checkpoints`);
        }
        lastWrite = performance.now();
      }
      // Time left from this process's epochs so far (a resumed run's earlier epochs ran elsewhere).
      const left = epoch < cfg.epochs ? `; about ${formatDuration(((performance.now() - start) / 1000 / (epoch - (resumed?.history.length ?? 0))) * (cfg.epochs - epoch))} left` : '';
      opts.log?.(`pretrain epoch ${epoch}/${cfg.epochs}: loss ${stats.loss.toFixed(5)}, emb std ${stats.embStd.toFixed(4)}, mean pairwise distance ${stats.meanPairwiseDistance.toFixed(4)} (${stats.seconds.toFixed(1)} s${left})`);
    }
  } catch (e) {
    trainer.dispose();
    disposeEncoder(trainer.target);
    throw e;
  }
  trainer.dispose();
  if (ck && existsSync(ck.file)) rmSync(ck.file);
  return {
    target: trainer.target, history, steps: trainer.steps,
    ...(resumed ? { resumedAtEpoch: resumed.history.length, earlierSeconds: resumed.seconds } : {}),
    ...(resumed?.commit ? { resumedFromCommit: resumed.commit } : {}),
  };
}

/**
 * Loads a matching checkpoint into the trainer and the order stream; null when there is none to
 * resume. `commit` in the answer: the checkpoint's where it differs from this run's, or
 * `UNKNOWN_COMMIT` where this run knows its commit and the checkpoint records none (one written
 * before checkpoints kept it, or outside a git checkout).
 */
function resumeFrom(file: string, key: string, commit: string | null, trainer: Trainer, orderRng: Rng, log?: (l: string) => void): { history: EpochStats[]; seconds: number; commit?: string } | null {
  const c = readCheckpoint(file);
  if (!c) return null;
  if (c.meta.key !== key) {
    log?.(`pretrain: ignoring checkpoint ${file}, written for other settings, seed or data; starting from epoch 1`);
    return null;
  }
  trainer.setState({ meta: c.meta.trainer as Record<string, unknown>, arrays: c.arrays });
  orderRng.setState(c.meta.order as RngState);
  log?.(`pretrain: resuming from checkpoint ${file} after epoch ${c.meta.epoch} (${(c.meta.seconds as number).toFixed(0)} s of pretraining so far)`);
  const written = typeof c.meta.commit === 'string' ? c.meta.commit : null;
  const other = commit && written !== commit ? written ?? UNKNOWN_COMMIT : undefined;
  if (other === UNKNOWN_COMMIT) log?.(`pretrain: that checkpoint does not record the commit that wrote it (this is ${commit!.slice(0, 10)}): epochs 1-${c.meta.epoch} ran on code this run cannot name`);
  else if (other) log?.(`pretrain: that checkpoint was written by commit ${other.slice(0, 10)} and this is ${commit!.slice(0, 10)}: epochs 1-${c.meta.epoch} ran on that code`);
  return { history: c.meta.history as EpochStats[], seconds: c.meta.seconds as number, ...(other ? { commit: other } : {}) };
}
