/**
 * Every replacement wasm kernel against the cpu backend: forward values and gradients, relative
 * error under 1e-5 of the largest reference magnitude.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Concat, GatherV2, getKernel, SplitV, type TensorInfo } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init.js';
import { GEMM_MAX, SMALL_PRODUCT, smallBatched } from './batch-matmul.js';
import { K_BLOCK, smallMatMulFor } from './small-matmul-wasm.js';
import { gemmFor } from './gemm-wasm.js';
import { columnSumFor } from './column-sum-wasm.js';
import { BROADCAST_OPS, broadcastBinaryFor } from './broadcast-binary-wasm.js';
import { repeatColumnsFor } from './repeat-columns-wasm.js';
import { copyRowsFor } from './copy-rows-wasm.js';
import { f32, runStock, type WasmBackend } from '../heap.js';
import { broadcastPlan } from './broadcast-binary.js';
import { mergeAxes } from './transpose.js';
import { firstDifference } from '../../testing/compare.js';

const TOL = 1e-5;

/** Runs `f` on cpu and on wasm with the same inputs and returns both outputs as flat arrays. */
function onBoth(f: () => tf.Tensor | tf.Tensor[]): [Float32Array[], Float32Array[]] {
  const run = (backend: string) => {
    tf.setBackend(backend);
    return tf.tidy(() => {
      const out = f();
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array).map((a) => Float32Array.from(a));
    });
  };
  const cpu = run('cpu');
  const wasm = run('wasm');
  return [cpu, wasm];
}

function expectClose(ref: Float32Array[], got: Float32Array[]): void {
  expect(got.length).toBe(ref.length);
  ref.forEach((r, i) => {
    expect(got[i].length).toBe(r.length);
    let scale = 1e-6, err = 0;
    for (let j = 0; j < r.length; j++) { scale = Math.max(scale, Math.abs(r[j])); err = Math.max(err, Math.abs(r[j] - got[i][j])); }
    expect(err / scale).toBeLessThan(TOL);
  });
}

/** Deterministic inputs built as plain arrays so both backends see identical values. */
function data(shape: number[], seed: number): () => tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; v[i] = s / 2147483648 - 0.5; }
  return () => tf.tensor(v, shape);
}

/** A tensor's data as bytes, read from the backend as they lie (no float conversion: NaN payloads show). */
function bytesOf(backend: WasmBackend, t: TensorInfo): Uint8Array {
  const a = backend.readSync(t.dataId) as Float32Array;
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Asserts that `mine` has the shape, dtype and bytes of `stock`, a stock kernel's output, and frees `stock`. */
function expectStockBytes(backend: WasmBackend, mine: TensorInfo, stock: TensorInfo): void {
  expect(mine.shape).toEqual(stock.shape);
  expect(mine.dtype).toBe(stock.dtype);
  expect(firstDifference(bytesOf(backend, mine), bytesOf(backend, stock))).toBe(-1);
  backend.disposeData(stock.dataId);
}

beforeAll(async () => {
  const info = await initBackend({ prefer: 'wasm' });
  expect(info.kernels?.replaced).toEqual(expect.arrayContaining([
    'BatchMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput', 'Identity', 'Cast', 'Tile', 'UnsortedSegmentSum', 'GatherV2', 'SplitV', 'Concat', 'Sum', 'Add', 'Sub', 'Multiply', 'RealDiv', 'Transpose']));
});

describe('our own wasm loops', () => {
  // Each kernel falls back to the stock one where its loop cannot be instantiated, and the
  // bit-for-bit tests below would then compare the stock kernel with itself.
  it('all instantiate on this engine', () => {
    tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const loops = [gemmFor(backend), columnSumFor(backend), smallMatMulFor(backend), repeatColumnsFor(backend), copyRowsFor(backend)];
    for (const op of BROADCAST_OPS) for (const axis of ['row', 'col'] as const) for (const smallFirst of [false, true]) loops.push(broadcastBinaryFor(backend, op, axis, smallFirst));
    expect(loops.every((f) => typeof f === 'function')).toBe(true);
  });
});

describe('conv2d forward and gradients', () => {
  for (const stride of [1, 2]) for (const pad of ['same', 'valid'] as const) for (const k of [1, 3, 5]) {
    it(`k=${k} stride=${stride} pad=${pad}`, () => {
      const x = data([2, 9, 10, 3], 1), w = data([k, k, 3, 4], 2);
      const outShape = tf.tidy(() => { tf.setBackend('cpu'); return tf.conv2d(x() as tf.Tensor4D, w() as tf.Tensor4D, stride, pad).shape; });
      const r = data(outShape, 3);
      const [cpu, wasm] = onBoth(() => {
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), r()));
        const [dx, dw] = tf.grads(f)([x(), w()]);
        return [tf.conv2d(x() as tf.Tensor4D, w() as tf.Tensor4D, stride, pad), dx, dw];
      });
      expectClose(cpu, wasm);
    });
  }
});

