import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend/init.js';
import { modelCost } from './flops.js';

/** CIFAR ResNet option-A shortcut: subsample by the stride and zero-pad the new channels. */
class ZeroPadShortcut extends tfl.layers.Layer {
  static className = 'ZeroPadShortcut';
  constructor(private readonly cfg: { stride: number; outChannels: number; name?: string }) { super({ name: cfg.name }); }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [n, h, w] = s as tfl.Shape;
    return [n, Math.ceil((h as number) / this.cfg.stride), Math.ceil((w as number) / this.cfg.stride), this.cfg.outChannels];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const sub = tf.stridedSlice(x, [0, 0, 0, 0], x.shape, [1, this.cfg.stride, this.cfg.stride, 1]) as tf.Tensor4D;
    const extra = this.cfg.outChannels - x.shape[3];
    return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [Math.floor(extra / 2), extra - Math.floor(extra / 2)]]);
  }
  override getConfig() { return { ...super.getConfig(), ...this.cfg }; }
}

function cifarResNet(depth: number): tfl.LayersModel {
  const n = (depth - 2) / 6;
  const input = tfl.input({ shape: [32, 32, 3] });
  const conv = (c: number, stride: number) => tfl.layers.conv2d({ filters: c, kernelSize: 3, strides: stride, padding: 'same', useBias: false });
  let x = tfl.layers.reLU().apply(tfl.layers.batchNormalization().apply(conv(16, 1).apply(input))) as tfl.SymbolicTensor;
  let channels = 16;
  for (const [stage, c] of [16, 32, 64].entries()) {
    for (let b = 0; b < n; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      let h = tfl.layers.reLU().apply(tfl.layers.batchNormalization().apply(conv(c, stride).apply(x))) as tfl.SymbolicTensor;
      h = tfl.layers.batchNormalization().apply(conv(c, 1).apply(h)) as tfl.SymbolicTensor;
      const short = c !== channels ? new ZeroPadShortcut({ stride, outChannels: c }).apply(x) as tfl.SymbolicTensor : x;
      x = tfl.layers.reLU().apply(tfl.layers.add().apply([h, short])) as tfl.SymbolicTensor;
      channels = c;
    }
  }
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(x);
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 10 }).apply(pooled) as tfl.SymbolicTensor });
}

beforeAll(async () => { await initBackend({ prefer: 'cpu' }); });

describe('parameters and MACs', () => {
  it('CIFAR ResNet-56: 125.49M MACs (conv and fc) and 0.853M parameters', () => {
    const c = modelCost(cifarResNet(56));
    expect(c.macs / 1e6).toBeCloseTo(125.49, 2);
    expect(c.params / 1e6).toBeCloseTo(0.853, 3);
    expect(c.nonTrainable).toBe(2 * (19 * 16 + 18 * 32 + 18 * 64)); // BN moving mean and variance
  });
  it('CIFAR ResNet-20: 40.55M MACs and 0.270M parameters', () => {
    const c = modelCost(cifarResNet(20));
    expect(c.macs / 1e6).toBeCloseTo(40.55, 2);
    expect(c.params / 1e6).toBeCloseTo(0.270, 3);
  });
  it('depthwise conv and dense on sequences', () => {
    const input = tfl.input({ shape: [8, 8, 4] });
    const dw = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false }).apply(input) as tfl.SymbolicTensor;
    const seq = tfl.layers.reshape({ targetShape: [64, 8] }).apply(dw) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 5 }).apply(seq) as tfl.SymbolicTensor;
    const c = modelCost(tfl.model({ inputs: input, outputs: out }));
    expect(c.macs).toBe(8 * 8 * 8 * 9 + 64 * 8 * 5);
    expect(c.params).toBe(3 * 3 * 4 * 2 + 8 * 5 + 5);
  });
});
