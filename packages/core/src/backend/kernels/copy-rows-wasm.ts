/**
 * A SIMD wasm loop that copies `rows` runs of 32-bit words between two strided layouts: a SplitV
 * output's slice of each row, or a Concat input's place in each row. A JavaScript loop over words
 * (or a `subarray` and `set` per row) costs 3-5 ns a word on T-JEPA's rows of 16-64 words; here a
 * row moves 16 bytes at a time. Words are copied, never computed, so the bytes are the same.
 */
import type { WasmBackend, WasmMemory } from '../heap.js';
import { add, and, bump, get, I32, i32, i32Load, i32Store, instantiate, moduleBytes, mul, set, v128Load, v128Store, whileLt } from './wasm-emit.js';

// Parameters: byte addresses of src and dst; rows; words a row; src's and dst's row strides in bytes.
const [SRC, DST, ROWS, WORDS, SS, DS] = [0, 1, 2, 3, 4, 5];
// Locals: row, byte offset in the row, the row's bytes and its bytes rounded down to 16, the row's
// source and destination addresses.
const [R, J, RB, RB16, P, Q] = [6, 7, 8, 9, 10, 11];

const moves = (vector: boolean, end: number[]) => whileLt(J, end, [
  ...get(Q), ...get(J), ...add, ...get(P), ...get(J), ...add, ...(vector ? [...v128Load(), ...v128Store()] : [...i32Load(), ...i32Store()]),
  ...bump(J, i32(vector ? 16 : 4)),
]);

const body = [
  ...get(WORDS), ...i32(4), ...mul, ...set(RB),
  ...get(RB), ...i32(-16), ...and, ...set(RB16),
  ...get(SRC), ...set(P), ...get(DST), ...set(Q),
  ...i32(0), ...set(R),
  ...whileLt(R, get(ROWS), [
    ...i32(0), ...set(J),
    ...moves(true, get(RB16)),
    ...moves(false, get(RB)),
    ...bump(P, get(SS)), ...bump(Q, get(DS)),
    ...bump(R, i32(1)),
  ]),
];
const MODULE = moduleBytes('copyrows', 6, [[6, I32]], body);

/** Copies rows x words 32-bit words; addresses and strides in bytes. */
export type CopyRows = (src: number, dst: number, rows: number, words: number, srcStride: number, dstStride: number) => void;

const instances = new WeakMap<WasmMemory, CopyRows>();

/** The loop bound to the backend's heap, or null where it cannot run (see `instantiate`). */
export function copyRowsFor(backend: WasmBackend): CopyRows | null {
  return instantiate(MODULE, 'copyrows', backend, instances);
}