describe('depthwise conv2d forward and gradients', () => {
  for (const stride of [1, 2]) for (const pad of ['same', 'valid'] as const) for (const k of [1, 3, 5]) {
    it(`k=${k} stride=${stride} pad=${pad}`, () => {
      const x = data([2, 9, 10, 3], 4), w = data([k, k, 3, 2], 5);
      const outShape = tf.tidy(() => { tf.setBackend('cpu'); return tf.depthwiseConv2d(x() as tf.Tensor4D, w() as tf.Tensor4D, stride, pad).shape; });
      const r = data(outShape, 6);
      const [cpu, wasm] = onBoth(() => {
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), r()));
        const [dx, dw] = tf.grads(f)([x(), w()]);
        return [tf.depthwiseConv2d(x() as tf.Tensor4D, w() as tf.Tensor4D, stride, pad), dx, dw];
      });
      expectClose(cpu, wasm);
    });
  }
});

describe('batched and transposed matmul', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false], [[7, 5], [7, 3], true, false], [[5, 7], [3, 7], false, true], [[7, 5], [3, 7], true, true],
    [[4, 5, 7], [4, 7, 3], false, false], [[4, 7, 5], [4, 3, 7], true, true], [[2, 3, 5, 7], [7, 6], false, false],
    [[2, 3, 5, 7], [1, 7, 6], false, false], [[5, 7], [4, 7, 3], false, false], [[2, 3, 5, 7], [2, 3, 6, 7], false, true],
    // Batched products of at least SMALL_PRODUCT multiply-adds take the per-element XNNPACK path
    // (the small ones above run on the SIMD loop).
    [[3, 32, 24], [3, 24, 40], false, false], [[3, 24, 32], [3, 40, 24], true, true], [[32, 24], [3, 24, 40], false, false],
    [[2, 2, 40, 24], [2, 2, 40, 24], false, true],
  ];
  it('the large cases are above the stock loop\'s size, the small ones below', () => {
    const mkn = ([as, bs, ta, tb]: (typeof cases)[number]) => (ta ? as.at(-1)! : as.at(-2)!) * (ta ? as.at(-2)! : as.at(-1)!) * (tb ? bs.at(-2)! : bs.at(-1)!);
    const batched = cases.filter(([, bs]) => bs.slice(0, -2).reduce((p, d) => p * d, 1) > 1);
    expect(batched.filter((c) => mkn(c) >= SMALL_PRODUCT)).toHaveLength(4);
    expect(batched.filter((c) => mkn(c) < SMALL_PRODUCT).length).toBeGreaterThanOrEqual(4);
  });
  for (const [as, bs, ta, tb] of cases) {
    it(`${JSON.stringify(as)} x ${JSON.stringify(bs)} ta=${ta} tb=${tb}`, () => {
      const a = data(as, 7), b = data(bs, 8);
      const [cpu, wasm] = onBoth(() => {
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb)));
        // tfjs-core's BatchMatMul gradient rejects broadcast batch dimensions (on every backend),
        // so broadcast cases check the forward value only.
        const broadcast = as.slice(0, -2).join() !== bs.slice(0, -2).join();
        return [tf.matMul(a(), b(), ta, tb), ...(broadcast ? [] : tf.grads(f)([a(), b()]))];
      });
      expectClose(cpu, wasm);
    });
  }
});

