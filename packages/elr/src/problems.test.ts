import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, type ImageSplit } from '@repro/core';
import { CIFAR10_MEAN, CIFAR10_STD, cifar10Problem, copyNet, cropFlip } from './problems.js';
import { NOISY_DEFAULTS, runNoisyLabels } from './noisy-labels.js';
import { crossEntropy } from './baselines.js';

beforeAll(async () => { await initBackend({ prefer: 'wasm' }); });

function images(n: number): ImageSplit {
  const x = new Float32Array(n * 3072);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 256) / 255;
  return { x, y: Int32Array.from({ length: n }, (_, i) => i % 10), n, height: 32, width: 32, channels: 3 };
}

describe('CIFAR-10 setting (the full profile)', () => {
  it('crop-and-flip keeps the image when the offset is zero and pads with normalised black', () => {
    const src = Float32Array.from({ length: 2 * 2 * 1 }, (_, i) => i + 1); // one 2x2 single-channel image
    let saw = { same: false, flipped: false, padded: false };
    const rng = new Rng(1, 'aug');
    for (let t = 0; t < 200; t++) {
      const out = Array.from(cropFlip(src, [0], rng, 2, 1, [0.5], [0.25]));
      if (out.join() === '1,2,3,4') saw.same = true;
      if (out.join() === '2,1,4,3') saw.flipped = true;
      if (out.includes(-2)) saw.padded = true; // (0 - 0.5) / 0.25
      expect(out.every((v) => [1, 2, 3, 4, -2].includes(v))).toBe(true);
    }
    expect(saw).toEqual({ same: true, flipped: true, padded: true });
  });

  it('trains ResNet-34 on a batch and evaluates in chunks', () => {
    const cfg = { ...NOISY_DEFAULTS, lr: 0.02 };
    const p = cifar10Problem({ train: images(4), test: images(3) }, cfg, new Rng(1, 'aug'));
    const net = p.makeNet(new Rng(1, 'init'));
    const idx = Int32Array.from([0, 3]);
    const { value } = tf.variableGrads(() => crossEntropy(net.forward(p.trainBatch(idx, tf.tensor1d(idx, 'int32')), true), tf.tensor1d([0, 3], 'int32')), net.params);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(p.logits([net], 'test')).toHaveLength(30);
    const copy = p.makeNet(new Rng(2, 'init'), 'ema');
    copyNet(copy, net);
    expect(Array.from(p.logits([copy], 'test'))).toEqual(Array.from(p.logits([net], 'test')));
    expect(p.schedule(0)).toBeCloseTo(0.02, 12);
    expect(p.schedule(10)).toBeCloseTo(0.02, 12); // warm restart every 10 epochs
    expect(CIFAR10_MEAN).toHaveLength(3);
    expect(CIFAR10_STD).toHaveLength(3);
  }, 120_000);

  it('without the CIFAR-10 file the run says how to get it', async () => {
    const saved = process.env.REPRO_DATA_MIRROR;
    process.env.REPRO_DATA_MIRROR = '/nonexistent';
    try {
      await expect(runNoisyLabels('ce', 1, NOISY_DEFAULTS, { dataset: 'cifar-10' })).rejects.toThrow(/cifar-10-binary\.tar\.gz is missing.*repro datasets fetch cifar-10/);
    } finally {
      process.env.REPRO_DATA_MIRROR = saved;
    }
  });
});
