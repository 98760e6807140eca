/**
 * The building blocks of the T-JEPA encoders and predictor in TensorFlow.js: a linear layer,
 * LayerNorm, and a post-norm transformer encoder layer (PyTorch's `nn.TransformerEncoderLayer`
 * with `norm_first=False` and ReLU): x = LN1(x + MHA(x)); x = LN2(x + FFN(x)), and the reference's
 * `TabularEncoder` (layers, dropout, LayerNorm, Linear, dropout, LayerNorm). Initialisation follows
 * what the reference's modules end up with: every `nn.Linear` weight (the attention output, the
 * feed-forward layers, the tail's Linear) from a truncated normal with std 0.02 and biases from zero
 * (its `trunc_normal` init), but the attention's packed query/key/value projection is not an
 * `nn.Linear`, so it keeps PyTorch's `MultiheadAttention` init: Xavier-uniform weights, zero bias.
 * Sequences are [batch, tokens, width]; projections run on [batch * tokens, width] because the
 * batched-matmul gradient rejects broadcast batch dimensions. Dropout draws its masks from the
 * run's seed (`Mode.rng`, a stream of it), so a run with dropout repeats; without an Rng
 * (evaluation) there is no dropout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dropout as seededDropout, type Rng } from '@repro/core';

let counter = 0;
const uid = (name: string) => `${name}_${counter++}`;

/** A trainable variable from an initial tensor, which is then released (the variable keeps the data). */
function variableFrom(init: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(init, true, uid(name));
  init.dispose();
  return v;
}

export function truncNormal(shape: number[], rng: Rng, name: string, std = 0.02): tf.Variable {
  return variableFrom(tf.truncatedNormal(shape, 0, std, 'float32', rng.int(2 ** 31)), name);
}

/** U(-bound, bound). */
export function uniform(shape: number[], bound: number, rng: Rng, name: string): tf.Variable {
  return variableFrom(tf.randomUniform(shape, -bound, bound, 'float32', rng.int(2 ** 31)), name);
}

export const zeros = (shape: number[], name: string) => variableFrom(tf.zeros(shape), name);
export const ones = (shape: number[], name: string) => variableFrom(tf.ones(shape), name);

export interface Linear { w: tf.Variable; b: tf.Variable }

export function linear(inDim: number, outDim: number, rng: Rng, name: string): Linear {
  return { w: truncNormal([inDim, outDim], rng, `${name}/w`), b: zeros([outDim], `${name}/b`) };
}

/** x [..., in] -> [..., out]. */
export function applyLinear(l: Linear, x: tf.Tensor): tf.Tensor {
  const shape = x.shape as number[];
  const flat = x.reshape([-1, shape[shape.length - 1]]) as tf.Tensor2D;
  return tf.add(tf.matMul(flat, l.w as tf.Tensor2D), l.b).reshape([...shape.slice(0, -1), l.w.shape[1] as number]);
}

export interface Norm { g: tf.Variable; b: tf.Variable }
export const norm = (dim: number, name: string): Norm => ({ g: ones([dim], `${name}/g`), b: zeros([dim], `${name}/b`) });

export function layerNorm(x: tf.Tensor, n: Norm, eps = 1e-5): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), n.g), n.b);
}

export interface EncoderLayer { qkv: Linear; out: Linear; ff1: Linear; ff2: Linear; ln1: Norm; ln2: Norm; heads: number }

export function encoderLayer(width: number, heads: number, ffn: number, rng: Rng, name: string): EncoderLayer {
  if (width % heads) throw new Error(`width ${width} is not divisible by ${heads} heads`);
  return {
    // Xavier-uniform over the [3W, W] in_proj_weight: bound sqrt(6 / (W + 3W)).
    qkv: { w: uniform([width, 3 * width], Math.sqrt(6 / (4 * width)), rng, `${name}/qkv/w`), b: zeros([3 * width], `${name}/qkv/b`) }, out: linear(width, width, rng, `${name}/out`),
    ff1: linear(width, ffn, rng, `${name}/ff1`), ff2: linear(ffn, width, rng, `${name}/ff2`),
    ln1: norm(width, `${name}/ln1`), ln2: norm(width, `${name}/ln2`), heads,
  };
}

