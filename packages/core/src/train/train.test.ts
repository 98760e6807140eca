import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init.js';
import { Rng } from '../rng.js';
import { batches } from '../data/split.js';
import { adamw, sgd, type Optimizer } from './optimizers.js';
import { adamwUpdateFor } from '../backend/kernels/adamw-wasm.js';
import type { WasmBackend } from '../backend/heap.js';
import { firstDifference } from '../testing/compare.js';
import { constant, cosine, cosineWarmRestarts, linearWarmup, stepLr } from './schedules.js';
import { train } from './loop.js';
import { formatDuration } from './progress.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

/** Runs `steps` updates of f(p) = p^2/2 from p = 1 and returns p after each. */
function quadratic(opt: Optimizer, steps: number, lr = 0.1): number[] {
  const p = tf.variable(tf.scalar(1), true, `q${Math.random()}`);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.mul(tf.square(p), 0.5) as tf.Scalar, [p]);
      opt.step([p], [grads[p.name]], lr);
    });
    out.push(p.dataSync()[0]);
  }
  p.dispose();
  opt.dispose();
  return out;
}

describe('optimizers follow PyTorch update rules', () => {
  it('SGD with momentum and coupled weight decay', () => {
    const [a, b] = quadratic(sgd({ momentum: 0.9, weightDecay: 0.01 }), 2);
    expect(a).toBeCloseTo(0.899, 6);
    expect(b).toBeCloseTo(0.717301, 6);
  });
  it('SGD with Nesterov momentum', () => {
    const [a, b] = quadratic(sgd({ momentum: 0.9, weightDecay: 0.01, nesterov: true }), 2);
    expect(a).toBeCloseTo(0.8081, 6);
    expect(b).toBeCloseTo(0.57121561, 6);
    expect(() => sgd({ nesterov: true })).toThrow(/Nesterov momentum needs momentum > 0/);
  });
  it('AdamW with decoupled weight decay and bias correction', () => {
    const p = quadratic(adamw({ weightDecay: 0.01 }), 3);
    [0.899000001, 0.7985190281887788, 0.6989111847156934].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
  });
  it('skips decay where decay(v) is false', () => {
    const [a] = quadratic(sgd({ weightDecay: 0.5, decay: () => false }), 1);
    expect(a).toBeCloseTo(0.9, 6);
  });
});

describe('AdamW fused on wasm', () => {
  // Several steps of a varying learning rate and weight-decay schedule on variables of several
  // sizes (off the vector of 4, a scalar), one of them without decay: every weight and slot must
  // match the fourteen tf ops' bits.
  it('gives the tf ops\' bits, weights and slots, step after step', () => {
    expect(adamwUpdateFor(tf.backend() as unknown as WasmBackend)).not.toBeNull();
    const shapes = [[64, 48], [37], [3, 5, 7], []];
    const run = (fused: boolean) => {
      const vars = shapes.map((shape, k) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 40 + k), true, `fused${fused}/${k}`));
      let wd = 0.05;
      const opt = adamw({ fused, weightDecay: () => (wd *= 0.9), decay: (v) => !v.name.endsWith('/1') });
      for (let step = 0; step < 5; step++) {
        tf.tidy(() => {
          const grads = vars.map((v, k) => tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 1000 + 100 * step + k), step === 2 ? 1e-6 : 1));
          opt.step(vars, grads, 0.01 / (step + 1));
        });
      }
      const out = [...vars.map((v) => Float32Array.from(v.dataSync() as Float32Array)), ...opt.getState(vars).slots.flatMap((sl) => sl!)];
      vars.forEach((v) => v.dispose());
      opt.dispose();
      return out;
    };
    const [mine, theirs] = [run(true), run(false)];
    expect(mine.length).toBe(3 * shapes.length);
    mine.forEach((a, i) => expect(firstDifference(new Uint32Array(a.buffer), new Uint32Array(theirs[i].buffer)), `array ${i}`).toBe(-1));
    // The weights moved (so the comparison is not of two untouched copies).
    expect(firstDifference(mine[0], Float32Array.from(tf.tidy(() => tf.randomNormal([64, 48], 0, 1, 'float32', 40).dataSync() as Float32Array)))).not.toBe(-1);
  });

  it('leaves no tensor behind', () => {
    const v = tf.variable(tf.ones([100]), true, 'fused-count');
    const opt = adamw();
    tf.tidy(() => opt.step([v], [tf.ones([100])], 0.1));
    const before = tf.memory().numTensors;
    tf.tidy(() => opt.step([v], [tf.ones([100])], 0.1));
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
    opt.dispose();
  });
});

