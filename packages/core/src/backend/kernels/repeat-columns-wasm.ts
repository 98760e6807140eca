/**
 * A SIMD wasm loop for Tile's commonest shape in training: [R, 1] repeated into [R, C] (the Mean
 * gradient's broadcast of dy / n over the reduced axis). Each row's 32-bit word is splatted and
 * stored four at a time, so values (NaN payloads too) are copied, never computed.
 */
import { add, and, bump, get, I32, i32, i32Load, i32Store, boundLoop, moduleBytes, mul, set, splatI32, V128, v128Store, whileLt } from './wasm-emit.js';

// Parameters: byte addresses of x and out; R, C.
const [X, O, R, C] = [0, 1, 2, 3];
// Locals: row, column, C rounded down to 4, the output cursor, the row's word and its splat.
const [I, J, C4, PO, W, WS] = [4, 5, 6, 7, 8, 9];

const columns = (vector: boolean, end: number[]) => whileLt(J, end, [
  ...get(PO), ...get(vector ? WS : W), ...(vector ? v128Store() : i32Store()),
  ...bump(PO, i32(vector ? 16 : 4)), ...bump(J, i32(vector ? 4 : 1)),
]);

const body = [
  ...get(C), ...i32(-4), ...and, ...set(C4),
  ...get(O), ...set(PO),
  ...i32(0), ...set(I),
  ...whileLt(I, get(R), [
    ...get(X), ...get(I), ...i32(4), ...mul, ...add, ...i32Load(), ...set(W),
    ...get(W), ...splatI32, ...set(WS),
    ...i32(0), ...set(J),
    ...columns(true, get(C4)),
    ...columns(false, get(C)),
    ...bump(I, i32(1)),
  ]),
];
const MODULE = moduleBytes('repeat', 4, [[5, I32], [1, V128]], body);

/** out[r, c] = x[r] for a [R, 1] x of 32-bit values; arguments are byte addresses and sizes. */
export type RepeatColumns = (x: number, out: number, rows: number, columns: number) => void;

/** The loop bound to the backend's heap, or null where it cannot run (see `boundLoop`). */
export const repeatColumnsFor = boundLoop<RepeatColumns>(MODULE, 'repeat');