describe('small batched products: the SIMD loop gives the stock loop\'s bits', () => {
  // T-JEPA's attention shapes (forward and both gradients; encoder heads of 8 and 32, predictor
  // heads of 4), widths that are not a multiple of 4, K up to one k block (our GEMM), at its edge and
  // past one and two blocks (the k-blocked loop), broadcast operands on either side of both.
  const cases: [number[], number[], boolean, boolean][] = [
    [[64, 15, 8], [64, 8, 15], false, false], [[64, 15, 15], [64, 15, 8], false, false], [[64, 15, 15], [64, 8, 15], false, true],
    [[64, 15, 15], [64, 15, 8], true, false], [[4, 9, 32], [4, 32, 9], false, false], [[2, 5, 100], [2, 100, 7], false, false],
    [[5, 3, 97], [5, 97, 13], false, false], [[3, 50, 6], [3, 5, 50], true, true], [[1, 6, 50], [3, 50, 5], false, false],
    [[3, 6, 50], [1, 50, 5], false, false], [[2, 1, 1], [2, 1, 1], false, false],
    [[64, 10, 4], [64, 10, 4], false, true], [[64, 10, 10], [64, 10, 4], false, false], [[64, 10, 10], [64, 10, 4], true, false],
    [[16, 15, 32], [16, 15, 32], false, true], [[16, 15, 15], [16, 15, 32], true, false], [[3, 20, 6], [3, 5, 20], true, true],
    [[1, 6, 20], [3, 20, 5], false, false], [[3, 20, 6], [1, 20, 5], true, false], [[2, 5, 48], [2, 48, 7], false, false],
    [[2, 5, 50], [2, 50, 7], false, false],
  ];
  const kOf = ([as, , ta]: (typeof cases)[number]) => (ta ? as.at(-2)! : as.at(-1)!);
  it('the cases take both loops, reach past two k blocks and have widths off a multiple of 4', () => {
    expect(Math.max(...cases.map(kOf))).toBeGreaterThan(2 * K_BLOCK);
    expect(cases.filter((c) => kOf(c) <= K_BLOCK).length).toBeGreaterThanOrEqual(10);
    // Two past a block, not one: a block of one value adds to the output as a continued sum would.
    expect(cases.some((c) => kOf(c) === K_BLOCK) && cases.some((c) => kOf(c) === K_BLOCK + 2)).toBe(true);
    expect(cases.some(([, bs, , tb]) => (tb ? bs.at(-2)! : bs.at(-1)!) % 4 !== 0)).toBe(true);
  });
  for (const [as, bs, ta, tb] of cases) {
    it(`${JSON.stringify(as)} x ${JSON.stringify(bs)} ta=${ta} tb=${tb}`, () => {
      tf.setBackend('wasm');
      const backend = tf.backend() as unknown as WasmBackend;
      const a = data(as, 11)(), b = data(bs, 12)();
      const mine = smallBatched(backend, a, b, ta, tb);
      expect(mine).not.toBeNull();
      const stock = runStock('BatchMatMul', backend, { a, b }, { transposeA: ta, transposeB: tb });
      // Bit for bit: the same float32 sums in the same order.
      expectStockBytes(backend, mine!, stock);
      backend.disposeData(mine!.dataId); a.dispose(); b.dispose();
    });
  }
});

describe('small batched products of negative zeros', () => {
  // Why our GEMM may stand in for the k-blocked loop up to K_BLOCK: that loop adds each block's sum
  // to a zeroed output, and 0 + s differs from s only for s = -0, which a sum started at +0 never is.
  it('come out +0 on our loop and on the stock loop', () => {
    tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const a = tf.tensor3d([-0, -0, -0, 0, 2, -0], [2, 1, 3]), b = tf.tensor3d([1, 1, -1, 1, -1, 1], [2, 3, 1]);
    const mine = smallBatched(backend, a, b, false, false)!;
    const stock = runStock('BatchMatMul', backend, { a, b }, { transposeA: false, transposeB: false });
    expectStockBytes(backend, mine, stock);
    expect(Object.is(f32(backend, mine)[0], 0)).toBe(true);
    backend.disposeData(mine.dataId); a.dispose(); b.dispose();
  });
});

