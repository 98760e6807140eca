/**
 * A SIMD wasm loop that copies runs of 32-bit words between two strided layouts, over up to three
 * levels: a SplitV output's slice of each row, a Concat input's place in each row, or a Transpose
 * that keeps the last axis in place (attention's [B, T, H, d] to [B, H, T, d]). A JavaScript loop over words
 * (or a `subarray` and `set` per row) costs 3-5 ns a word on T-JEPA's rows of 16-64 words; here a
 * row moves 16 bytes at a time. Words are copied, never computed, so the bytes are the same.
 */
import { add, and, bump, get, I32, i32, i32Load, i32Store, boundLoop, moduleBytes, mul, set, v128Load, v128Store, whileLt } from './wasm-emit.js';

// Parameters: byte addresses of src and dst; the counts of the two outer levels and of rows; words
// a row; the src and dst strides in bytes of each outer level and of rows.
const [SRC, DST, NA, NB, ROWS, WORDS, SA, DA, SB, DB, SS, DS] = [...Array(12).keys()];
// Locals: the level counters, byte offset in the row, the row's bytes and its bytes rounded down to
// 16, and the source and destination addresses at each level.
const [A, B, R, J, RB, RB16, PA, QA, PB, QB, P, Q] = [...Array(12).keys()].map((k) => 12 + k);

const moves = (vector: boolean, end: number[]) => whileLt(J, end, [
  ...get(Q), ...get(J), ...add, ...get(P), ...get(J), ...add, ...(vector ? [...v128Load(), ...v128Store()] : [...i32Load(), ...i32Store()]),
  ...bump(J, i32(vector ? 16 : 4)),
]);

/** `for (counter = 0; counter < n; counter++) { body; from += fromStride; to += toStride }` */
const level = (counter: number, n: number, [from, to]: [number, number], [fromStride, toStride]: [number, number], inner: number[]) => [
  ...i32(0), ...set(counter),
  ...whileLt(counter, get(n), [...inner, ...bump(from, get(fromStride)), ...bump(to, get(toStride)), ...bump(counter, i32(1))]),
];

const body = [
  ...get(WORDS), ...i32(4), ...mul, ...set(RB),
  ...get(RB), ...i32(-16), ...and, ...set(RB16),
  ...get(SRC), ...set(PA), ...get(DST), ...set(QA),
  ...level(A, NA, [PA, QA], [SA, DA], [
    ...get(PA), ...set(PB), ...get(QA), ...set(QB),
    ...level(B, NB, [PB, QB], [SB, DB], [
      ...get(PB), ...set(P), ...get(QB), ...set(Q),
      ...level(R, ROWS, [P, Q], [SS, DS], [...i32(0), ...set(J), ...moves(true, get(RB16)), ...moves(false, get(RB))]),
    ]),
  ]),
];
const MODULE = moduleBytes('copyrows', 12, [[12, I32]], body);

/**
 * Copies a grid of runs of 32-bit words: for a < na, b < nb, r < rows, `words` words from
 * src + a sa + b sb + r ss to dst + a da + b db + r ds (addresses and strides in bytes).
 */
export type CopyRows = (src: number, dst: number, na: number, nb: number, rows: number, words: number, sa: number, da: number, sb: number, db: number, ss: number, ds: number) => void;

/** The loop bound to the backend's heap, or null where it cannot run (see `boundLoop`). */
export const copyRowsFor = boundLoop<CopyRows>(MODULE, 'copyrows');
