/**
 * Downstream evaluation: the frozen (target) encoder embeds every row once; a trainable adapter
 * (`linear-flatten`: the T x H token outputs flattened into a linear layer; `mean-pool`: the mean
 * over tokens) feeds an MLP classifier or regressor. The MLP baseline trains the same MLP on the raw
 * features. Early stopping watches the validation metric; the reported test metric is the one at
 * the best validation epoch (the test set never steers training).
 */
import * as tf from '@tensorflow/tfjs-core';
import { accuracy, adamw, concatTyped, createMlp, rmse, Rng, standardizeColumns } from '@repro/core';
import { encode, type Encoder } from './model.js';
import type { SplitData, TabularData, TabularTask } from './data.js';

export type Adapter = 'linear-flatten' | 'mean-pool';

export interface DownstreamConfig { hidden: number[]; adapterDim: number; epochs: number; patience: number; batchSize: number; lr: number; weightDecay: number }

export interface DownstreamResult { metric: number; valMetric: number; bestEpoch: number; epochs: number; rmseStd?: number }

/** [rows, T * H] (linear-flatten) or [rows, H] (mean-pool) embeddings, in batches, no gradient. */
export function embed(enc: Encoder, x: TabularData, adapter: Adapter, batch = 1024): Float32Array {
  const parts: Float32Array[] = [];
  for (let s = 0; s < x.rows; s += batch) {
    const n = Math.min(batch, x.rows - s);
    parts.push(tf.tidy(() => {
      const xn = x.numeric.slice([s, 0], [n, -1]) as tf.Tensor2D;
      const xc = x.categorical ? x.categorical.slice([s, 0], [n, -1]) as tf.Tensor2D : null;
      const h = encode(enc, xn, xc, null, null);
      return (adapter === 'mean-pool' ? tf.mean(h, 1) : h.reshape([n, -1])).dataSync() as Float32Array;
    }));
  }
  return concatTyped(Float32Array, parts);
}

export interface Features { train: Float32Array; val: Float32Array; test: Float32Array; dim: number }

/** Raw features z-scored with the training rows' statistics (copies: the task keeps its arrays). */
export const rawFeatures = (t: TabularTask): Features => standardize({ train: t.train.raw.slice(), val: t.val.raw.slice(), test: t.test.raw.slice(), dim: t.train.rawDim });

/**
 * Standardises every feature, in place, with the training rows' mean and deviation. The frozen
 * encoder's outputs vary across rows on a small scale next to their mean (its LayerNorm output
 * carries the positional encoding), below what a freshly initialised MLP can use; the z-score puts
 * every arm's inputs on one scale.
 */
function standardize(f: Features): Features {
  standardizeColumns(f.train, [f.val, f.test], f.dim);
  return f;
}

export function encoderFeatures(enc: Encoder, t: TabularTask, adapter: Adapter): Features {
  const train = embed(enc, t.train.x, adapter);
  return standardize({ train, val: embed(enc, t.val.x, adapter), test: embed(enc, t.test.x, adapter), dim: train.length / t.train.x.rows });
}

function evaluate(net: (x: tf.Tensor2D) => tf.Tensor2D, x: Float32Array, dim: number, split: SplitData, kind: TabularTask['kind']): number {
  return tf.tidy(() => {
    const out = net(tf.tensor2d(x, [split.y.length, dim])).dataSync();
    return kind === 'classification' ? accuracy({ values: out, numClasses: 2 }, split.y) : rmse(out, split.y);
  });
}

/**
 * Trains adapter (linear-flatten: a Linear(dim -> adapterDim); otherwise none) + MLP on the features;
 * accuracy for classification, RMSE (target units) for regression.
 */
export function trainDownstream(t: TabularTask, f: Features, useAdapter: boolean, cfg: DownstreamConfig, seed: number, log?: (l: string) => void): DownstreamResult {
  const rng = new Rng(seed, 'tabular-ssl/downstream');
  const outDim = t.kind === 'classification' ? 2 : 1;
  const adapter = useAdapter ? createMlp([f.dim, cfg.adapterDim], rng.stream('adapter'), 'adapter') : null;
  const mlp = createMlp([useAdapter ? cfg.adapterDim : f.dim, ...cfg.hidden, outDim], rng.stream('mlp'), 'head');
  const vars = [...(adapter?.params ?? []), ...mlp.params];
  const net = (x: tf.Tensor2D) => mlp.forward(adapter ? adapter.forward(x) : x);
  const opt = adamw({ weightDecay: cfg.weightDecay, decay: (v) => v.shape.length > 1 });
  const better = (a: number, b: number) => (t.kind === 'classification' ? a > b : a < b);
  const n = t.train.y.length;
  const order = rng.stream('order');
  let best = { val: t.kind === 'classification' ? -Infinity : Infinity, test: NaN, epoch: 0 };
  let epoch = 0;
  for (epoch = 1; epoch <= cfg.epochs; epoch++) {
    const perm = order.permutation(n);
    for (let s = 0; s < n; s += cfg.batchSize) {
      const idx = perm.slice(s, s + cfg.batchSize);
      const B = idx.length;
      const xb = new Float32Array(B * f.dim);
      idx.forEach((r, k) => xb.set(f.train.subarray(r * f.dim, (r + 1) * f.dim), k * f.dim));
      const yb = Float32Array.from(idx, (r) => t.train.y[r]);
      tf.tidy(() => {
        const x = tf.tensor2d(xb, [B, f.dim]);
        const { grads } = tf.variableGrads(() => {
          const out = net(x);
          return t.kind === 'classification'
            ? tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(yb, 'int32'), 2), out) as tf.Scalar
            : tf.mean(tf.squaredDifference(out.reshape([-1]), tf.tensor1d(yb))) as tf.Scalar;
        }, vars);
        opt.step(vars, vars.map((v) => grads[v.name]), cfg.lr);
      });
    }
    const val = evaluate(net, f.val, f.dim, t.val, t.kind);
    if (better(val, best.val)) best = { val, test: evaluate(net, f.test, f.dim, t.test, t.kind), epoch };
    log?.(`downstream epoch ${epoch}: val ${val.toFixed(4)} (best ${best.val.toFixed(4)} at ${best.epoch})`);
    if (epoch - best.epoch >= cfg.patience) break;
  }
  opt.dispose();
  for (const v of vars) v.dispose();
  return { metric: best.test, valMetric: best.val, bestEpoch: best.epoch, epochs: Math.min(epoch, cfg.epochs), ...(t.kind === 'regression' ? { rmseStd: best.test / t.targetStd } : {}) };
}
