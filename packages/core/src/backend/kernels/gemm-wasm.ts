/**
 * A register-blocked SIMD wasm GEMM for the 2-D products XNNPACK would otherwise run, with XNNPACK's
 * bits. XNNPACK's f32 GEMM on wasm computes each output element as one float32 sum over k in
 * increasing order, starting from zero, each product rounded before it is added (no fused
 * multiply-add); so does this loop: tiles of 4 rows by 8 columns keep 8 vectors of sums in
 * registers, the four lanes of a vector being four neighbouring output columns, and no sum is split
 * or reordered. A test checks it bit for bit against the stock kernel. One call runs a batch of
 * products (attention's many small ones among them, see batch-matmul.ts's `smallBatched`).
 *
 * Why not XNNPACK: the stock kernel creates an XNNPACK operator and packs the right operand on
 * every call with a new right operand (every call, in training), and runs a transposed operand
 * through an explicit Transpose first. This loop reads the right operand where it lies and reads a
 * transposed left operand through its strides, which on the mid-sized products of a small
 * transformer's training step (weight gradients above all) is worth more than packing.
 */
import {
  add, and, bump, f32Add, f32Load, f32Mul, f32Store, f32Zero, F32, get, I32, i32, boundLoop, moduleBytes, mul, set, splat, V128,
  v128Load, v128Store, v128Zero, vAdd, vMul, whileLt,
} from './wasm-emit.js';

// Parameters: byte addresses of a, b and out; M, K, N; the byte strides of a's rows and columns
// (K*4 and 4 for a row-major [M, K]; 4 and M*4 for a transposed one stored [K, M]); the number of
// products, and the bytes between one product's a and the next's, and b's (0 for a shared operand).
const [A, B, O, M, K, N, RSA, CSA, BATCH, SBA, SBB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
// i32 locals.
const [I, J, KK, M4, N8, N4, NB, BP, OP, BI, OB] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
const AP = [22, 23, 24, 25];
// v128 locals: sums [row][vector], the two vectors of b, a's splat.
const ACC = [[26, 27], [28, 29], [30, 31], [32, 33]];
const [BV0, BV1, AV] = [34, 35, 36];
// f32 locals: one sum per row, and the scalars of b and a.
const SACC = [37, 38, 39, 40];
const [SB, SA] = [41, 42];

/**
 * One tile: `rows` output rows (4 or 1) at row I by `vectors` vectors of 4 columns (2 or 1) at
 * column J, or one column when `vectors` is 0; each sum runs over every k before it is stored.
 */
function tile(rows: number, vectors: number): number[] {
  const rs = [...Array(rows).keys()];
  const vs = [...Array(Math.max(vectors, 1)).keys()];
  const acc = (r: number, v: number) => (vectors ? ACC[r][v] : SACC[r]);
  const step = rs.flatMap((r) => [
    ...get(AP[r]), ...f32Load(),
    ...(vectors
      ? [...splat, ...set(AV), ...vs.flatMap((v) => [...get(acc(r, v)), ...get(AV), ...get(v ? BV1 : BV0), ...vMul, ...vAdd, ...set(acc(r, v))])]
      : [...set(SA), ...get(acc(r, 0)), ...get(SA), ...get(SB), ...f32Mul, ...f32Add, ...set(acc(r, 0))]),
    ...bump(AP[r], get(CSA)),
  ]);
  return [
    ...rs.flatMap((r) => vs.flatMap((v) => [...(vectors ? v128Zero : f32Zero), ...set(acc(r, v))])),
    // ap[r] = a + (i + r) * rsA; bp = b + j*4
    ...rs.flatMap((r) => [...get(A), ...get(I), ...i32(r), ...add, ...get(RSA), ...mul, ...add, ...set(AP[r])]),
    ...get(B), ...get(J), ...i32(4), ...mul, ...add, ...set(BP),
    ...i32(0), ...set(KK),
    ...whileLt(KK, get(K), [
      ...(vectors ? [...get(BP), ...v128Load(), ...set(BV0)] : [...get(BP), ...f32Load(), ...set(SB)]),
      ...(vectors === 2 ? [...get(BP), ...v128Load(16), ...set(BV1)] : []),
      ...step,
      ...bump(BP, get(NB)),
      ...bump(KK, i32(1)),
    ]),
    // op = out + (i*N + j)*4, then a row of N floats further for each next row.
    ...get(O), ...get(I), ...get(N), ...mul, ...get(J), ...add, ...i32(4), ...mul, ...add, ...set(OP),
    ...rs.flatMap((r) => [
      ...vs.flatMap((v) => [...get(OP), ...get(acc(r, v)), ...(vectors ? v128Store(16 * v) : f32Store())]),
      ...bump(OP, get(NB)),
    ]),
  ];
}

/** Every row of output columns J.. `vectors` wide: tiles of 4 rows, then single rows. */
const columnStrip = (vectors: number) => [
  ...i32(0), ...set(I),
  ...whileLt(I, get(M4), [...tile(4, vectors), ...bump(I, i32(4))]),
  ...whileLt(I, get(M), [...tile(1, vectors), ...bump(I, i32(1))]),
];

// Per product, column strips outermost: a strip of b (K x 8 floats) stays in cache while every row
// tile reads it.
const body = [
  ...get(M), ...i32(-4), ...and, ...set(M4),
  ...get(N), ...i32(-8), ...and, ...set(N8),
  ...get(N), ...i32(-4), ...and, ...set(N4),
  ...get(N), ...i32(4), ...mul, ...set(NB),
  ...get(M), ...get(NB), ...mul, ...set(OB),
  ...whileLt(BI, get(BATCH), [
    ...i32(0), ...set(J),
    ...whileLt(J, get(N8), [...columnStrip(2), ...bump(J, i32(8))]),
    ...whileLt(J, get(N4), [...columnStrip(1), ...bump(J, i32(4))]),
    ...whileLt(J, get(N), [...columnStrip(0), ...bump(J, i32(1))]),
    ...bump(A, get(SBA)), ...bump(B, get(SBB)), ...bump(O, get(OB)),
    ...bump(BI, i32(1)),
  ]),
];
const MODULE = moduleBytes('gemm', 11, [[15, I32], [11, V128], [6, F32]], body);

/**
 * `batch` products out[M, N] = a * b, all float32. Arguments are byte addresses in the memory the
 * function was bound to; each b is a dense row-major [K, N] and each out a dense [M, N], the outs
 * one after another; a's element (i, k) lies at `a + i*aRowStride + k*aColStride`. Product e reads
 * its a at `a + e*aBatchStride` and its b at `b + e*bBatchStride` (a stride 0 shares the operand).
 */
export type Gemm = (a: number, b: number, out: number, m: number, k: number, n: number, aRowStride: number, aColStride: number,
  batch: number, aBatchStride: number, bBatchStride: number) => void;

/** The GEMM bound to the backend's heap, or null where it cannot run (see `boundLoop`). */
export const gemmFor = boundLoop<Gemm>(MODULE, 'gemm');
