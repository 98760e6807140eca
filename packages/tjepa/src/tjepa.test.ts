import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { captureEnv, initBackend, readCheckpoint, Rng } from '@repro/core';
import { readGolden } from '@repro/core/testing';
import { encoderPositionalEncoding, predictorPositionalEncoding } from './pe.js';
import { maskBounds, pyRound, sampleMasks, sampleSize } from './masks.js';
import { cosineWeightDecay, emaMomentum, emaUpdate, warmupCosine } from './schedules.js';
import { gatherTokens, type EncoderStack } from './layers.js';
import { createEncoder, createPredictor, disposeEncoder, encode, encoderParams, jepaLoss, numTokens, predict, predictorParams, tokenize, type TjepaShape } from './model.js';
import { pretrain, Trainer, UNKNOWN_COMMIT, type PretrainConfig } from './pretrain.js';

const g = readGolden<Record<string, unknown>>('tjepa/golden.json');
const close = (a: ArrayLike<number>, b: number[], tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  b.forEach((x, i) => expect(Math.abs(a[i] - x), `[${i}] ${a[i]} vs ${x}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(x))));
};

beforeAll(async () => { await initBackend(); });

/** A small pretraining config (fixed mask indexing, the reference's first step, no weight decay) with overrides. */
const trainerConfig = (over: Partial<PretrainConfig> = {}): PretrainConfig => ({
  epochs: 2, batchSize: 16, lr: 3e-3, warmupEpochs: 1, weightDecay: 0, finalWeightDecay: 0, emaStart: 0.996, numTargets: 4,
  shares: { minContext: 0.25, maxContext: 0.5, minTarget: 0.25, maxTarget: 0.5 }, maskIndexing: 'fixed', firstStep: 'reference', gradClip: 1, ...over,
});

/** A Trainer and the target encoder it hands out (Trainer.dispose leaves that to whoever took it). */
function disposeTrainer(t: Trainer): void {
  t.dispose();
  disposeEncoder(t.target);
}

describe('positional encodings', () => {
  it('encoder: base 100, sin and cos interleaved; predictor: base 10000, [sin | cos] halves', () => {
    close(encoderPositionalEncoding(3, 4), (g.encoder_pe_n3_d4 as number[][]).flat());
    close(predictorPositionalEncoding(3, 4), (g.predictor_pe_n3_d4 as number[][]).flat());
  });
});

describe('masks', () => {
  const launch = { minContext: 0.13628349247854785, maxContext: 0.36819012681604135, minTarget: 0.1556321308543076, maxTarget: 0.6222278244105446 };

  it('bounds round D * share half to even, as Python does', () => {
    for (const [k, v] of Object.entries(g.python_round_half_even_examples as Record<string, number>)) expect(pyRound(Number(k))).toBe(v);
    expect(maskBounds(54, launch)).toEqual(g.bounds_jannis_D54);
    expect(maskBounds(14, launch)).toEqual(g.bounds_adult_D14_launchshares);
    expect(maskBounds(8, launch)).toEqual(g.bounds_california_D8_launchshares);
    expect(maskBounds(14, { minContext: 0.2, maxContext: 0.4, minTarget: 0.2, maxTarget: 0.4 })).toEqual(g['bounds_defaults_D14_0.2_0.4']);
    expect(() => maskBounds(3, { minContext: 0.1, maxContext: 0.2, minTarget: 0.2, maxTarget: 0.4 })).toThrow(/too close|min context/);
  });

  it('sizes are min + round((max - min) u)', () => {
    const b = g.bounds_jannis_D54 as { min_ctx: number; max_ctx: number };
    for (const [k, v] of Object.entries(g.sample_size_examples as Record<string, number>)) expect(sampleSize(b.min_ctx, b.max_ctx, Number(k.slice(2)))).toBe(v);
  });

  it('sizes fixed per batch, context and targets disjoint, indices unique and in range, frequencies about uniform', () => {
    const D = 14;
    const bounds = maskBounds(D, launch);
    const rng = new Rng(3, 'masks');
    const freq = new Array(D + 1).fill(0);
    for (let r = 0; r < 200; r++) {
      const m = sampleMasks(32, D, 1, bounds, rng);
      expect(m.nCtx + m.nTrgt).toBeLessThanOrEqual(D);
      expect(m.nCtx).toBeGreaterThanOrEqual(bounds.min_ctx);
      expect(m.nTrgt).toBeLessThanOrEqual(bounds.max_trgt);
      expect(m.targets).toHaveLength(4);
      for (let b = 0; b < 32; b++) {
        const ctx = Array.from(m.context.slice(b * m.nCtx, (b + 1) * m.nCtx));
        expect(new Set(ctx).size).toBe(m.nCtx);
        for (const t of m.targets) {
          const tg = Array.from(t.slice(b * m.nTrgt, (b + 1) * m.nTrgt));
          expect(new Set(tg).size).toBe(m.nTrgt);
          for (const x of tg) { expect(ctx).not.toContain(x); freq[x]++; }
        }
        for (const x of ctx) { expect(x).toBeGreaterThanOrEqual(0); expect(x).toBeLessThan(D); freq[x]++; }
      }
    }
    // reference indexing: indices live in [0, D): token D (the last feature) is never chosen
    expect(freq[D]).toBe(0);
    const mean = freq.slice(0, D).reduce((a, b) => a + b, 0) / D;
    for (const f of freq.slice(0, D)) expect(Math.abs(f - mean) / mean).toBeLessThan(0.1);
    // fixed indexing shifts past the regularization tokens
    const fixed = sampleMasks(8, D, 2, bounds, new Rng(1), { indexing: 'fixed' });
    expect(Math.min(...fixed.context, ...fixed.targets.flatMap((t) => [...t]))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...fixed.context, ...fixed.targets.flatMap((t) => [...t]))).toBeLessThan(D + 2);
  });
});

describe('schedules', () => {
  it('EMA momentum and update', () => {
    close([0, 1, 10, 19, 20].map((i) => emaMomentum(i, 10, 2)), g.momentum_ipe10_ep2 as number[], 1e-9);
    const target = [1, -2, 0.5];
    emaUpdate(target, [0, 2, 1.5], 0.996);
    close(target, g['ema_update_m0.996'] as number[], 1e-9);
  });

  it('learning rate: linear warm-up, then cosine', () => {
    const lr = g.lr_ipe10_ep300_warm10 as Record<string, number>;
    for (const [k, v] of Object.entries(lr)) {
      expect(Math.abs(warmupCosine(Number(k), { warmupSteps: 100, totalSteps: 3000, refLr: 0.0003658682841082736 }) - v)).toBeLessThan(1e-12);
    }
  });
});

describe('gather and loss', () => {
  it('gathers tokens per row and takes the mean squared error', () => {
    const h = tf.range(0, 16).reshape([2, 4, 2]) as tf.Tensor3D;
    const got = gatherTokens(h, Int32Array.from([1, 3, 0, 2]), 2);
    close(got.dataSync(), (g.gather_h_idx as number[][][]).flat(2));
    expect(jepaLoss(tf.tensor([1, 2, 3, 4]), tf.tensor([0, 2, 1, 4])).dataSync()[0]).toBeCloseTo((1 + 0 + 4 + 0) / 4, 6);
  });
});

const shape: TjepaShape = { nReg: 1, numNumeric: 2, cardinalities: [3, 2], width: 8, layers: 1, heads: 2, ffn: 16, predWidth: 4, predLayers: 1, predHeads: 2, predFfn: 8, dropout: 0 };

/** Rows of `shape`'s features (2 numeric in [0, 1), categoricals of 3 and 2 values), drawn from `seed`. */
function rowsFor(n: number, seed: number): [tf.Tensor2D, tf.Tensor2D] {
  const rng = new Rng(seed);
  const xNum = tf.tensor2d(Float32Array.from({ length: n * 2 }, () => rng.float()), [n, 2]);
  const xCat = tf.tensor2d(Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 ? rng.int(2) : rng.int(3))), [n, 2]);
  return [xNum, xCat];
}

describe('model', () => {
  it('tokenizes [reg, numeric, categorical]: x W + b, Emb[c] + b, the reg token without bias', () => {
    const e = createEncoder(shape, new Rng(1), 't');
    const xNum = tf.tensor2d([[0.5, 2]]);
    const xCat = tf.tensor2d([[2, 1]]);
    const tok = tokenize(e.tok, shape, xNum, xCat).arraySync()[0];
    const W = e.tok.wNum.arraySync() as number[][];
    const b = e.tok.bias.arraySync() as number[][];
    const emb0 = e.tok.emb[0].arraySync() as number[][];
    close(tok[0], W[0]);
    close(tok[1], W[1].map((w, k) => 0.5 * w + b[0][k]));
    close(tok[2], W[2].map((w, k) => 2 * w + b[1][k]));
    close(tok[3], emb0[2].map((v, k) => v + b[2][k]));
    expect(tok).toHaveLength(numTokens(shape));
  });

  it('initialises as the reference modules end up: tokenizer U(+-1/sqrt(H)), embeddings and Linear std 0.02, attention in_proj Xavier-uniform', () => {
    const wide: TjepaShape = { ...shape, numNumeric: 40, cardinalities: [200], width: 64, heads: 4, ffn: 64, predWidth: 32, predLayers: 2, predHeads: 4, predFfn: 32 };
    const e = createEncoder(wide, new Rng(3), 'init');
    const p = createPredictor(wide, new Rng(4));
    const stats = (v: tf.Tensor) => { const a = v.dataSync(); let s = 0, m = 0; for (const x of a) { s += x * x; m = Math.max(m, Math.abs(x)); } return { std: Math.sqrt(s / a.length), max: m }; };
    // Uniform(+-b) has std b / sqrt(3); a truncated normal (cut at 2 sd) std 0.88 sd.
    for (const v of [e.tok.wNum, e.tok.bias]) {
      const s = stats(v);
      expect(s.max).toBeLessThanOrEqual(1 / 8);
      expect(s.std).toBeCloseTo(1 / 8 / Math.sqrt(3), 2);
    }
    expect(stats(e.tok.emb[0]).std).toBeCloseTo(0.02 * 0.88, 3);
    for (const [stack, W] of [[e.body, 64], [p.body, 32]] as const) {
      const qkv = stats(stack.layers[0].qkv.w);
      expect(qkv.max).toBeLessThanOrEqual(Math.sqrt(6 / (4 * W)));
      expect(qkv.std).toBeCloseTo(Math.sqrt(6 / (4 * W)) / Math.sqrt(3), 2);
      for (const lin of [stack.layers[0].out, stack.layers[0].ff1, stack.proj]) expect(stats(lin.w).std).toBeCloseTo(0.02 * 0.88, 2);
    }
    // The predictor's transformer is the reference's TabularEncoder: its tail (LayerNorm, Linear, LayerNorm) is trained.
    expect(p.body.layers).toHaveLength(2);
    expect(predictorParams(p)).toContain(p.body.proj.w);
    for (const v of [...encoderParams(e), ...predictorParams(p)]) v.dispose();
  });

  it('context encoder, target encoder and predictor have the right shapes, and gradients reach every trained weight', () => {
    const rng = new Rng(2);
    const enc = createEncoder(shape, rng, 'c');
    const pred = createPredictor(shape, rng);
    const xNum = tf.randomUniform([3, 2]) as tf.Tensor2D;
    const xCat = tf.tensor2d([[0, 1], [2, 0], [1, 1]]);
    const ctxIdx = Int32Array.from([0, 4, 2, 3, 1, 4]);
    const trgIdx = Int32Array.from([3, 4, 2, 0, 1, 4]);
    expect(encode(enc, xNum, xCat, null, null).shape).toEqual([3, 5, 8]);
    const vars = [...encoderParams(enc), ...predictorParams(pred)];
    const { value, grads } = tf.variableGrads(() => {
      const ctx = encode(enc, xNum, xCat, { idx: ctxIdx, n: 2 }, rng);
      expect(ctx.shape).toEqual([3, 2, 8]);
      const p = predict(pred, shape, ctx, ctxIdx, trgIdx, 2, rng);
      expect(p.shape).toEqual([3, 2, 8]);
      return jepaLoss(p, tf.zerosLike(p));
    }, vars);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const dead = vars.filter((v) => tf.max(tf.abs(grads[v.name])).dataSync()[0] === 0).map((v) => v.name);
    expect(dead).toEqual([]);
  });

  it("encoder and predictor forwards equal the reference modules' on the same weights", () => {
    // The numbers below came from the reference's own modules (jose-melo/t-jepa 98dda99: Encoder with
    // 1 reg token, width 4, 2 layers, 2 heads, FFN 8; Predictors 'transformer', width 4, 1 layer,
    // FFN 6, D = 3), run on Debian's PyTorch 1.13 in training mode with dropout 0 (which keeps
    // PyTorch's fused inference path out), with every parameter k (in `named_parameters()` order,
    // the unused template layer skipped) filled from `fill` below in PyTorch's layout.
    const s: TjepaShape = { numNumeric: 2, cardinalities: [3], nReg: 1, width: 4, layers: 2, heads: 2, ffn: 8, predWidth: 4, predLayers: 1, predHeads: 2, predFfn: 6, dropout: 0 };
    // Integer arithmetic, so both languages get the same values; LayerNorm weights centred on 1.
    const fill = (v: tf.Variable, k: number, torchShape: number[], layerNormWeight = false, transpose = false) => {
      const n = torchShape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(Float32Array.from({ length: n }, (_, i) => ((i * i * 31 + i * 7919 + k * 104729 + 17) % 1009) / 1009 - 0.5 + (layerNormWeight ? 1 : 0)), torchShape);
      v.assign((transpose ? x.transpose() : x).reshape(v.shape));
    };
    // nn.Linear and in_proj weights are [out, in] in PyTorch, [in, out] here.
    const fillStack = (st: EncoderStack, k: number, W: number, F: number) => {
      for (const l of st.layers) {
        fill(l.qkv.w, k, [3 * W, W], false, true); fill(l.qkv.b, k + 1, [3 * W]);
        fill(l.out.w, k + 2, [W, W], false, true); fill(l.out.b, k + 3, [W]);
        fill(l.ff1.w, k + 4, [F, W], false, true); fill(l.ff1.b, k + 5, [F]);
        fill(l.ff2.w, k + 6, [W, F], false, true); fill(l.ff2.b, k + 7, [W]);
        fill(l.ln1.g, k + 8, [W], true); fill(l.ln1.b, k + 9, [W]); fill(l.ln2.g, k + 10, [W], true); fill(l.ln2.b, k + 11, [W]);
        k += 12;
      }
      fill(st.proj.w, k, [W, W], false, true); fill(st.proj.b, k + 1, [W]);
      fill(st.ln1.g, k + 2, [W], true); fill(st.ln1.b, k + 3, [W]); fill(st.ln2.g, k + 4, [W], true); fill(st.ln2.b, k + 5, [W]);
    };
    const e = createEncoder(s, new Rng(1), 'ref');
    fill(e.tok.wNum, 0, [3, 4]); fill(e.tok.bias, 1, [3, 4]); fill(e.tok.emb[0], 2, [3, 4]);
    fillStack(e.body, 3, 4, 8);
    const p = createPredictor(s, new Rng(1));
    // Parameters 3 and 4 are TransformerPredictor.layer_norm, which its forward never uses.
    fill(p.maskToken, 0, [1, 1, 4]); fill(p.inProj.w, 1, [4, 4], false, true); fill(p.inProj.b, 2, [4]);
    fillStack(p.body, 5, 4, 6);
    fill(p.ln.g, 23, [4], true); fill(p.ln.b, 24, [4]); fill(p.outProj.w, 25, [4, 4], false, true); fill(p.outProj.b, 26, [4]);

    const xNum = tf.tensor2d([[0.1, 0.9], [0.5, 0.2], [1.0, 0.0]]);
    const xCat = tf.tensor2d([[2], [0], [1]]);
    const full = encode(e, xNum, xCat, null, null).arraySync();
    close(full[0][0], [-1.319632, -0.51967, 1.359151, -0.410522]); // row 0, the reg token
    close(full[2][3], [-0.763632, 0.51814, 0.980658, -1.481776]); // row 2, the categorical token
    const ctxIdx = Int32Array.from([0, 2, 1, 2, 2, 0]);
    const ctx = encode(e, xNum, xCat, { idx: ctxIdx, n: 2 }, null);
    close(ctx.arraySync()[1].flat(), [1.284605, 0.33903, -0.311001, -1.75077, 1.416836, 0.458717, -0.778275, -1.507439]);
    // The reference predicts both targets in one pass; row b of target t is its row t * B + b.
    close(predict(p, s, ctx, ctxIdx, Int32Array.from([1, 0, 1]), 1, null).arraySync()[1][0], [0.374821, 0.439116, -0.991839, -0.494049]);
    close(predict(p, s, ctx, ctxIdx, Int32Array.from([0, 2, 1]), 1, null).arraySync()[1][0], [0.415086, 0.34266, -0.929709, -0.329092]);
    for (const v of [...encoderParams(e), ...predictorParams(p)]) v.dispose();
  });

  it('one predictor pass over the context repeated per target equals one pass per target (rows never mix)', () => {
    const rng = new Rng(5);
    const enc = createEncoder(shape, rng, 'r');
    const pred = createPredictor(shape, rng);
    const xNum = tf.randomUniform([3, 2], 0, 1, 'float32', 7) as tf.Tensor2D;
    const xCat = tf.tensor2d([[0, 1], [2, 0], [1, 1]]);
    const ctxIdx = Int32Array.from([0, 4, 2, 3, 1, 4]);
    const targets = [Int32Array.from([3, 1, 0, 4, 2, 3]), Int32Array.from([1, 2, 1, 2, 0, 3])];
    const ctx = encode(enc, xNum, xCat, { idx: ctxIdx, n: 2 }, null);
    const apart = tf.concat(targets.map((t) => predict(pred, shape, ctx, ctxIdx, t, 2, null)), 0);
    const stacked = predict(pred, shape, tf.tile(ctx, [2, 1, 1]) as tf.Tensor3D, Int32Array.from([...ctxIdx, ...ctxIdx]), Int32Array.from([...targets[0], ...targets[1]]), 2, null);
    expect(stacked.shape).toEqual([6, 2, 8]);
    close(stacked.dataSync(), Array.from(apart.dataSync()), 1e-5);
  });

  it("steps on the reference's schedules: step s at its lr for s (step 0 at AdamW's defaults), the EMA after it at m_s", () => {
    const cfg = trainerConfig({ epochs: 300, lr: 0.0003658682841082736, warmupEpochs: 10, weightDecay: 0.04, finalWeightDecay: 0.4 });
    const reference = new Trainer(shape, cfg, 1, 10);
    // The golden table is the reference scheduler's lr after its k-th step() call, which sets the
    // lr of optimizer step k; its first step runs at AdamW's defaults.
    for (const [k, v] of Object.entries(g.lr_ipe10_ep300_warm10 as Record<string, number>)) expect(Math.abs(reference.schedule(Number(k)).lr - v)).toBeLessThan(1e-12);
    expect(reference.schedule(0)).toEqual({ lr: 1e-3, wd: 1e-2, momentum: 0.996 });
    expect(reference.schedule(1).wd).toBeCloseTo(cosineWeightDecay(1, { totalSteps: 3000, refWd: 0.04, finalWd: 0.4 }), 12);
    const short = new Trainer(shape, { ...cfg, epochs: 2, warmupEpochs: 1 }, 1, 10);
    close([0, 1, 10, 19, 20].map((i) => short.schedule(i).momentum), g.momentum_ipe10_ep2 as number[], 1e-9);
    // 'scheduled' runs the schedules one step earlier, so step 0 has the first warm-up lr.
    const scheduled = new Trainer(shape, { ...cfg, firstStep: 'scheduled' as const }, 1, 10);
    expect(scheduled.schedule(0).lr).toBeCloseTo(warmupCosine(1, { warmupSteps: 100, totalSteps: 3000, refLr: cfg.lr }), 15);
    expect(scheduled.schedule(99).lr).toBeCloseTo(cfg.lr, 15);
    for (const t of [reference, short, scheduled]) disposeTrainer(t);
  });

  it("AdamW decays what the reference's parameter groups decay: not biases (the tokenizer's is 2-D) nor 1-D parameters, but the mask token", () => {
    const cfg = trainerConfig({ epochs: 1, lr: 1e-3, warmupEpochs: 1 });
    const t = new Trainer(shape, cfg, 1, 1);
    const { tok, body } = t.ctxEnc;
    expect([tok.wNum, ...tok.emb, body.layers[0].qkv.w, body.layers[0].ff2.w, body.proj.w, t.pred.inProj.w, t.pred.outProj.w].every((v) => t.decays(v))).toBe(true);
    expect(t.decays(t.pred.maskToken)).toBe(true);
    expect([tok.bias, body.layers[0].qkv.b, body.layers[0].ln1.g, body.ln2.b, t.pred.ln.g, t.pred.outProj.b].some((v) => t.decays(v))).toBe(false);
    disposeTrainer(t);
  });

  it("a training step moves the target encoder by the EMA update the golden vectors check (emaUpdate's formula)", async () => {
    const cfg = trainerConfig();
    const trainer = new Trainer(shape, cfg, 3, 5);
    const [xNum, xCat] = rowsFor(16, 6);
    await trainer.step(xNum, xCat, 1);
    const before = encoderParams(trainer.target).map((v) => Array.from(v.dataSync()));
    await trainer.step(xNum, xCat, 1);
    // The reference's momentum generator starts at i = 0 after the first step: the second uses m_1.
    const m = emaMomentum(1, 5, 2, 0.996);
    const online = encoderParams(trainer.ctxEnc);
    encoderParams(trainer.target).forEach((v, i) => {
      const expected = before[i];
      emaUpdate(expected, online[i].dataSync(), m);
      close(v.dataSync(), expected, 1e-6);
    });
    disposeTrainer(trainer);
  });

  it('a batch split into micro-batches gives the gradients and loss of the whole batch, and frees its slices', () => {
    const cfg = trainerConfig();
    const whole = new Trainer(shape, cfg, 3, 5);
    const split = new Trainer(shape, { ...cfg, microBatch: 5 }, 3, 5); // slices of 5, 5, 5 and 1 rows
    const [xNum, xCat] = rowsFor(16, 8);
    const masks = sampleMasks(16, 4, shape.nReg, maskBounds(4, cfg.shares), new Rng(9), { indexing: 'fixed' });
    const a = whole.gradients(xNum, xCat, masks);
    const before = tf.memory().numTensors;
    const b = split.gradients(xNum, xCat, masks);
    // only the result stays: the loss and one gradient per trained variable
    expect(tf.memory().numTensors - before).toBe(1 + Object.keys(b.grads).length);
    close(b.value.dataSync(), Array.from(a.value.dataSync()), 1e-5);
    const names = Object.keys(a.grads);
    expect(Object.keys(b.grads).length).toBe(names.length);
    expect(names.length).toBeGreaterThan(encoderParams(whole.ctxEnc).length); // the predictor's too
    names.forEach((name, i) => {
      const other = b.grads[Object.keys(b.grads)[i]];
      const ga = Array.from(a.grads[name].dataSync());
      const scale = Math.max(...ga.map(Math.abs));
      close(other.dataSync().map((g) => g / scale), ga.map((g) => g / scale), 1e-5);
    });
    for (const t of [whole, split]) disposeTrainer(t);
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads), xNum, xCat]);
  });

  it('dropout masks come from the run seed: the same seed repeats its steps, another seed differs', async () => {
    const [xNum, xCat] = rowsFor(16, 10);
    const losses = async (dropout: number, seed: number) => {
      const t = new Trainer({ ...shape, dropout }, trainerConfig(), seed, 5);
      const out = [await t.step(xNum, xCat, 1), await t.step(xNum, xCat, 1)];
      disposeTrainer(t);
      return out;
    };
    const a = await losses(0.3, 1);
    expect(await losses(0.3, 1)).toEqual(a);
    expect((await losses(0.3, 2))[0]).not.toBe(a[0]);
    // the masks and initial weights do not depend on dropout, so this difference is dropout itself
    expect((await losses(0, 1))[0]).not.toBe(a[0]);
    tf.dispose([xNum, xCat]);
  });

  it('attention as batched products gives the bits of the broadcast multiply-and-sum it replaced (records made before still repeat)', () => {
    const rng = new Rng(11);
    // T-JEPA's quick shapes: 2 heads of 8 over 15 tokens (Adult), 4 over 9 (the predictor, California)
    for (const [n, T, d] of [[64, 15, 8], [32, 9, 4]]) {
      const q = tf.tensor3d(Float32Array.from({ length: n * T * d }, () => rng.float() - 0.5), [n, T, d]);
      const k = tf.tensor3d(Float32Array.from({ length: n * T * d }, () => rng.float() - 0.5), [n, T, d]);
      const v = tf.tensor3d(Float32Array.from({ length: n * T * d }, () => rng.float() - 0.5), [n, T, d]);
      const products = (f: (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor) => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(f(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D))));
        return [f(q, k, v), ...g([q, k, v])].map((t) => Array.from(t.dataSync()));
      };
      const batched = products((a, b, c) => tf.matMul(tf.softmax(tf.matMul(a, b, false, true)), c));
      const broadcast = products((a, b, c) => {
        const att = tf.softmax(tf.sum(tf.mul(a.reshape([n, T, 1, d]), b.reshape([n, 1, T, d])), 3));
        return tf.sum(tf.mul(att.reshape([n, T, T, 1]), c.reshape([n, 1, T, d])), 2);
      });
      batched.forEach((x, i) => expect(x, `output ${i} for ${n}x${T}x${d}`).toEqual(broadcast[i]));
      tf.dispose([q, k, v]);
    }
  });

  it('pretraining lowers the loss, keeps memory flat, and the target encoder follows the context encoder by EMA', async () => {
    const N = 256;
    const [numeric, categorical] = rowsFor(N, 4);
    const cfg = trainerConfig({ epochs: 3, batchSize: 64, weightDecay: 0.01, finalWeightDecay: 0.01 });
    const before = tf.memory().numTensors;
    const res = await pretrain({ rows: N, numeric, categorical }, shape, cfg, 1);
    expect(res.steps).toBe(12);
    expect(res.history[2].loss).toBeLessThan(res.history[0].loss);
    const fresh = createEncoder(shape, new Rng(1, 'tjepa').stream('encoder'), 'again');
    // the target encoder moved away from its initial copy of the context encoder, but only a little (EMA)
    const delta = tf.tidy(() => tf.max(tf.abs(tf.sub(res.target.tok.wNum, fresh.tok.wNum))).dataSync()[0]);
    expect(delta).toBeGreaterThan(0);
    expect(delta).toBeLessThan(0.05);
    disposeEncoder(res.target);
    disposeEncoder(fresh);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('an interrupted pretraining run resumes from its checkpoint with the same bits (saying so when other code wrote it); one for other settings is ignored; one that cannot be written does not stop the run', async () => {
    const N = 192;
    const [numeric, categorical] = rowsFor(N, 5);
    const data = { rows: N, numeric, categorical };
    // Dropout on, so the dropout stream has to come back too.
    const sh = { ...shape, dropout: 0.1 };
    const cfg = trainerConfig({ epochs: 4, batchSize: 64 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tjepa-ckpt-'));
    const file = path.join(dir, 'run.ckpt');
    const before = tf.memory().numTensors;
    const weights = (r: { target: Parameters<typeof encoderParams>[0] }) => encoderParams(r.target).map((v) => Array.from(v.dataSync()));
    const curve = (r: { history: { loss: number; embStd: number; meanPairwiseDistance: number }[] }) => r.history.map((h) => [h.loss, h.embStd, h.meanPairwiseDistance]);
    const free = (r: { target: Parameters<typeof encoderParams>[0] }) => disposeEncoder(r.target);

    const straight = await pretrain(data, sh, cfg, 3);
    // The log line of epoch 2 throws: the run stops after that epoch's checkpoint was written.
    const stopAt = (epoch: number) => (l: string) => { if (l.startsWith(`pretrain epoch ${epoch}/`)) throw new Error('interrupted'); };
    const first: string[] = [];
    await expect(pretrain(data, sh, cfg, 3, { log: (l) => { first.push(l); stopAt(2)(l); }, checkpoint: { file, everySeconds: 0 } })).rejects.toThrow('interrupted');
    expect(existsSync(file)).toBe(true);
    // It keeps the commit that wrote it: by default the checkout's, as result records read it.
    expect(readCheckpoint(file)!.meta.commit).toBe(captureEnv().git.sha);
    // The first write says where the checkpoint is, once.
    expect(first.filter((l) => l.includes(`checkpoint ${file} written after epoch 1`))).toHaveLength(1);
    expect(first.filter((l) => l.includes('written after'))).toHaveLength(1);
    const lines: string[] = [];
    const resumed = await pretrain(data, sh, cfg, 3, { log: (l) => lines.push(l), checkpoint: { file, everySeconds: 0 } });
    expect(lines[0]).toMatch(/resuming from checkpoint .* after epoch 2/);
    expect(lines.filter((l) => l.startsWith('pretrain epoch'))).toHaveLength(2);
    // Each epoch but the last says about how long is left.
    expect(lines.find((l) => l.startsWith('pretrain epoch 3/4'))).toMatch(/\(\d+\.\d s; about \d+ s left\)$/);
    expect(lines.find((l) => l.startsWith('pretrain epoch 4/4'))).toMatch(/\(\d+\.\d s\)$/);
    expect(resumed.resumedAtEpoch).toBe(2);
    // Written and resumed by the same checkout: nothing to say about the code.
    expect(resumed.resumedFromCommit).toBeUndefined();
    expect(lines.filter((l) => l.includes('written by commit'))).toEqual([]);
    expect(resumed.steps).toBe(straight.steps);
    expect(curve(resumed)).toEqual(curve(straight));
    expect(weights(resumed)).toEqual(weights(straight));
    expect(existsSync(file)).toBe(false);

    // A checkpoint written by other code is resumed (the key covers settings, seed and data), and said so.
    await expect(pretrain(data, sh, cfg, 3, { log: stopAt(2), checkpoint: { file, everySeconds: 0, commit: 'a'.repeat(40) } })).rejects.toThrow('interrupted');
    const moved: string[] = [];
    const later = await pretrain(data, sh, cfg, 3, { log: (l) => moved.push(l), checkpoint: { file, everySeconds: 0, commit: 'b'.repeat(40) } });
    expect(moved[1]).toBe('pretrain: that checkpoint was written by commit aaaaaaaaaa and this is bbbbbbbbbb: epochs 1-2 ran on that code');
    expect(later.resumedFromCommit).toBe('a'.repeat(40));
    expect(weights(later)).toEqual(weights(straight));
    // One that records no commit (written before checkpoints kept one, or outside git) is said so too.
    await expect(pretrain(data, sh, cfg, 3, { log: stopAt(2), checkpoint: { file, everySeconds: 0, commit: null } })).rejects.toThrow('interrupted');
    const unnamed: string[] = [];
    const anon = await pretrain(data, sh, cfg, 3, { log: (l) => unnamed.push(l), checkpoint: { file, everySeconds: 0, commit: 'b'.repeat(40) } });
    expect(unnamed[1]).toBe('pretrain: that checkpoint does not record the commit that wrote it (this is bbbbbbbbbb): epochs 1-2 ran on code this run cannot name');
    expect(anon.resumedFromCommit).toBe(UNKNOWN_COMMIT);

    // A checkpoint written by another seed is not resumed: the run starts over and matches the straight one.
    await expect(pretrain(data, sh, cfg, 4, { log: stopAt(1), checkpoint: { file, everySeconds: 0 } })).rejects.toThrow('interrupted');
    const other: string[] = [];
    const fresh = await pretrain(data, sh, cfg, 3, { log: (l) => other.push(l), checkpoint: { file, everySeconds: 0 } });
    expect(other[0]).toMatch(/ignoring checkpoint .* written for other settings/);
    expect(fresh.resumedAtEpoch).toBeUndefined();
    expect(weights(fresh)).toEqual(weights(straight));

    // A checkpoint that cannot be written (its folder is a file) is reported, and the run goes on.
    const blocked = path.join(dir, 'not-a-folder');
    writeFileSync(blocked, 'x');
    const warned: string[] = [];
    const unprotected = await pretrain(data, sh, cfg, 3, { log: (l) => warned.push(l), checkpoint: { file: path.join(blocked, 'run.ckpt'), everySeconds: 0 } });
    expect(warned.filter((l) => /cannot write checkpoint .*continuing without checkpoints/.test(l))).toHaveLength(1);
    expect(weights(unprotected)).toEqual(weights(straight));

    [straight, resumed, later, anon, fresh, unprotected].forEach(free);
    expect(tf.memory().numTensors).toBe(before);
    rmSync(dir, { recursive: true });
  }, 60_000);
});
