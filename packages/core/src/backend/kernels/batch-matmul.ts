/**
 * BatchMatMul on wasm. The stock kernel reaches XNNPACK's fast GEMM only for an untransposed,
 * unbatched product; transposed operands and every batched product fall back to a scalar loop
 * (about 1 GFLOP/s against 16 on one core). This replacement runs every product on SIMD code:
 * - Products under GEMM_MAX multiply-adds, batched or not, on a register-blocked GEMM of our own
 *   (gemm-wasm.ts) with XNNPACK's bits, which reads a transposed left operand through its strides
 *   and needs no packing, so it beats XNNPACK's per-call operator creation and packing there.
 * - Larger ones on XNNPACK: operands transposed explicitly (the Transpose kernel is fast), a
 *   broadcast right operand folded into one tall 2-D product, other batched products one 2-D product
 *   per batch element.
 * - Batched products of fewer than SMALL_PRODUCT multiply-adds each, which the stock scalar loop ran
 *   before any of this existed, with that loop's bits (see `smallBatched`: our GEMM where k fits in
 *   one of the loop's blocks, small-matmul-wasm.ts where it does not), so results computed then are
 *   reproduced; or on the stock loop where ours cannot run.
 */
import { BatchMatMul, broadcast_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, f32, heapAddress, release, runStock, view, type WasmBackend } from '../heap.js';
import { gemmFor, type Gemm } from './gemm-wasm.js';
import { K_BLOCK, smallMatMulFor } from './small-matmul-wasm.js';

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
 * M K N below which a batched (not broadcast) product runs with the stock scalar loop's bits (see
 * `smallBatched`). It was set where that loop beat per-element XNNPACK (1024 x (15x8 by 8x15) 5.6
 * against 12.9 ms, 128 x (32x32 by 32x32) 7.4 against 4.3 ms), and stays now that larger products
 * run on our GEMM because moving it would change the bits of the products between, and so of
 * results computed before.
 */
export const SMALL_PRODUCT = 16384;

/**
 * M K N (summed over the batch) from which a product goes to XNNPACK rather than our GEMM
 * (gemm-wasm.ts). Below it our loop, which reads the right operand where it lies, wins or ties:
 * 0.96-3.2x on 20 shapes from 1x1x1 to 1024x256x256 (a fresh right operand each call, as in
 * training; scratch timing), and 1.13x at 768^3. At 512^3 the two tie; at 1024^3 XNNPACK's packed,
 * cache-blocked GEMM wins (91 against 140 ms): our column strip of a 4 KB-strided right operand
 * thrashes the cache.
 */
export const GEMM_MAX = 2 ** 27;

export function batchMatMul({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return runStock(BatchMatMul, backend, { a, b }, attrs);

  const [ra, rb] = [a.shape.length, b.shape.length];
  const [M, K] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  // A broadcast right operand (batchB 1) folds into one tall product, fast at any size.
  if (batchB > 1 && M * K * N < SMALL_PRODUCT) return smallBatched(backend, a, b, transposeA, transposeB) ?? runStock(BatchMatMul, backend, { a, b }, attrs);

  const K2 = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  util.assert(K === K2, () => `matMul: inner shapes ${K} and ${K2} of ${a.shape} and ${b.shape} (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  const batchDims = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batchDims, M, N];
  const oneOperandShared = batchA === batchB || batchA === 1 || batchB === 1;
  const gemm = oneOperandShared && Math.max(batchA, batchB) * M * K * N < GEMM_MAX ? gemmFor(backend) : null;

  const temps: TensorInfo[] = [];
  // Our GEMM reads a transposed left operand through its strides; XNNPACK needs it transposed first.
  const A = transposeA && !gemm ? swapLast2(backend, a) : a;
  const B = transposeB ? swapLast2(backend, b) : b;
  if (A !== a) temps.push(A);
  if (B !== b) temps.push(B);

  let out: TensorInfo;
  if (gemm) {
    out = gemmProduct(backend, gemm, A, B, transposeA, M, K, N, batchA, batchB, outShape);
  } else if (batchB === 1) {
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
 * The product on our GEMM: `a` as given (transposed or not: its strides say which), `b` untransposed
 * [..., K, N]; one batch element at a time, or one tall product when the right operand is shared
 * and the left one is untransposed.
 */
function gemmProduct(backend: WasmBackend, gemm: Gemm, a: TensorInfo, b: TensorInfo, transposeA: boolean, M: number, K: number, N: number, batchA: number, batchB: number, outShape: number[]): TensorInfo {
  const out = alloc(backend, outShape);
  const [pa, pb, po] = [a, b, out].map((t) => heapAddress(backend, t));
  const [rowStride, colStride] = transposeA ? [4, M * 4] : [K * 4, 4];
  if (batchB === 1 && !transposeA) gemm(pa, pb, po, batchA * M, K, N, rowStride, colStride, 1, 0, 0);
  else gemm(pa, pb, po, M, K, N, rowStride, colStride, Math.max(batchA, batchB), batchA === 1 ? 0 : M * K * 4, batchB === 1 ? 0 : K * N * 4);
  return out;
}

/**
 * Batched products under SMALL_PRODUCT with the stock scalar loop's bits, 3-4x faster or more;
 * null where neither of our loops can run (no wasm SIMD, no heap memory to import, or broadcasting
 * other than one operand shared by every batch element), leaving the stock loop.
 * - K up to K_BLOCK (attention's products: K is a head width or a token count) on our GEMM
 *   (gemm-wasm.ts), whose register tiles share each load of b among four rows. The stock loop sums
 *   over k in one block from zero and adds that sum to the zeroed output: 0 + s is s, because a
 *   float32 sum started at +0 is never -0; the GEMM's sum is the same sum, so the bits agree. It
 *   reads a transposed left operand through its strides.
 * - Longer K on small-matmul-wasm.ts, which restarts its sums every K_BLOCK values of k as the stock
 *   loop does.
 */
export function smallBatched(backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | null {
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const [ra, rb] = [a.shape.length, b.shape.length];
  const [M, K] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [K2, N] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  util.assert(K === K2, () => `matMul: inner shapes ${K} and ${K2} of ${a.shape} and ${b.shape} (transposeA=${transposeA}, transposeB=${transposeB}) must match`);
  const gemm = K <= K_BLOCK ? gemmFor(backend) : null;
  const bmm = gemm ? null : smallMatMulFor(backend);
  if (!gemm && !bmm) return null;
  const batchDims = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  // Transposing first costs a fast copy and keeps the loops to one layout of b; the sums are unchanged.
  const A = transposeA && !gemm ? swapLast2(backend, a) : a;
  const B = transposeB ? swapLast2(backend, b) : b;
  const out = alloc(backend, [...batchDims, M, N]);
  const [pa, pb, po] = [A, B, out].map((t) => heapAddress(backend, t));
  const [strideA, strideB] = [batchA === 1 ? 0 : M * K * 4, batchB === 1 ? 0 : K * N * 4];
  const batch = Math.max(batchA, batchB);
  if (gemm) gemm(pa, pb, po, M, K, N, transposeA ? 4 : K * 4, transposeA ? M * 4 : 4, batch, strideA, strideB);
  else bmm!(pa, pb, po, batch, M, K, N, strideA, strideB);
  if (A !== a) release(backend, A);
  if (B !== b) release(backend, B);
  return out;
}

export const batchMatMulConfig: KernelConfig = { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: batchMatMul as KernelFunc };
