/**
 * One T-JEPA pretraining step (masks, context and target encoders, all 4 targets in one predictor pass, clamped
 * gradients, AdamW, EMA) on an Adult-shaped batch: 512 rows, 6 numeric and 8 categorical features,
 * the tabular-ssl quick-profile model, or with `--config JSON` the model and pretraining settings
 * given (`{ model, pretrain }`, as tabular-ssl's `tabularConfig` makes them; suite tjepa-step passes
 * its full profile this way). `node dist/bench/step.bench.js` measures in three fresh processes;
 * suite tjepa-step records it.
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { benchMain, initBackend, Rng } from '@repro/core';
import { Trainer, type PretrainConfig } from '../pretrain.js';
import type { TjepaShape } from '../model.js';

const CARDS = [9, 17, 8, 15, 7, 6, 3, 42];
const B = 512;
let trainer: Trainer | null = null;
let xNum: tf.Tensor2D | null = null;
let xCat: tf.Tensor2D | null = null;

const at = process.argv.indexOf('--config');
const given = at < 0 ? null : JSON.parse(process.argv[at + 1]) as { model: Omit<TjepaShape, 'numNumeric' | 'cardinalities'>; pretrain: PretrainConfig };

await benchMain(fileURLToPath(import.meta.url), {
  name: 'tjepa-step',
  time: 2000,
  // A full-profile step takes seconds: two timed steps per round, beside the warm-up ones.
  iterations: given ? 2 : 5,
  setup: async () => {
    await initBackend();
    const rng = new Rng(1, 'tjepa-step-bench');
    xNum = tf.tensor2d(Float32Array.from({ length: B * 6 }, () => rng.float()), [B, 6]);
    xCat = tf.tensor2d(Float32Array.from({ length: B * CARDS.length }, (_, i) => rng.int(CARDS[i % CARDS.length])), [B, CARDS.length]);
    trainer = given ? new Trainer({ ...given.model, numNumeric: 6, cardinalities: CARDS }, { ...given.pretrain, batchSize: B }, 1, 64) : new Trainer(
      { nReg: 1, numNumeric: 6, cardinalities: CARDS, width: 16, layers: 2, heads: 2, ffn: 32, predWidth: 8, predLayers: 1, predHeads: 2, predFfn: 16, dropout: 0 },
      { epochs: 1000, batchSize: B, lr: 1e-3, warmupEpochs: 1, weightDecay: 0, finalWeightDecay: 0, emaStart: 0.996, numTargets: 4,
        shares: { minContext: 0.13628349247854785, maxContext: 0.36819012681604135, minTarget: 0.1556321308543076, maxTarget: 0.6222278244105446 },
        maskIndexing: 'reference', firstStep: 'reference', gradClip: 1 },
      1, 100);
  },
  tasks: { pretrain_step: async () => { await trainer!.step(xNum!, xCat!, 1); } },
});