describe('products on our GEMM give XNNPACK\'s bits', () => {
  // T-JEPA's full-profile shapes (forward, and weight gradients with a transposed left operand),
  // rows and columns off the 4-row and 8- and 4-column tiles, a long k, batched products above
  // SMALL_PRODUCT (per element, and with either operand shared), 1x1x1.
  const cases: [number[], number[], boolean, boolean][] = [
    [[1920, 64], [64, 192], false, false], [[5120, 16], [5120, 48], true, false], [[384, 64], [384, 64], true, false],
    [[384, 192], [64, 192], false, true], [[13, 11], [11, 9], false, false], [[11, 13], [9, 11], true, true],
    [[7, 5], [5, 3], false, false], [[6, 3000], [3000, 21], false, false], [[3000, 6], [3000, 21], true, false], [[1, 1], [1, 1], false, false],
    [[2, 30, 33, 24], [2, 30, 24, 41], false, false], [[3, 24, 33], [3, 41, 24], true, true], [[33, 24], [3, 24, 41], false, false],
    [[3, 24, 33], [24, 41], true, false], [[4, 70, 24], [1, 24, 41], false, false],
  ];
  it('the cases cover every tile edge and stay under GEMM_MAX', () => {
    const dims = cases.map(([as, bs, ta, tb]) => ({ M: ta ? as.at(-1)! : as.at(-2)!, K: ta ? as.at(-2)! : as.at(-1)!, N: tb ? bs.at(-2)! : bs.at(-1)! }));
    for (const m of [0, 1, 2, 3]) expect(dims.some(({ M }) => M % 4 === m), `M % 4 = ${m}`).toBe(true);
    // Strips of 8 columns, then one of 4, then single columns.
    expect(dims.some(({ N }) => N >= 8)).toBe(true);
    expect(dims.some(({ N }) => N % 8 >= 4)).toBe(true);
    expect(dims.some(({ N }) => N % 4 !== 0)).toBe(true);
    expect(Math.max(...cases.map(([as, bs, ta, tb]) => [...as.slice(0, -2), ...(ta ? as.slice(-1) : as.slice(-2, -1)), ...as.slice(-1)].reduce((p, d) => p * d, 1) * (tb ? bs.at(-2)! : bs.at(-1)!)))).toBeLessThan(GEMM_MAX);
  });

  /** The product as XNNPACK computes it: operands transposed explicitly, one 2-D call per batch element. */
  function onXnnpack(backend: WasmBackend, a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float32Array {
    const swap = (t: tf.Tensor) => tf.tidy(() => tf.transpose(t, [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i))));
    const [A, B] = [ta ? swap(a) : a, tb ? swap(b) : b];
    const [M, K] = A.shape.slice(-2), N = B.shape.at(-1)!;
    const [batchA, batchB] = [A.size / (M * K), B.size / (K * N)];
    const [va, vb] = [A.dataSync() as Float32Array, B.dataSync() as Float32Array];
    const out = new Float32Array(Math.max(batchA, batchB) * M * N);
    for (let e = 0; e < Math.max(batchA, batchB); e++) {
      const ea = batchA === 1 ? 0 : e, eb = batchB === 1 ? 0 : e;
      const [ai, bi] = [tf.tensor2d(va.subarray(ea * M * K, (ea + 1) * M * K), [M, K]), tf.tensor2d(vb.subarray(eb * K * N, (eb + 1) * K * N), [K, N])];
      const o = runStock('BatchMatMul', backend, { a: ai, b: bi }, { transposeA: false, transposeB: false });
      out.set(backend.readSync(o.dataId) as Float32Array, e * M * N);
      backend.disposeData(o.dataId);
      tf.dispose([ai, bi]);
    }
    if (ta) A.dispose();
    if (tb) B.dispose();
    return out;
  }

  for (const [as, bs, ta, tb] of cases) {
    it(`${JSON.stringify(as)} x ${JSON.stringify(bs)} ta=${ta} tb=${tb}`, () => {
      tf.setBackend('wasm');
      const backend = tf.backend() as unknown as WasmBackend;
      const a = data(as, 13)(), b = data(bs, 14)();
      const mine = tf.matMul(a, b, ta, tb);
      const x = Float32Array.from(mine.dataSync() as Float32Array), y = onXnnpack(backend, a, b, ta, tb);
      expect(x.length).toBe(y.length);
      expect(firstDifference(new Uint32Array(x.buffer), new Uint32Array(y.buffer))).toBe(-1);
      tf.dispose([a, b, mine]);
    });
  }
});