describe('schedules', () => {
  it('step, cosine, warm restarts and warm-up', () => {
    [0.1, 0.1, 0.01, 0.001].forEach((v, i) => expect(stepLr(0.1, [150, 225])([0, 149, 150, 225][i])).toBeCloseTo(v, 12));
    const c = cosine(0.02, 60);
    expect(c(0)).toBeCloseTo(0.02, 12);
    expect(c(30)).toBeCloseTo(0.01, 12);
    expect(c(60)).toBeCloseTo(0, 12);
    const r = cosineWarmRestarts(1, 10, 2);
    expect(r(0)).toBe(1);
    expect(r(10)).toBe(1);
    expect(r(20)).toBeCloseTo(0.5, 12); // 10 into a period of 20
    const w = linearWarmup(constant(1), 4);
    expect([0, 2, 4, 9].map(w)).toEqual([0, 0.5, 1, 1]);
  });
});

/** Two-layer MLP parameters for `d` inputs and `k` classes. */
function mlp(d: number, h: number, k: number, rng: Rng) {
  const init = (shape: number[], name: string) => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', rng.tfSeed()), Math.sqrt(2 / shape[0])), true, name);
  const w1 = init([d, h], `w1-${rng.seed}`), b1 = tf.variable(tf.zeros([h]), true, `b1-${rng.seed}`);
  const w2 = init([h, k], `w2-${rng.seed}`), b2 = tf.variable(tf.zeros([k]), true, `b2-${rng.seed}`);
  return { params: [w1, b1, w2, b2], forward: (x: tf.Tensor) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2) };
}

describe('the training loop', () => {
  it('learns, keeps the tensor count flat across steps, and logs each epoch', async () => {
    const rng = new Rng(1, 'init');
    const n = 256, xs = new Float32Array(n * 2), ys = new Int32Array(n);
    const data = new Rng(1, 'data');
    for (let i = 0; i < n; i++) { xs[2 * i] = data.normal(); xs[2 * i + 1] = data.normal(); ys[i] = xs[2 * i] * xs[2 * i + 1] > 0 ? 1 : 0; }
    const X = tf.tensor2d(xs, [n, 2]), Y = tf.oneHot(tf.tensor1d(ys, 'int32'), 2);
    const net = mlp(2, 32, 2, rng);
    const counts: number[] = [];
    const order = new Rng(1, 'order');
    const log = await train({
      params: net.params, optimizer: sgd({ momentum: 0.9 }), schedule: cosine(0.1, 30), epochs: 30, progress: false,
      batches: () => [...batches(n, 32, { rng: order })].map((b) => Int32Array.from(b)),
      loss: (idx) => {
        const i = tf.tensor1d(idx, 'int32');
        return tf.losses.softmaxCrossEntropy(tf.gather(Y, i), net.forward(tf.gather(X, i))) as tf.Scalar;
      },
      onEpochEnd: () => { counts.push(tf.memory().numTensors); },
    });
    expect(log).toHaveLength(30);
    expect(log[29].loss).toBeLessThan(log[0].loss * 0.5);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(net.forward(X), 1), tf.argMax(Y, 1)), 'float32'))).dataSync()[0];
    expect(acc).toBeGreaterThan(0.9);
  });

  it('stops on a non-finite loss naming the step', async () => {
    const v = tf.variable(tf.scalar(1), true, 'nan-test');
    await expect(train({
      params: [v], optimizer: sgd(), schedule: constant(0.1), epochs: 1, progress: false,
      batches: () => [0, 1, 2, 3],
      loss: (b) => (b === 2 ? tf.div(tf.log(tf.sub(v, v)), tf.scalar(0)) : tf.square(v)) as tf.Scalar,
    })).rejects.toThrow(/^training stopped at step 2 \(epoch 0\): loss is -Infinity$/);
  });

  it('names the parameter whose gradient went bad', async () => {
    const a = tf.variable(tf.scalar(0), true, 'sqrt-input'), b = tf.variable(tf.scalar(1), true, 'fine');
    await expect(train({
      params: [a, b], optimizer: sgd(), schedule: constant(0.1), epochs: 1, progress: false, batches: () => [0],
      loss: () => tf.add(tf.mul(tf.sqrt(tf.abs(a)), 0), tf.square(b)) as tf.Scalar,
    })).rejects.toThrow(/step 0 \(epoch 0\): gradient of sqrt-input is (NaN|Infinity)/);
  });
});

