/**
 * T-JEPA's networks, after the reference's `src/encoder.py` and `src/predictors.py`.
 *
 * Tokenizer (FT-Transformer style): numeric feature j -> x_j W_j + b_j; categorical feature j ->
 * Emb_j[c] + b_j; nReg regularization tokens (the reference's `n_cls_tokens`) first, W_reg with no
 * bias; token order [reg..., numeric..., categorical...]. W and b are plain parameters of the
 * reference's Tokenizer, which its `init_weights` (Linear and Embedding only) never touches: they
 * keep `kaiming_uniform_(a=sqrt(5))`, U(+-1/sqrt(H)) (fan-in is a [rows, H] tensor's H); the
 * categorical tables are `nn.Embedding`s, so truncated normal, std 0.02. The encoder adds the base-100 positional
 * encoding to every token, runs post-norm transformer layers, then dropout, LayerNorm, Linear(H, H),
 * dropout, LayerNorm. The context encoder sees only the context tokens; the target encoder (an EMA
 * copy) sees all of them. The predictor maps context tokens to width P, adds its own positional
 * encoding, appends a learned mask token (plus encoding) at each target index, runs a transformer of
 * width P (the reference's TabularEncoder again: layers, LayerNorm, Linear, LayerNorm), a LayerNorm,
 * and maps the query positions back to H.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@repro/core';
import {
  applyEncoderStack, applyLinear, encoderStack, gatherTokens, layerNorm, linear, norm, stackParams, truncNormal, uniform,
  type EncoderStack, type Linear, type Norm,
} from './layers.js';
import { encoderPositionalEncoding, predictorPositionalEncoding } from './pe.js';

export interface TjepaShape {
  numNumeric: number;
  /** Cardinality of each categorical feature (index = label code). */
  cardinalities: number[];
  nReg: number;
  width: number;
  layers: number;
  heads: number;
  ffn: number;
  predWidth: number;
  predLayers: number;
  predHeads: number;
  predFfn: number;
  dropout: number;
}

export interface Tokenizer { wNum: tf.Variable; bias: tf.Variable; emb: tf.Variable[] }

export interface Encoder { tok: Tokenizer; body: EncoderStack; pe: tf.Tensor2D; shape: TjepaShape }

export interface Predictor { inProj: Linear; maskToken: tf.Variable; body: EncoderStack; ln: Norm; outProj: Linear; pe: tf.Tensor2D }

export const numTokens = (s: TjepaShape) => s.nReg + s.numNumeric + s.cardinalities.length;

export function createEncoder(s: TjepaShape, rng: Rng, name: string): Encoder {
  const H = s.width;
  const T = numTokens(s);
  return {
    tok: {
      wNum: uniform([s.nReg + s.numNumeric, H], 1 / Math.sqrt(H), rng, `${name}/tok/w`),
      bias: uniform([s.numNumeric + s.cardinalities.length, H], 1 / Math.sqrt(H), rng, `${name}/tok/b`),
      emb: s.cardinalities.map((c, j) => truncNormal([c, H], rng, `${name}/tok/emb${j}`)),
    },
    body: encoderStack(H, s.layers, s.heads, s.ffn, rng, name),
    pe: tf.tensor2d(encoderPositionalEncoding(T, H), [T, H]),
    shape: s,
  };
}

export function encoderParams(e: Encoder): tf.Variable[] {
  return [e.tok.wNum, e.tok.bias, ...e.tok.emb, ...stackParams(e.body)];
}

/** Frees an encoder: its variables and its positional encoding. */
export function disposeEncoder(e: Encoder): void {
  for (const v of encoderParams(e)) v.dispose();
  e.pe.dispose();
}

