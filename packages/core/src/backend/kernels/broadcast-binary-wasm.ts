/**
 * SIMD wasm loops for float32 Add, Sub, Multiply and RealDiv where one operand is broadcast over a
 * dense [R, C] one: along rows (a bias or LayerNorm's scale, [C]) or along columns (a statistic kept
 * per row, [R, 1], or a scalar as R = 1). The stock kernel broadcasts through XNNPACK a row at a
 * time, about 30 ns a row: 2 ns a value at T-JEPA's width 16, five times a same-shape op. Here the
 * row's vector (or the row's value, splatted) stays in registers and the row is read four values at
 * a time. Each output is one IEEE float32 operation on the same two values, so the bits are the
 * stock kernel's (a test compares them).
 */
import type { WasmBackend } from '../heap.js';
import {
  add, and, bump, f32Add, f32Div, f32Load, f32Mul, f32Store, f32Sub, F32, get, I32, i32, boundLoop, moduleBytes, mul, set, splat, V128,
  v128Load, v128Store, vAdd, vDiv, vMul, vSub, whileLt,
} from './wasm-emit.js';

export const BROADCAST_OPS = ['add', 'sub', 'mul', 'div'] as const;
export type BroadcastOp = (typeof BROADCAST_OPS)[number];
/** `row`: the small operand is [C], one value per column; `col`: it is [R], one value per row. */
export type BroadcastAxis = 'row' | 'col';

const SCALAR_OP: Record<BroadcastOp, number[]> = { add: f32Add, sub: f32Sub, mul: f32Mul, div: f32Div };
const VECTOR_OP: Record<BroadcastOp, number[]> = { add: vAdd, sub: vSub, mul: vMul, div: vDiv };

// Parameters: byte addresses of the dense operand, the small one and out; R, C.
const [X, V, O, R, C] = [0, 1, 2, 3, 4];
// i32 locals: row, column, C rounded down to 4, the dense and output cursors, the small cursor.
const [I, J, C4, PX, PO, PV] = [5, 6, 7, 8, 9, 10];
// The row's splatted value (col) and its scalar (col, remainder).
const [VS, FS] = [11, 12];

/**
 * The loop for `op` with the small operand broadcast along `axis`; `smallFirst` computes
 * `small op dense` (for Sub and RealDiv whose broadcast operand is the left one).
 */
function moduleFor(op: BroadcastOp, axis: BroadcastAxis, smallFirst: boolean): Uint8Array {
  // Pushes the two operands in order, given code for the dense one and the small one.
  const operands = (dense: number[], small: number[]) => (smallFirst ? [...small, ...dense] : [...dense, ...small]);
  const vectorSmall = axis === 'row' ? [...get(PV), ...v128Load()] : get(VS);
  const scalarSmall = axis === 'row' ? [...get(PV), ...f32Load()] : get(FS);
  const columns = (vector: boolean, end: number[]) => whileLt(J, end, [
    ...get(PO), ...operands([...get(PX), ...(vector ? v128Load() : f32Load())], vector ? vectorSmall : scalarSmall),
    ...(vector ? VECTOR_OP : SCALAR_OP)[op], ...(vector ? v128Store() : f32Store()),
    ...[PX, PO, ...(axis === 'row' ? [PV] : [])].flatMap((p) => bump(p, i32(vector ? 16 : 4))),
    ...bump(J, i32(vector ? 4 : 1)),
  ]);
  const body = [
    ...get(C), ...i32(-4), ...and, ...set(C4),
    ...get(X), ...set(PX), ...get(O), ...set(PO),
    ...i32(0), ...set(I),
    ...whileLt(I, get(R), [
      ...(axis === 'row' ? [...get(V), ...set(PV)] : [...get(V), ...get(I), ...i32(4), ...mul, ...add, ...f32Load(), ...set(FS), ...get(FS), ...splat, ...set(VS)]),
      ...i32(0), ...set(J),
      ...columns(true, get(C4)),
      ...columns(false, get(C)),
      ...bump(I, i32(1)),
    ]),
  ];
  return moduleBytes('bcast', 5, [[6, I32], [1, V128], [1, F32]], body);
}

/** out[R, C] = dense op small (or small op dense); arguments are byte addresses and sizes. */
export type BroadcastBinary = (dense: number, small: number, out: number, rows: number, columns: number) => void;

const loops = new Map<string, (backend: WasmBackend) => BroadcastBinary | null>();

/** The loop bound to the backend's heap, or null where it cannot run (see `boundLoop`). */
export function broadcastBinaryFor(backend: WasmBackend, op: BroadcastOp, axis: BroadcastAxis, smallFirst: boolean): BroadcastBinary | null {
  const key = `${op}/${axis}/${smallFirst}`;
  let loop = loops.get(key);
  if (!loop) { loop = boundLoop<BroadcastBinary>(moduleFor(op, axis, smallFirst), 'bcast'); loops.set(key, loop); }
  return loop(backend);
}