describe('Sum over leading axes on the column-sum loop: the stock kernel\'s bits', () => {
  // Bias and LayerNorm gradients of T-JEPA's full profile; columns in strips of 16, of 4 and single;
  // negative axes; keepDims; and sums the stock kernel keeps (axes out of order, trailing axes, all
  // axes, int32), which must come out the same too.
  const cases: [number[], number | number[] | undefined, boolean, 'float32' | 'int32'][] = [
    [[5120, 48], 0, false, 'float32'], [[512, 10, 16], [0, 1], false, 'float32'], [[128, 3, 64], [0, 1], true, 'float32'],
    [[1000, 37], 0, false, 'float32'], [[7, 3], 0, false, 'float32'], [[6, 5, 21], [-3, -2], false, 'float32'], [[2, 3, 4, 5], [0, 1, 2], true, 'float32'],
    [[3, 4, 5], [1, 0], false, 'float32'], [[3, 4, 5], 2, false, 'float32'], [[3, 4, 5], undefined, false, 'float32'], [[40, 6], 0, false, 'int32'],
  ];
  it('the cases cover every strip of columns', () => {
    const columns = cases.filter(([, axis]) => axis === 0).map(([shape]) => shape.slice(1).reduce((p, d) => p * d, 1));
    expect(columns.some((c) => c >= 16)).toBe(true);
    expect(columns.some((c) => c % 16 >= 4)).toBe(true);
    expect(columns.some((c) => c % 4 !== 0)).toBe(true);
  });
  for (const [shape, axis, keepDims, dtype] of cases) {
    it(`${JSON.stringify(shape)} ${dtype} axis ${JSON.stringify(axis)}${keepDims ? ' keepDims' : ''}`, () => {
      tf.setBackend('wasm');
      const backend = tf.backend() as unknown as WasmBackend;
      const x = dtype === 'int32' ? tf.randomUniform(shape, -1000, 1000, 'int32', 15) : tf.randomNormal(shape, 0, 1, 'float32', 15);
      const mine = tf.sum(x, axis, keepDims);
      const stock = runStock('Sum', backend, { x }, { axis: axis ?? shape.map((_, i) => i), keepDims });
      expectStockBytes(backend, mine, stock);
      tf.dispose([x, mine]);
    });
  }
});

describe('Add, Sub, Multiply and RealDiv with one operand broadcast: the stock kernels\' bits', () => {
  // T-JEPA's LayerNorm ([B, T, W] with [W] and with [B, T, 1]), biases, a scalar, the broadcast
  // operand on the left (Sub and RealDiv are not symmetric), widths off the vector of 4, a
  // broadcast over a middle axis that takes neither path, and same shapes (stock).
  const cases: [number[], number[]][] = [
    [[512, 10, 16], [16]], [[512, 10, 16], [512, 10, 1]], [[128, 15, 64], [1, 1, 64]], [[1920, 192], [192]], [[16], []], [[], [7, 5]],
    [[2048, 10, 1], [2048, 10, 10]], [[37], [9, 37]], [[9, 6, 1], [9, 6, 7]], [[3, 1, 5], [3, 4, 5]], [[6, 5], [6, 5]], [[4, 1], [1, 3]],
  ];
  it('the cases take both loops and the stock path', () => {
    const plans = cases.map(([a, b]) => broadcastPlan(a, b));
    expect(plans.map((p) => p?.axis ?? null)).toEqual(['row', 'col', 'row', 'row', 'col', 'col', 'col', 'row', 'col', null, null, null]);
    expect(plans[6]).toMatchObject({ denseIsA: false, rows: 20480, columns: 10 });
    expect(plans.some((p) => p && p.columns % 4 !== 0)).toBe(true);
  });
  for (const [name, f] of [['Add', tf.add], ['Sub', tf.sub], ['Multiply', tf.mul], ['RealDiv', tf.div]] as const) {
    for (const [sa, sb] of cases) {
      it(`${name} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`, () => {
        tf.setBackend('wasm');
        const backend = tf.backend() as unknown as WasmBackend;
        const [a, b] = [tf.randomNormal(sa, 0, 1, 'float32', 21), tf.randomNormal(sb, 0, 1, 'float32', 22)];
        const mine = (f as (x: tf.Tensor, y: tf.Tensor) => tf.Tensor)(a, b);
        const stock = runStock(name, backend, { a, b });
        expectStockBytes(backend, mine, stock);
        tf.dispose([a, b, mine]);
      });
    }
  }
});