describe('models that stock wasm cannot train', () => {
  it('a conv net with depthwise and strided convs trains on wasm', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const rng = new Rng(2, 'conv');
    const n = 128, x = new Float32Array(n * 8 * 8), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2; // class 0: a horizontal bar, class 1: a vertical bar, at a random place
      const at = rng.int(8);
      for (let k = 0; k < 8; k++) x[i * 64 + (y[i] ? k * 8 + at : at * 8 + k)] = 1;
    }
    const X = tf.tensor4d(x, [n, 8, 8, 1]), Y = tf.oneHot(tf.tensor1d(y, 'int32'), 2);
    const k1 = tf.variable(tf.randomNormal([3, 3, 1, 8], 0, 0.5, 'float32', 1), true, 'k1');
    const dw = tf.variable(tf.randomNormal([3, 3, 8, 1], 0, 0.5, 'float32', 2), true, 'dw');
    const fc = tf.variable(tf.randomNormal([8, 2], 0, 0.5, 'float32', 3), true, 'fc');
    const forward = (inp: tf.Tensor) => {
      const h = tf.relu(tf.conv2d(inp as tf.Tensor4D, k1 as tf.Tensor4D, 2, 'same'));
      const d = tf.relu(tf.depthwiseConv2d(h, dw as tf.Tensor4D, 1, 'same'));
      return tf.matMul(tf.mean(d, [1, 2]), fc);
    };
    const log = await train({
      params: [k1, dw, fc], optimizer: adamw({ weightDecay: 0 }), schedule: constant(0.05), epochs: 40, progress: false,
      batches: () => [0], loss: () => tf.losses.softmaxCrossEntropy(Y, forward(X)) as tf.Scalar,
    });
    expect(log[39].loss).toBeLessThan(0.2);
  });

  it('an embedding model trains on wasm (gather gradient)', async () => {
    const rng = new Rng(3, 'emb');
    // Sequences of 6 token ids from 20; the label says whether token 7 occurs.
    const n = 200, ids = new Int32Array(n * 6), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 6; j++) ids[i * 6 + j] = rng.int(20);
      y[i] = ids.subarray(i * 6, i * 6 + 6).includes(7) ? 1 : 0;
    }
    const emb = tf.variable(tf.randomNormal([20, 8], 0, 0.1, 'float32', 4), true, 'emb');
    const out = tf.variable(tf.randomNormal([8, 2], 0, 0.1, 'float32', 5), true, 'out');
    const I = tf.tensor1d(ids, 'int32'), Y = tf.oneHot(tf.tensor1d(y, 'int32'), 2);
    const log = await train({
      params: [emb, out], optimizer: adamw({ weightDecay: 0 }), schedule: constant(0.1), epochs: 100, progress: false,
      batches: () => [0],
      loss: () => tf.losses.softmaxCrossEntropy(Y, tf.matMul(tf.max(tf.reshape(tf.gather(emb, I), [n, 6, 8]), 1), out)) as tf.Scalar,
    });
    expect(log[99].loss).toBeLessThan(0.1);
  });
});