export function layerParams(l: EncoderLayer): tf.Variable[] {
  return [l.qkv.w, l.qkv.b, l.out.w, l.out.b, l.ff1.w, l.ff1.b, l.ff2.w, l.ff2.b, l.ln1.g, l.ln1.b, l.ln2.g, l.ln2.b];
}

/** How a layer runs: its dropout rate, and the stream dropout masks come from while training (null: evaluating). */
export interface Mode { dropout: number; rng: Rng | null }

function dropout(x: tf.Tensor, m: Mode): tf.Tensor {
  // Seeded (tf.dropout without a seed would draw from Math.random: a different mask in every
  // process), through core's dropout: tf.dropout's bits, in one kernel call instead of four.
  return m.rng && m.dropout > 0 ? seededDropout(x, m.dropout, m.rng.tfSeed()) : x;
}

export function applyEncoderLayer(l: EncoderLayer, x: tf.Tensor3D, m: Mode): tf.Tensor3D {
  const [B, T, W] = x.shape;
  const h = l.heads;
  const dh = W / h;
  // Projections on [B*T, W]; heads split with 4-D tensors only (the wasm kernels stop at 4-D).
  const qkv = tf.add(tf.matMul(x.reshape([B * T, W]), l.qkv.w), l.qkv.b) as tf.Tensor2D;
  const [q, k, v] = tf.split(qkv, 3, 1).map((t) => t.reshape([B, T, h, dh]).transpose([0, 2, 1, 3]).reshape([B * h, T, dh]));
  // Tabular sequences are short (a token per feature), so these are thousands of tiny products,
  // which core's wasm BatchMatMul runs on its small-product loop (the stock loop's bits). They give
  // the bits of the broadcast multiply-and-sum used before (tested), in less time.
  const scores = tf.matMul(q, k, false, true);
  const att = dropout(tf.softmax(tf.div(scores, Math.sqrt(dh))), m);
  const mixed = tf.matMul(att, v);
  const ctx = mixed.reshape([B, h, T, dh]).transpose([0, 2, 1, 3]).reshape([B, T, W]);
  const x1 = layerNorm(tf.add(x, dropout(applyLinear(l.out, ctx), m)), l.ln1);
  const f = applyLinear(l.ff2, dropout(tf.relu(applyLinear(l.ff1, x1)), m));
  return layerNorm(tf.add(x1, dropout(f, m)), l.ln2) as tf.Tensor3D;
}

/** Rows `idx[b, i]` of x [B, T, W] -> [B, n, W] (a gather on the flattened tokens, so its gradient is a segment sum). */
export function gatherTokens(x: tf.Tensor3D, idx: Int32Array, n: number): tf.Tensor3D {
  const [B, T, W] = x.shape;
  const flat = Int32Array.from(idx, (t, i) => Math.floor(i / n) * T + t);
  return tf.gather(x.reshape([B * T, W]), tf.tensor1d(flat, 'int32')).reshape([B, n, W]) as tf.Tensor3D;
}

/** The reference's `TabularEncoder`: transformer layers, then dropout, LayerNorm, Linear, dropout, LayerNorm. */
export interface EncoderStack { layers: EncoderLayer[]; ln1: Norm; proj: Linear; ln2: Norm }

export function encoderStack(width: number, depth: number, heads: number, ffn: number, rng: Rng, name: string): EncoderStack {
  return {
    layers: Array.from({ length: depth }, (_, i) => encoderLayer(width, heads, ffn, rng, `${name}/l${i}`)),
    ln1: norm(width, `${name}/ln1`), proj: linear(width, width, rng, `${name}/proj`), ln2: norm(width, `${name}/ln2`),
  };
}

export function stackParams(s: EncoderStack): tf.Variable[] {
  return [...s.layers.flatMap(layerParams), s.ln1.g, s.ln1.b, s.proj.w, s.proj.b, s.ln2.g, s.ln2.b];
}

export function applyEncoderStack(s: EncoderStack, x: tf.Tensor3D, m: Mode): tf.Tensor3D {
  let h = x;
  for (const l of s.layers) h = applyEncoderLayer(l, h, m);
  return layerNorm(dropout(applyLinear(s.proj, layerNorm(dropout(h, m), s.ln1)), m), s.ln2) as tf.Tensor3D;
}
