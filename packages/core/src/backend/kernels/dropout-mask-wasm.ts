/**
 * A SIMD wasm loop that draws a dropout mask from alea (train/alea.ts) as STREAMS pieces at once.
 *
 * One alea stream is sequential: each draw waits on the last one's carry through a float-to-integer
 * conversion, about 8 ns a value in JavaScript. Cut into STREAMS pieces of `length` draws, each
 * starting from the state the jump-ahead gives, the pieces are independent: two of them share a
 * float64 pair, and four pairs in flight hide each other's latency. Each piece runs alea's own
 * float64 steps (t = a s0 + c 2^-32, c = floor(t), s = t - c: exact, so the same values) and makes
 * tf.dropout's mask from each draw: the draw rounded to float32, `u + keep` in float32,
 * `>= 1 ? scale : 0`. Piece k fills out[k * length, (k + 1) * length).
 */
import { ALEA_MULTIPLIER, TWO_TO_MINUS_32 } from '../../train/alea.js';
import {
  add, bump, f32Const, f32FromBits, f32Store, f32x4Ge, f32x4Lane, f64Const, f64FromI32, f64FromU32, f64Mul, f64x2Add, f64x2Floor,
  f64x2Mul, f64x2ReplaceLane, f64x2Splat, f64x2Sub, f64x2ToF32x4, get, I32, i32, boundLoop, moduleBytes, mul, set, splat, V128, vAdd,
  vAnd, whileLt,
} from './wasm-emit.js';

/** How many pieces one call draws (two per float64 pair). */
export const STREAMS = 8;
const PAIRS = STREAMS / 2;

// Parameters: the byte address of out, draws per piece, keep's and scale's float32 bits, then for
// each piece its state as alea's integers x[n-2], x[n-1], x[n] (unsigned) and the carry.
const [OUT, LENGTH, KEEP_BITS, SCALE_BITS] = [0, 1, 2, 3];
const word = (piece: number, w: number) => 4 + 4 * piece + w;
const PARAMS = 4 + 4 * STREAMS;
// i32 locals: the byte offset within a piece, its end, each piece's start.
const [Q, QEND] = [PARAMS, PARAMS + 1];
const START = [...Array(STREAMS).keys()].map((k) => PARAMS + 2 + k);
// v128 locals: per pair s0, s1, s2 and carry; the constants; two temporaries.
const V0 = PARAMS + 2 + STREAMS;
const [S0, S1, S2, C] = [0, 1, 2, 3].map((w) => [...Array(PAIRS).keys()].map((p) => V0 + 4 * p + w));
const [VA, VSCALE32, VKEEP, VONE, VSCALE, T, MASK] = [0, 1, 2, 3, 4, 5, 6].map((i) => V0 + 4 * PAIRS + i);

/** A pair's state word `w` as float64s (fractions of 2^32 for x, the carry as it is). */
const pairWord = (p: number, w: number, into: number) => {
  const lane = (piece: number) => (w === 3 ? [...get(word(piece, w)), ...f64FromI32] : [...get(word(piece, w)), ...f64FromU32, ...f64Const(TWO_TO_MINUS_32), ...f64Mul]);
  return [...lane(2 * p), ...f64x2Splat, ...lane(2 * p + 1), ...f64x2ReplaceLane(1), ...set(into)];
};

const step = (p: number) => [
  // t = a s0 + c 2^-32; c = floor(t); s0, s1, s2 = s1, s2, t - c
  ...get(S0[p]), ...get(VA), ...f64x2Mul, ...get(C[p]), ...get(VSCALE32), ...f64x2Mul, ...f64x2Add, ...set(T),
  ...get(T), ...f64x2Floor, ...set(C[p]),
  ...get(S1[p]), ...set(S0[p]),
  ...get(S2[p]), ...set(S1[p]),
  ...get(T), ...get(C[p]), ...f64x2Sub, ...set(S2[p]),
  // mask = float32(float32(s) + keep) >= 1 ? scale : 0, in lanes 0 and 1
  ...get(S2[p]), ...f64x2ToF32x4, ...get(VKEEP), ...vAdd, ...get(VONE), ...f32x4Ge, ...get(VSCALE), ...vAnd, ...set(MASK),
  ...[0, 1].flatMap((lane) => [...get(START[2 * p + lane]), ...get(Q), ...add, ...get(MASK), ...f32x4Lane(lane), ...f32Store()]),
];

const body = [
  ...[...Array(PAIRS).keys()].flatMap((p) => [pairWord(p, 0, S0[p]), pairWord(p, 1, S1[p]), pairWord(p, 2, S2[p]), pairWord(p, 3, C[p])].flat()),
  ...f64Const(ALEA_MULTIPLIER), ...f64x2Splat, ...set(VA),
  ...f64Const(TWO_TO_MINUS_32), ...f64x2Splat, ...set(VSCALE32),
  ...get(KEEP_BITS), ...f32FromBits, ...splat, ...set(VKEEP),
  ...f32Const(1), ...splat, ...set(VONE),
  ...get(SCALE_BITS), ...f32FromBits, ...splat, ...set(VSCALE),
  ...get(LENGTH), ...i32(4), ...mul, ...set(QEND),
  ...START.flatMap((l, k) => [...get(OUT), ...get(QEND), ...i32(k), ...mul, ...add, ...set(l)]),
  ...i32(0), ...set(Q),
  ...whileLt(Q, get(QEND), [...[...Array(PAIRS).keys()].flatMap(step), ...bump(Q, i32(4))]),
];
const MODULE = moduleBytes('mask', PARAMS, [[2 + STREAMS, I32], [4 * PAIRS + 7, V128]], body);

/**
 * Fills STREAMS pieces of `length` mask values from `out` on (a byte address); `words` holds each
 * piece's starting state as four integers (`aleaWords`), piece after piece.
 */
export type DropoutMask = (out: number, length: number, keepBits: number, scaleBits: number, ...words: number[]) => void;

/** The loop bound to the backend's heap, or null where it cannot run (see `boundLoop`). */
export const dropoutMaskFor = boundLoop<DropoutMask>(MODULE, 'mask');