describe('Transpose keeping the last axis: the stock kernel\'s bits', () => {
  it('merges axes that stay together and drops axes of size 1', () => {
    expect(mergeAxes([512, 10, 4, 4], [0, 2, 1, 3])).toEqual({ shape: [512, 10, 4, 4], perm: [0, 2, 1, 3] });
    expect(mergeAxes([2, 3, 4, 5, 6], [0, 3, 1, 2, 4])).toEqual({ shape: [2, 12, 5, 6], perm: [0, 2, 1, 3] });
    expect(mergeAxes([2, 1, 3, 4], [0, 2, 1, 3])).toEqual({ shape: [2, 12], perm: [0, 1] });
    expect(mergeAxes([1, 1], [1, 0])).toEqual({ shape: [], perm: [] });
  });
  // Attention's head split and merge (heads of 4 and of 32), a 3-D swap, three axes reversed, a
  // size-1 axis, int32; and permutations the stock kernel keeps (the last axis moves, 2-D).
  const cases: [number[], number[], 'float32' | 'int32'][] = [
    [[512, 10, 4, 4], [0, 2, 1, 3], 'float32'], [[512, 4, 10, 4], [0, 2, 1, 3], 'float32'], [[128, 15, 2, 32], [0, 2, 1, 3], 'float32'],
    [[3, 5, 7], [1, 0, 2], 'float32'], [[2, 3, 4, 5], [2, 1, 0, 3], 'float32'], [[4, 3, 5, 2], [1, 2, 0, 3], 'int32'], [[2, 3, 1, 5, 7], [0, 3, 2, 1, 4], 'float32'],
    [[2, 3, 4], [0, 2, 1], 'float32'], [[6, 5], [1, 0], 'int32'],
  ];
  for (const [shape, perm, dtype] of cases) {
    it(`${JSON.stringify(shape)} ${dtype} by ${JSON.stringify(perm)}`, () => {
      tf.setBackend('wasm');
      const backend = tf.backend() as unknown as WasmBackend;
      const x = dtype === 'int32' ? tf.randomUniform(shape, -1000, 1000, 'int32', 31) : tf.randomNormal(shape, 0, 1, 'float32', 31);
      const mine = tf.transpose(x, perm);
      const stock = runStock('Transpose', backend, { x }, { perm });
      expectStockBytes(backend, mine, stock);
      tf.dispose([x, mine]);
    });
  }
});

