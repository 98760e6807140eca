/**
 * The training loop every paper package uses. Each step runs inside tf.tidy; the loss and the
 * global squared gradient norm are read back together once per step, and a non-finite value stops
 * training with the step, the epoch and the tensor that went bad (NonFiniteError).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './optimizers.js';
import type { Schedule } from './schedules.js';
import { progress as makeProgress, type Progress } from './progress.js';

export class NonFiniteError extends Error {
  constructor(readonly step: number, readonly epoch: number, readonly tensor: string, readonly value: number) {
    super(`training stopped at step ${step} (epoch ${epoch}): ${tensor} is ${value}`);
    this.name = 'NonFiniteError';
  }
}

export interface StepContext { epoch: number; step: number; lr: number }

export interface EpochLog { epoch: number; loss: number; lr: number; seconds: number; steps: number; [metric: string]: number }

export interface TrainOptions<B> {
  params: tf.Variable[];
  optimizer: Optimizer;
  schedule: Schedule;
  /** Whether the schedule counts epochs (PyTorch's usual scheduler.step() per epoch) or steps. */
  scheduleUnit?: 'epoch' | 'step';
  epochs: number;
  /** The batches of one epoch (shuffle with a seeded stream here). */
  batches: (epoch: number) => Iterable<B>;
  /** Builds the scalar loss for a batch; runs under tf.tidy inside the gradient tape. */
  loss: (batch: B, ctx: StepContext) => tf.Scalar;
  /** Runs after each optimizer step, inside the step's tidy (e.g. EMA targets). */
  afterStep?: (batch: B, ctx: StepContext) => void;
  /** Runs after each epoch; returns metrics to log, or 'stop' in `stop` to end early. */
  onEpochEnd?: (log: EpochLog) => Record<string, number> | void | Promise<Record<string, number> | void>;
  /** Element-wise gradient clamp to [-c, c] on every parameter (T-JEPA clamps the context encoder). */
  clipValue?: number;
  label?: string;
  progress?: Progress | false;
}

function stepCount<B>(it: Iterable<B>): number | null {
  return Array.isArray(it) ? it.length : null;
}

export async function train<B>(o: TrainOptions<B>): Promise<EpochLog[]> {
  const unit = o.scheduleUnit ?? 'epoch';
  const bar = o.progress === false ? null : o.progress ?? makeProgress(o.label ?? 'train');
  const names = o.params.map((v) => v.name);
  const history: EpochLog[] = [];
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const t0 = performance.now();
    const list = o.batches(epoch);
    const total = stepCount(list);
    let lossSum = 0, n = 0, lr = o.schedule(unit === 'epoch' ? epoch : step);
    for (const batch of list) {
      lr = o.schedule(unit === 'epoch' ? epoch : step);
      const ctx: StepContext = { epoch, step, lr };
      const stats = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => o.loss(batch, ctx), o.params);
        let gs = o.params.map((v) => grads[v.name]);
        if (o.clipValue) gs = gs.map((g) => tf.clipByValue(g, -o.clipValue!, o.clipValue!));
        const sq = tf.addN(gs.map((g) => tf.sum(tf.square(g))));
        const check = tf.stack([value, sq]);
        const [lv, gv] = check.dataSync();
        if (!Number.isFinite(lv)) throw new NonFiniteError(step, epoch, 'loss', lv);
        if (!Number.isFinite(gv)) {
          const bad = gs.findIndex((g) => !Number.isFinite(tf.sum(tf.square(g)).dataSync()[0]));
          throw new NonFiniteError(step, epoch, `gradient of ${names[bad] ?? 'a parameter'}`, gv);
        }
        o.optimizer.step(o.params, gs, lr);
        o.afterStep?.(batch, ctx);
        return lv;
      });
      lossSum += stats;
      n++;
      step++;
      bar?.step(n, total ?? n, `loss ${(lossSum / n).toFixed(4)}`);
    }
    // Parameters can still overflow from finite gradients; check once per epoch, naming the variable.
    for (const v of o.params) {
      const sum = tf.sum(v);
      const s = sum.dataSync()[0];
      sum.dispose();
      if (!Number.isFinite(s)) throw new NonFiniteError(step, epoch, `parameter ${v.name}`, s);
    }
    const log: EpochLog = { epoch, loss: n ? lossSum / n : NaN, lr, seconds: (performance.now() - t0) / 1000, steps: n };
    const extra = await o.onEpochEnd?.(log);
    if (extra) Object.assign(log, extra);
    history.push(log);
    bar?.epoch(`epoch ${epoch + 1}/${o.epochs} ${Object.entries(log).filter(([k]) => k !== 'epoch' && k !== 'steps').map(([k, v]) => `${k} ${fmt(v)}`).join(' ')}`);
    if (extra && 'stop' in extra && extra.stop) break;
  }
  bar?.done();
  return history;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(4);
}