/** Tokens [B, T, H] of a batch: numeric [B, nNum] (scaled), categorical codes [B, nCat]. */
export function tokenize(t: Tokenizer, s: TjepaShape, xNum: tf.Tensor2D, xCat: tf.Tensor2D | null): tf.Tensor3D {
  const B = xNum.shape[0];
  const withReg = tf.concat([tf.ones([B, s.nReg]), xNum], 1); // [B, nReg + nNum]
  const numTok = tf.mul(withReg.expandDims(2), t.wNum.expandDims(0)); // [B, nReg + nNum, H]
  const parts: tf.Tensor[] = [numTok];
  if (xCat && s.cardinalities.length) {
    const codes = tf.split(xCat.toInt(), s.cardinalities.length, 1);
    parts.push(tf.stack(codes.map((c, j) => tf.gather(t.emb[j], c.reshape([B]))), 1));
  }
  const x = tf.concat(parts, 1);
  const bias = tf.concat([tf.zeros([s.nReg, s.width]), t.bias], 0);
  return tf.add(x, bias.expandDims(0)) as tf.Tensor3D;
}

/**
 * Encodes the tokens at `idx` ([B * n], token positions) or all tokens when idx is null. `train`:
 * the stream dropout masks are drawn from while training; null when evaluating (no dropout).
 */
export function encode(e: Encoder, xNum: tf.Tensor2D, xCat: tf.Tensor2D | null, idx: { idx: Int32Array; n: number } | null, train: Rng | null): tf.Tensor3D {
  let h = tf.add(tokenize(e.tok, e.shape, xNum, xCat), e.pe.expandDims(0)) as tf.Tensor3D;
  if (idx) h = gatherTokens(h, idx.idx, idx.n);
  return applyEncoderStack(e.body, h, { dropout: e.shape.dropout, rng: train });
}

export function createPredictor(s: TjepaShape, rng: Rng): Predictor {
  const T = numTokens(s);
  return {
    inProj: linear(s.width, s.predWidth, rng, 'pred/in'),
    maskToken: truncNormal([s.predWidth], rng, 'pred/mask'),
    body: encoderStack(s.predWidth, s.predLayers, s.predHeads, s.predFfn, rng, 'pred'),
    ln: norm(s.predWidth, 'pred/ln'),
    outProj: linear(s.predWidth, s.width, rng, 'pred/out'),
    pe: tf.tensor2d(predictorPositionalEncoding(T, s.predWidth), [T, s.predWidth]),
  };
}

export function predictorParams(p: Predictor): tf.Variable[] {
  return [p.inProj.w, p.inProj.b, p.maskToken, ...stackParams(p.body), p.ln.g, p.ln.b, p.outProj.w, p.outProj.b];
}

/**
 * Predictions [B, nTrgt, H] for one target: the context [B, nCtx, H] at positions ctxIdx, queries at
 * trgtIdx ([B * n] token positions each).
 */
export function predict(p: Predictor, s: TjepaShape, ctx: tf.Tensor3D, ctxIdx: Int32Array, trgtIdx: Int32Array, nTrgt: number, train: Rng | null): tf.Tensor3D {
  const [B, nCtx] = ctx.shape;
  const posCtx = tf.gather(p.pe, tf.tensor1d(ctxIdx, 'int32')).reshape([B, nCtx, s.predWidth]);
  const posTrg = tf.gather(p.pe, tf.tensor1d(trgtIdx, 'int32')).reshape([B, nTrgt, s.predWidth]);
  const c = tf.add(applyLinear(p.inProj, ctx), posCtx);
  const q = tf.add(p.maskToken.reshape([1, 1, s.predWidth]), posTrg);
  const h = applyEncoderStack(p.body, tf.concat([c, q], 1) as tf.Tensor3D, { dropout: s.dropout, rng: train });
  const out = layerNorm(h, p.ln).slice([0, nCtx, 0], [B, nTrgt, s.predWidth]);
  return applyLinear(p.outProj, out) as tf.Tensor3D;
}

/** Mean squared error of the predictions against the target features (the reference's loss). */
export const jepaLoss = (pred: tf.Tensor, target: tf.Tensor): tf.Scalar => tf.mean(tf.squaredDifference(pred, target));
