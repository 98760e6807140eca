/**
 * BatchMatMul on wasm. The stock kernel reaches XNNPACK's fast GEMM only for an untransposed,
 * unbatched product; transposed operands and every batched product fall back to a scalar loop
 * (about 1 GFLOP/s against 16 on one core). This replacement transposes explicitly (the Transpose
 * kernel is fast), folds a broadcast right operand into one tall 2-D product, and runs other
 * batched products as one 2-D product per batch element, except small ones: a per-element call
 * costs about 13 us (three allocations, two copies, XNNPACK's packing), more than the stock loop
 * needs for a product of fewer than SMALL_PRODUCT multiply-adds. Those run on a SIMD loop of our
 * own that gives the stock loop's bits (small-matmul-wasm.ts), or on the stock loop where it cannot.
 */
import { BatchMatMul, broadcast_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, f32, release, runStock, view, type WasmBackend } from '../heap.js';
import { smallMatMulFor } from './small-matmul-wasm.js';

function swapLast2(backend: WasmBackend, t: TensorInfo): TensorInfo {
  const r = t.shape.length;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return runStock('Transpose', backend, { x: t }, { perm });
}

function matmul2d(backend: WasmBackend, a: TensorInfo, b: TensorInfo): TensorInfo {
  return runStock(BatchMatMul, backend, { a, b }, { transposeA: false, transposeB: false });
}

/**
 * M K N below which a batched (not broadcast) product stays off XNNPACK (see `smallBatched`). Measured on the
 * 2-core machine, stock against per-element XNNPACK: 1024 x (15x8 by 8x15) 5.6 against 12.9 ms,
 * 256 x (15x32 by 32x15) 3.3 against 4.4 ms, 128 x (16x16 by 16x16) 1.1 against 1.9 ms; but
 * 128 x (32x32 by 32x32) 7.4 against 4.3 ms. The crossover lies between 7,200 and 32,768.
 */
export const SMALL_PRODUCT = 16384;

export function batchMatMul({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return runStock(BatchMatMul, backend, { a, b }, attrs);

  const [ra, rb] = [a.shape.length, b.shape.length];
  const [M, K] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  // A broadcast right operand (batchB 1) folds into one tall product, fast at any size.
  if (batchB > 1 && M * K * N < SMALL_PRODUCT) return smallBatched(backend, a, b, transposeA, transposeB) ?? runStock(BatchMatMul, backend, { a, b }, attrs);

  const temps: TensorInfo[] = [];
  const A = transposeA ? swapLast2(backend, a) : a;
  const B = transposeB ? swapLast2(backend, b) : b;
  if (transposeA) temps.push(A);
  if (transposeB) temps.push(B);

  const [K2] = B.shape.slice(-2);
  util.assert(K === K2, () => `matMul: inner shapes ${K} and ${K2} of ${a.shape} and ${b.shape} (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  const batchDims = broadcast_util.assertAndGetBroadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const batchA = util.sizeFromShape(A.shape.slice(0, -2));
  const outShape = [...batchDims, M, N];

  let out: TensorInfo;
  if (batchB === 1) {
    // [..., M, K] x [K, N]: one tall product over all rows of A.
    const o = matmul2d(backend, view(A, [1, batchA * M, K]), view(B, [1, K, N]));
    out = { ...o, shape: outShape };
  } else if (batchA === batchB || batchA === 1) {
    out = alloc(backend, outShape);
    for (let i = 0; i < batchB; i++) {
      // Fresh operands each time: the stock kernel caches XNNPACK's packed copy of b by tensor id,
      // so refilling one buffer would multiply by stale weights.
      const ia = batchA === 1 ? 0 : i;
      const ai = alloc(backend, [1, M, K]);
      const bi = alloc(backend, [1, K, N]);
      // Views taken after allocating: growing the heap detaches earlier views.
      f32(backend, ai).set(f32(backend, A).subarray(ia * M * K, (ia + 1) * M * K));
      f32(backend, bi).set(f32(backend, B).subarray(i * K * N, (i + 1) * K * N));
      const oi = matmul2d(backend, ai, bi);
      f32(backend, out).set(f32(backend, oi), i * M * N);
      release(backend, ai, bi, oi);
    }
  } else {
    // Broadcasting over several batch dimensions at once: rare; the stock loop is correct.
    out = runStock(BatchMatMul, backend, { a: A, b: B }, { transposeA: false, transposeB: false });
  }
  release(backend, ...temps);
  return out;
}

/**
 * Batched products under SMALL_PRODUCT on the SIMD loop of small-matmul-wasm.ts, which gives the
 * stock loop's bits 3-4x faster; null where that loop cannot run (no wasm SIMD, no heap memory to
 * import, or broadcasting other than one operand shared by every batch element), leaving the stock loop.
 */
export function smallBatched(backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  const memory = backend.wasm?.asm?.memory;
  const bmm = memory ? smallMatMulFor(memory) : null;
  if (!bmm) return null;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const batchDims = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  // Transposing first costs a fast copy and keeps the loop to one layout; the sums are unchanged.
  const A = transposeA ? swapLast2(backend, a) : a;
  const B = transposeB ? swapLast2(backend, b) : b;
  const [M, K] = A.shape.slice(-2);
  const [K2, N] = B.shape.slice(-2);
  util.assert(K === K2, () => `matMul: inner shapes ${K} and ${K2} of ${a.shape} and ${b.shape} (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  const out = alloc(backend, [...batchDims, M, N]);
  // Addresses taken after the last allocation: allocating may grow the memory (addresses stay).
  const at = (t: TensorInfo) => f32(backend, t).byteOffset;
  bmm(at(A), at(B), at(out), Math.max(batchA, batchB), M, K, N, batchA === 1 ? 0 : M * K * 4, batchB === 1 ? 0 : K * N * 4);
  if (transposeA) release(backend, A);
  if (transposeB) release(backend, B);
  return out;
}

export const batchMatMulConfig: KernelConfig = { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul as KernelFunc };
