/**
 * A SIMD wasm loop for column sums: out[c] = sum over r of x[r, c] for a dense float32 [R, C], which
 * is what a bias gradient (or LayerNorm's scale and shift gradients) asks of `Sum` over leading
 * axes. The stock kernel transposes x so that the reduced axis is innermost, then sums each row
 * with a scalar loop; each column's sum is a float32 sum from zero over r in increasing order. So
 * is this loop's, read row by row where x lies: the four lanes of a vector are four neighbouring
 * columns, and strips of 16 columns keep four vectors of sums in registers, so each 64-byte line of
 * a row is read once. A test checks it bit for bit against the stock kernel.
 */
import {
  add, and, bump, f32Add, f32Load, f32Store, f32Zero, F32, get, I32, i32, boundLoop, moduleBytes, mul, set, V128, v128Load,
  v128Store, v128Zero, vAdd, whileLt,
} from './wasm-emit.js';

// Parameters: byte addresses of x and out; R, C.
const [X, O, R, C] = [0, 1, 2, 3];
// i32 locals: column, row, the ends of the 16- and 4-column strips, the row stride in bytes, and
// the running address in x.
const [J, I, C16, C4, RB, P] = [4, 5, 6, 7, 8, 9];
// v128 sums of a strip; the f32 sum of a single column.
const ACC = [10, 11, 12, 13];
const SACC = 14;

/** Columns J.. `vectors` vectors wide (4 or 1), or one column when `vectors` is 0. */
function strip(vectors: number): number[] {
  const vs = [...Array(Math.max(vectors, 1)).keys()];
  const acc = (v: number) => (vectors ? ACC[v] : SACC);
  return [
    ...vs.flatMap((v) => [...(vectors ? v128Zero : f32Zero), ...set(acc(v))]),
    ...get(X), ...get(J), ...i32(4), ...mul, ...add, ...set(P),
    ...i32(0), ...set(I),
    ...whileLt(I, get(R), [
      ...vs.flatMap((v) => [...get(acc(v)), ...get(P), ...(vectors ? [...v128Load(16 * v), ...vAdd] : [...f32Load(), ...f32Add]), ...set(acc(v))]),
      ...bump(P, get(RB)),
      ...bump(I, i32(1)),
    ]),
    ...vs.flatMap((v) => [...get(O), ...get(J), ...i32(4), ...mul, ...add, ...get(acc(v)), ...(vectors ? v128Store(16 * v) : f32Store())]),
    ...bump(J, i32(vectors ? 4 * vectors : 1)),
  ];
}

const body = [
  ...get(C), ...i32(-16), ...and, ...set(C16),
  ...get(C), ...i32(-4), ...and, ...set(C4),
  ...get(C), ...i32(4), ...mul, ...set(RB),
  ...i32(0), ...set(J),
  ...whileLt(J, get(C16), strip(4)),
  ...whileLt(J, get(C4), strip(1)),
  ...whileLt(J, get(C), strip(0)),
];
const MODULE = moduleBytes('colsum', 4, [[6, I32], [4, V128], [1, F32]], body);

/** out[C] = column sums of x[R, C], both float32; arguments are byte addresses and sizes. */
export type ColumnSum = (x: number, out: number, rows: number, columns: number) => void;

/** The loop bound to the backend's heap, or null where it cannot run (see `boundLoop`). */
export const columnSumFor = boundLoop<ColumnSum>(MODULE, 'colsum');
