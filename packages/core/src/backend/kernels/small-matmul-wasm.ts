/**
 * A SIMD wasm loop for many small float32 products whose k runs past one of the stock loop's
 * 48-value blocks (shorter ones, attention's among them, run on gemm-wasm.ts with the same bits: see
 * batch-matmul.ts's `smallBatched`), which the stock kernel runs on a scalar loop at about
 * 1 GFLOP/s. It gives the stock loop's bits:
 * each output element is a float32 sum over k in increasing order, restarted every 48 values of k
 * and added to the element after each such block, exactly as tfjs-backend-wasm's `slow_batch_matmul`
 * (kBlockSize 48) does; the four lanes of a vector are four neighbouring output columns, so no sum
 * is reordered. wasm has no fused multiply-add, so each product rounds before it is added, as there.
 *
 * The module is emitted as bytes (wasm-emit.ts) and instantiated over the backend's own memory, so
 * it reads and writes the tensors where they lie. The tests check it bit for bit against the stock
 * kernel.
 */
import {
  add, and, bump, f32Add, f32Load, f32Mul, f32Store, f32Zero, F32, get, I32, i32, ltu, boundLoop, moduleBytes, mul, select, set,
  splat, V128, v128Load, v128Store, v128Zero, vAdd, vMul, whileLt,
} from './wasm-emit.js';

/** The k block of tfjs-backend-wasm's scalar batch matmul: sums restart at each block. */
export const K_BLOCK = 48;

// Parameters (byte addresses and sizes): a, b, out, batch, M, K, N, a's and b's batch strides in bytes.
const [A, B, O, BATCH, M, K, N, SA, SB] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
// Locals.
const [BI, I, J, KK, K0, KEND, AP, BP, ROW_A, N4, ROW_O] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
const [ACC, OUT] = [20, 21];
const [SACC, SOUT] = [22, 23];

/** The k loop of one block for output columns j..: `acc += a[i,k] * b[k, j..]`, vector or scalar. */
function kLoop(vector: boolean): number[] {
  const acc = vector ? ACC : SACC;
  return [
    ...(vector ? v128Zero : f32Zero), ...set(acc),
    ...get(K0), ...set(KK),
    // ap = rowA + k0*4; bp = b + (k0*N + j)*4
    ...get(ROW_A), ...get(K0), ...i32(4), ...mul, ...add, ...set(AP),
    ...get(B), ...get(K0), ...get(N), ...mul, ...get(J), ...add, ...i32(4), ...mul, ...add, ...set(BP),
    ...whileLt(KK, get(KEND), [
      ...get(acc), ...get(AP), ...f32Load(), ...(vector ? [...splat, ...get(BP), ...v128Load(), ...vMul, ...vAdd] : [...get(BP), ...f32Load(), ...f32Mul, ...f32Add]), ...set(acc),
      ...bump(AP, i32(4)), ...bump(BP, [...get(N), ...i32(4), ...mul]), ...bump(KK, i32(1)),
    ]),
  ];
}

/** Output columns j.. (4 at a time or 1): every k block, each added to the running element. */
function columns(vector: boolean): number[] {
  const out = vector ? OUT : SOUT;
  return whileLt(J, get(vector ? N4 : N), [
    ...(vector ? v128Zero : f32Zero), ...set(out),
    ...i32(0), ...set(K0),
    ...whileLt(K0, get(K), [
      // kend = min(k0 + 48, K)
      ...get(K0), ...i32(K_BLOCK), ...add, ...get(K), ...get(K0), ...i32(K_BLOCK), ...add, ...get(K), ...ltu, ...select, ...set(KEND),
      ...kLoop(vector),
      ...get(out), ...get(vector ? ACC : SACC), ...(vector ? vAdd : f32Add), ...set(out),
      ...bump(K0, i32(K_BLOCK)),
    ]),
    ...get(ROW_O), ...get(J), ...i32(4), ...mul, ...add, ...get(out), ...(vector ? v128Store() : f32Store()),
    ...bump(J, i32(vector ? 4 : 1)),
  ]);
}

const body = [
  ...get(N), ...i32(-4), ...and, ...set(N4),
  ...whileLt(BI, get(BATCH), [
    ...i32(0), ...set(I),
    ...whileLt(I, get(M), [
      ...get(A), ...get(I), ...get(K), ...mul, ...i32(4), ...mul, ...add, ...set(ROW_A),
      ...get(O), ...get(I), ...get(N), ...mul, ...i32(4), ...mul, ...add, ...set(ROW_O),
      ...i32(0), ...set(J),
      ...columns(true),
      ...columns(false),
      ...bump(I, i32(1)),
    ]),
    ...bump(A, get(SA)), ...bump(B, get(SB)), ...bump(O, [...get(M), ...get(N), ...mul, ...i32(4), ...mul]),
    ...bump(BI, i32(1)),
  ]),
];
const MODULE = moduleBytes('bmm', 9, [[11, I32], [2, V128], [2, F32]], body);

export type SmallMatMul = (a: number, b: number, out: number, batch: number, m: number, k: number, n: number, aStride: number, bStride: number) => void;

/**
 * The loop bound to the backend's heap, or null where it cannot run (see `boundLoop`). Arguments
 * are byte addresses in that heap; `aStride` and `bStride` are the bytes between batch elements (0 for an
 * operand shared by all of them); the output is dense [batch, m, n].
 */
export const smallMatMulFor = boundLoop<SmallMatMul>(MODULE, 'bmm');
