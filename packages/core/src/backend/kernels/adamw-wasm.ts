/**
 * AdamW's update of one variable as one SIMD wasm loop, with the float32 operations the optimizer's
 * fourteen tf ops perform, in the same order (train/optimizers.ts):
 *   p = v a;  m' = m b1 + g c1;  s' = s b2 + (g g) c2;  v' = p - (m' / (sqrt(s') / d + eps)) l
 * Each is one IEEE float32 operation (sqrt included), so the bits are the tf ops' (a test compares
 * them). A variable that takes no decay passes a = 1, which leaves every number as it is. The loop
 * writes new buffers and reads the old ones, as the ops do: a variable's data may be shared.
 */
import {
  add, and, bump, f32Add, f32Div, f32FromBits, f32Load, f32Mul, f32Sqrt, f32Store, f32Sub, F32, get, I32, i32, boundLoop, moduleBytes, mul, set,
  splat, V128, v128Load, v128Store, vAdd, vDiv, vMul, vSqrt, vSub, whileLt,
} from './wasm-emit.js';

// Parameters: byte addresses of v, g, m, s and of the new v, m, s; n; then the float32 bits of
// a (1 - lr wd), b1, c1 (1 - b1), b2, c2 (1 - b2), d (sqrt of the second bias correction), eps and
// l (lr over the first bias correction).
const [PV, PG, PM, PS, OV, OM, OS, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const SCALARS = ['a', 'b1', 'c1', 'b2', 'c2', 'd', 'eps', 'l'] as const;
const PARAMS = 8 + SCALARS.length;
// Locals: the byte offset, the end of the vector part and of all; per scalar a float and a splat;
// the new m and s of an element or vector.
const [Q, QV, QE] = [PARAMS, PARAMS + 1, PARAMS + 2];
const F = Object.fromEntries(SCALARS.map((k, i) => [k, PARAMS + 3 + i])) as Record<(typeof SCALARS)[number], number>;
const VS = Object.fromEntries(SCALARS.map((k, i) => [k, PARAMS + 3 + SCALARS.length + i])) as Record<(typeof SCALARS)[number], number>;
const [NM, NS, SNM, SNS] = [0, 1, 2, 3].map((i) => PARAMS + 3 + 2 * SCALARS.length + i);

function update(vector: boolean): number[] {
  const at = (base: number) => [...get(base), ...get(Q), ...add];
  const load = (base: number) => [...at(base), ...(vector ? v128Load() : f32Load())];
  const c = (k: (typeof SCALARS)[number]) => get(vector ? VS[k] : F[k]);
  const [opAdd, opSub, opMul, opDiv, opSqrt] = vector ? [vAdd, vSub, vMul, vDiv, vSqrt] : [f32Add, f32Sub, f32Mul, f32Div, f32Sqrt];
  const store = vector ? v128Store() : f32Store();
  const [nm, ns] = vector ? [NM, NS] : [SNM, SNS];
  return [
    // m' = m b1 + g c1
    ...load(PM), ...c('b1'), ...opMul, ...load(PG), ...c('c1'), ...opMul, ...opAdd, ...set(nm),
    // s' = s b2 + (g g) c2
    ...load(PS), ...c('b2'), ...opMul, ...load(PG), ...load(PG), ...opMul, ...c('c2'), ...opMul, ...opAdd, ...set(ns),
    ...at(OM), ...get(nm), ...store,
    ...at(OS), ...get(ns), ...store,
    // v' = v a - (m' / (sqrt(s') / d + eps)) l
    ...at(OV),
    ...load(PV), ...c('a'), ...opMul,
    ...get(nm), ...get(ns), ...opSqrt, ...c('d'), ...opDiv, ...c('eps'), ...opAdd, ...opDiv, ...c('l'), ...opMul,
    ...opSub, ...store,
    ...bump(Q, i32(vector ? 16 : 4)),
  ];
}

const body = [
  ...SCALARS.flatMap((k, i) => [...get(8 + i), ...f32FromBits, ...set(F[k]), ...get(F[k]), ...splat, ...set(VS[k])]),
  ...get(N), ...i32(4), ...mul, ...set(QE),
  ...get(QE), ...i32(-16), ...and, ...set(QV),
  ...i32(0), ...set(Q),
  ...whileLt(Q, get(QV), update(true)),
  ...whileLt(Q, get(QE), update(false)),
];
const MODULE = moduleBytes('adamw', PARAMS, [[3, I32], [SCALARS.length, F32], [SCALARS.length, V128], [2, V128], [2, F32]], body);

/** One variable's update; addresses in bytes, then n, then the scalars' float32 bits in SCALARS' order. */
export type AdamWUpdate = (v: number, g: number, m: number, s: number, newV: number, newM: number, newS: number, n: number, ...scalarBits: number[]) => void;

/** The loop bound to the backend's heap, or null where it cannot run (see `boundLoop`). */
export const adamwUpdateFor = boundLoop<AdamWUpdate>(MODULE, 'adamw');