describe('GatherV2, SplitV and Concat as plain copies: the stock kernels\' bits', () => {
  const wasm = () => { tf.setBackend('wasm'); return tf.backend() as unknown as WasmBackend; };
  /** Values with NaN payloads and -0 among them, so a copy through a number would show. */
  function odd(shape: number[], dtype: 'float32' | 'int32' | 'bool', seed: number): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const bits = Int32Array.from({ length: n }, (_, i) => Math.imul(i + seed, 2654435761) ^ (i % 7 === 0 ? 0x7fa00001 : 0));
    if (dtype === 'float32') { bits[0] = 0x80000000; return tf.tensor(new Float32Array(bits.buffer), shape, 'float32'); }
    if (dtype === 'int32') return tf.tensor(bits, shape, 'int32');
    return tf.tensor(Uint8Array.from(bits, (b) => b & 1), shape, 'bool');
  }
  const same = (backend: WasmBackend, mine: TensorInfo[], stock: TensorInfo[]) => {
    expect(mine.length).toBe(stock.length);
    mine.forEach((t, i) => { expectStockBytes(backend, t, stock[i]); backend.disposeData(t.dataId); });
  };
  const kernel = (name: string) => getKernel(name, 'wasm')!.kernelFunc;

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    for (const [shape, axis, idx] of [[[7680, 16], 0, 3584], [[15, 8], 0, 2000], [[4, 9, 70], 1, 11], [[3, 5, 2], 2, 6], [[6, 100], 1, 3]] as [number[], number, number][]) {
      it(`GatherV2 ${dtype} ${JSON.stringify(shape)} axis ${axis}, ${idx} indices`, () => {
        const backend = wasm();
        const x = odd(shape, dtype, 3);
        const indices = tf.tensor1d(Int32Array.from({ length: idx }, (_, i) => (i * 7919) % shape[axis]), 'int32');
        const attrs = { axis, batchDims: 0 };
        const mine = kernel(GatherV2)({ inputs: { x, indices }, backend: backend as never, attrs }) as TensorInfo;
        same(backend, [mine], [runStock(GatherV2, backend, { x, indices }, attrs)]);
        tf.dispose([x, indices]);
      });
    }
    for (const [shape, splits, axis] of [[[7680, 48], 3, 1], [[20480, 24], [8, 8, 8], 1], [[2048, 10, 8], [3, 7], 1], [[512, 8], [1, 7], 1], [[6, 200], [150, 50], 1], [[9, 4], 3, 0]] as [number[], number | number[], number][]) {
      it(`SplitV ${dtype} ${JSON.stringify(shape)} into ${JSON.stringify(splits)} on axis ${axis}`, () => {
        const backend = wasm();
        const x = odd(shape, dtype, 5);
        const attrs = { numOrSizeSplits: splits, axis };
        const mine = kernel(SplitV)({ inputs: { x }, backend: backend as never, attrs }) as TensorInfo[];
        same(backend, mine, runStock(SplitV, backend, { x }, attrs) as unknown as TensorInfo[]);
        x.dispose();
      });
    }
    for (const [shapes, axis] of [[[[20480, 8], [20480, 8], [20480, 8]], 1], [[[2, 3, 70], [2, 1, 70]], 1], [[[4, 5], [0, 5], [2, 5]], 0], [[[3, 2, 2], [3, 2, 100]], 2]] as [number[][], number][]) {
      it(`Concat ${dtype} ${JSON.stringify(shapes)} on axis ${axis}`, () => {
        const backend = wasm();
        const xs = shapes.map((sh, i) => odd(sh, dtype, 7 + i));
        const mine = kernel(Concat)({ inputs: xs as never, backend: backend as never, attrs: { axis } }) as TensorInfo;
        same(backend, [mine], [runStock(Concat, backend, xs as never, { axis })]);
        tf.dispose(xs);
      });
    }
  }

  it('GatherV2 refuses an index out of range, as the stock kernel does', () => {
    wasm();
    const x = tf.zeros([5, 3]);
    expect(() => tf.gather(x, tf.tensor1d([0, 5], 'int32'))).toThrow('GatherV2: the index value 5 is not in [0, 4]');
    expect(() => tf.gather(x, tf.tensor1d([-1], 'int32'))).toThrow('GatherV2: the index value -1 is not in [0, 4]');
    x.dispose();
  });

  it('the ops go through the copies and keep their gradients (gather, split, concat)', () => {
    const x = data([6, 12], 21), w = data([6, 12], 22);
    const [cpu, wasmOut] = onBoth(() => {
      const f = (a: tf.Tensor) => {
        const [p, q] = tf.split(tf.gather(a, tf.tensor1d([5, 0, 2, 2], 'int32')), [5, 7], 1);
        return tf.sum(tf.mul(tf.concat([q, p], 1), w().slice([0, 0], [4, 12])));
      };
      return [f(x()), tf.grad(f)(x())];
    });
    expectClose(cpu, wasmOut);
  });
});

describe('embedding gradient (UnsortedSegmentSum) and Tile', () => {
  it('gather gradient accumulates repeated ids', () => {
    const table = data([10, 6], 9);
    const [cpu, wasm] = onBoth(() => {
      const ids = tf.tensor1d([3, 1, 3, 9, 0, 3], 'int32');
      const f = (t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, ids)));
      return [tf.gather(table(), ids), tf.grad(f)(table())];
    });
    expectClose(cpu, wasm);
  });
  it('unsortedSegmentSum drops out-of-range ids', () => {
    const x = data([5, 3], 10);
    const [cpu, wasm] = onBoth(() => tf.unsortedSegmentSum(x(), tf.tensor1d([0, 2, -1, 2, 1], 'int32'), 3));
    expectClose(cpu, wasm);
  });
  for (const [shape, reps] of [[[1, 4, 6], [5, 1, 1]], [[3, 4], [2, 3]], [[2, 1, 3], [1, 4, 2]], [[7], [3]], [[3, 5, 1], [1, 1, 8]], [[4, 3, 1], [1, 1, 40]], [[5, 2, 1], [1, 1, 7]], [[2, 3, 1], [2, 1, 4]]] as [number[], number[]][]) {
    it(`tile ${JSON.stringify(shape)} x ${JSON.stringify(reps)} and its gradient`, () => {
      const x = data(shape, 11);
      const [cpu, wasm] = onBoth(() => [tf.tile(x(), reps), tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.tile(t, reps))))(x())]);
      expectClose(cpu, wasm);
    });
  }
});