describe('optimizer state and checkpoints', () => {
  /** Two variables, `steps` updates of a fixed quadratic; returns the variables' values. */
  function run(opt: Optimizer, vars: tf.Variable[], steps: number): void {
    for (let i = 0; i < steps; i++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.add(tf.sum(tf.square(tf.sub(vars[0], 3))), tf.sum(tf.mul(vars[1], vars[1]))) as tf.Scalar, vars);
        opt.step(vars, vars.map((v) => grads[v.name]), 0.05);
      });
    }
  }
  // Variables outlive tidy; the tensors they were made from do not.
  const fresh = (tag: string) => tf.tidy(() => [tf.variable(tf.tensor([0.5, -1, 2]), true, `a-${tag}`), tf.variable(tf.tensor([[1, 2], [3, 4]]), true, `b-${tag}`)]);
  const load = (vars: tf.Variable[], arrays: Float32Array[]) => tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(arrays[i], v.shape))));

  for (const [name, make] of [['adamw', () => adamw({ weightDecay: 0.1 })], ['sgd', () => sgd({ momentum: 0.9 })]] as const) {
    it(`${name}: stopping after 3 of 5 steps, saving and resuming in fresh objects gives the same bits`, () => {
      const before = tf.memory().numTensors;
      const straight = fresh(`${name}-s`);
      const o1 = make();
      run(o1, straight, 5);
      const first = fresh(`${name}-f`);
      const o2 = make();
      run(o2, first, 3);
      const st = o2.getState(first);
      expect(st.steps).toBe(3);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
      const file = path.join(dir, 'c.ckpt');
      writeCheckpoint(file, { steps: st.steps }, [...first.map((v) => v.dataSync() as Float32Array), ...st.slots.flatMap((s) => s!)]);
      const back = readCheckpoint(file)!;
      const resumed = fresh(`${name}-r`);
      load(resumed, back.arrays);
      const per = st.slots[0]!.length;
      const o3 = make();
      o3.setState(resumed, { steps: back.meta.steps as number, slots: resumed.map((_, i) => back.arrays.slice(2 + i * per, 2 + (i + 1) * per)) });
      run(o3, resumed, 2);
      expect(o3.steps).toBe(5);
      resumed.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(straight[i].dataSync())));
      // Without the optimizer's state the resumed run drifts: the test can tell.
      const bare = fresh(`${name}-b`);
      load(bare, back.arrays);
      const o4 = make();
      run(o4, bare, 2);
      expect(Array.from(bare[0].dataSync())).not.toEqual(Array.from(straight[0].dataSync()));
      rmSync(dir, { recursive: true });
      [o1, o2, o3, o4].forEach((o) => o.dispose());
      [...straight, ...first, ...resumed, ...bare].forEach((v) => v.dispose());
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a state that does not fit the variables is refused', () => {
    const vars = fresh('bad');
    const o = adamw();
    expect(() => o.setState(vars, { steps: 1, slots: [null] })).toThrow(/holds 1 variables, expected 2/);
    expect(() => o.setState(vars, { steps: 1, slots: [[new Float32Array(3), new Float32Array(3)], [new Float32Array(3), new Float32Array(3)]] })).toThrow(/does not fit its shape \[2,2\]/);
    vars.forEach((v) => v.dispose());
  });

  it('a checkpoint file round-trips exactly; a missing one reads as null, a damaged one names itself', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-'));
    const file = path.join(dir, 'x.ckpt');
    expect(readCheckpoint(file)).toBeNull();
    const arrays = [Float32Array.from([1.5, -0, NaN, 3e-39]), new Float32Array(0), Float32Array.from({ length: 1001 }, (_, i) => i / 7)];
    writeCheckpoint(file, { epoch: 3, note: 'é' }, arrays);
    const back = readCheckpoint(file)!;
    expect(back.meta).toEqual({ epoch: 3, note: 'é' });
    back.arrays.forEach((a, i) => expect(new Uint32Array(a.buffer, a.byteOffset, a.length)).toEqual(new Uint32Array(arrays[i].buffer)));
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    expect(() => readCheckpoint(file)).toThrow(new RegExp(`checkpoint ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged`));
    writeFileSync(file, 'hello world, not a checkpoint');
    expect(() => readCheckpoint(file)).toThrow(/not a repro checkpoint/);
    rmSync(dir, { recursive: true });
  });
});

describe('formatDuration', () => {
  it('reads as seconds, minutes, or hours and minutes', () => {
    expect([formatDuration(0.4), formatDuration(59.4), formatDuration(61), formatDuration(3599), formatDuration(3600), formatDuration(90_300)]).toEqual(['0 s', '59 s', '1 min', '1 h 00 min', '1 h 00 min', '25 h 05 min']);
    expect(formatDuration(Number.NaN)).toBe('unknown');
  });
});