describe('Tile copies bits', () => {
  // NaN payloads and -0 survive every path: a repeat along the last axis only (the SIMD loop), a
  // last axis of one with other axes repeated (a fill), rows repeated whole, a pure broadcast.
  for (const [shape, reps] of [[[2, 3, 1], [1, 1, 5]], [[2, 3, 1], [2, 1, 4]], [[2, 3, 2], [2, 2, 3]], [[1, 1, 6], [3, 2, 1]]] as [number[], number[]][]) {
    it(`${JSON.stringify(shape)} x ${JSON.stringify(reps)}: the stock kernel's bytes`, () => {
      tf.setBackend('wasm');
      const backend = tf.backend() as unknown as WasmBackend;
      const n = shape.reduce((a, b) => a * b, 1);
      const words = Int32Array.from({ length: n }, (_, i) => (i % 2 ? 0x7fa00001 + i : 0x80000000));
      const x = tf.tensor(new Float32Array(words.buffer), shape, 'float32');
      const mine = tf.tile(x, reps);
      const stock = runStock('Tile', backend, { x }, { reps });
      expectStockBytes(backend, mine, stock);
      tf.dispose([x, mine]);
    });
  }
});

describe('Identity (tf.clone, and every tensor kept for a gradient) without the copy', () => {
  const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

  it("a clone shares its input's data, outlives the input, and the data goes with the last holder", () => {
    tf.setBackend('wasm');
    const base = dataIds();
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(dataIds()).toBe(base + 1); // the stock kernel's copy would make it base + 2
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(dataIds()).toBe(base);
  });

  it("a clone of a variable keeps its values when the variable is assigned; strings still clone", () => {
    tf.setBackend('wasm');
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const c = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    const s = tf.clone(tf.tensor1d(['a', 'b'], 'string'));
    expect(s.arraySync()).toEqual(['a', 'b']);
    tf.dispose([v, c, s]);
  });

  it('a cast to the same dtype shares the data too; casts to other dtypes convert', () => {
    tf.setBackend('wasm');
    const base = dataIds();
    const x = tf.tensor1d([1.5, -2.7, 0, 3]);
    const same = tf.cast(x, 'float32');
    expect(dataIds()).toBe(base + 1);
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.7, 0, 3].map(Math.fround));
    const toInt = tf.cast(same, 'int32');
    const toBool = tf.cast(same, 'bool');
    const ints = tf.tensor1d([2, 0, -1, 256], 'int32');
    const [back, intToBool] = [tf.cast(ints, 'float32'), tf.cast(ints, 'bool')];
    const nans = tf.tensor1d([Number.NaN, 0]);
    const nanToBool = tf.cast(nans, 'bool');
    expect([toInt.dtype, toBool.dtype, back.dtype, intToBool.dtype]).toEqual(['int32', 'bool', 'float32', 'bool']);
    expect(Array.from(toInt.dataSync())).toEqual([1, -2, 0, 3]);
    // Non-zero is true (the stock kernel kept the low byte: -2.7 became 254 and 256 false).
    expect(Array.from(toBool.dataSync())).toEqual([1, 1, 0, 1]);
    expect(Array.from(intToBool.dataSync())).toEqual([1, 0, 1, 1]);
    expect(Array.from(nanToBool.dataSync())).toEqual([1, 0]);
    expect(Array.from(back.dataSync())).toEqual([2, 0, -1, 256]);
    tf.dispose([same, toInt, toBool, ints, back, intToBool, nans, nanToBool]);
  });
});

describe('copy-to-cpu fallback', () => {
  it('runs Einsum, which wasm lacks', () => {
    const a = data([3, 4], 12), b = data([4, 5], 13);
    const [cpu, wasm] = onBoth(() => tf.einsum('ij,jk->ik', a(), b()));
    expectClose(cpu, wasm);
  });
});
