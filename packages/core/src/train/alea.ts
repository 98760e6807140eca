/**
 * seedrandom's alea generator (what tf.randomUniform and tf.dropout draw from when given a seed): its
 * state, one step, and a jump of any number of steps at once.
 *
 * alea is a lag-3 multiply-with-carry generator in base b = 2^32 with multiplier a = 2091639:
 * x' = (a x[n-2] + c) mod b and c' = floor((a x[n-2] + c) / b), kept as fractions x / b. Every
 * operation on the fractions is exact in float64, so the integer view is exact too. Such a generator
 * is a linear congruential one in disguise: with U = x[n-2] + x[n-1] b + x[n] b^2 and m = a b^3 - 1,
 * Z = a U + c moves as Z' = b^-1 Z (mod m), where b^-1 = a b^2 (since a b^3 = 1 mod m). So d steps
 * multiply Z by (a b^2)^d mod m, and the state comes back as c = Z mod a, U = floor(Z / a). This lets
 * a long stream be drawn as several independent pieces (see dropout.ts) with the same values.
 */
import seedrandom from 'seedrandom';

/** alea's state (seedrandom's `state()`): three fractions of 2^32 (oldest first) and the carry. */
export interface AleaState { c: number; s0: number; s1: number; s2: number }

/** alea's multiplier a. */
export const ALEA_MULTIPLIER = 2091639;
/** 2^-32: alea's scale from integers to fractions. */
export const TWO_TO_MINUS_32 = 2.3283064365386963e-10;

const BIG_A = BigInt(ALEA_MULTIPLIER);
const WORD = 32n;
const MASK = (1n << WORD) - 1n;
const M = BIG_A * (1n << (3n * WORD)) - 1n;
const B_INVERSE = BIG_A << (2n * WORD);

/** The state seedrandom's alea starts from for `seed`. */
export function aleaState(seed: number | string): AleaState {
  return seedrandom.alea(String(seed), { state: true }).state() as AleaState;
}

/** The integers of a state: x[n-2], x[n-1], x[n] (each below 2^32) and the carry. */
export function aleaWords({ c, s0, s1, s2 }: AleaState): [number, number, number, number] {
  return [s0 * 2 ** 32, s1 * 2 ** 32, s2 * 2 ** 32, c];
}

function toZ(s: AleaState): bigint {
  const [x0, x1, x2, c] = aleaWords(s).map(BigInt);
  return (BIG_A * (x0 | (x1 << WORD) | (x2 << (2n * WORD))) + c) % M;
}

function fromZ(z: bigint): AleaState {
  const u = z / BIG_A;
  const frac = (w: bigint) => Number(w & MASK) * TWO_TO_MINUS_32;
  return { c: Number(z % BIG_A), s0: frac(u), s1: frac(u >> WORD), s2: frac(u >> (2n * WORD)) };
}

function modPow(base: bigint, exponent: number): bigint {
  let result = 1n;
  let e = BigInt(exponent);
  let x = base % M;
  while (e > 0n) {
    if (e & 1n) result = (result * x) % M;
    x = (x * x) % M;
    e >>= 1n;
  }
  return result;
}

// A stream is cut into pieces of a few lengths (one per tensor shape), so the multipliers are kept.
const multipliers = new Map<number, bigint>();

function multiplierFor(steps: number): bigint {
  let m = multipliers.get(steps);
  if (m === undefined) {
    m = modPow(B_INVERSE, steps);
    if (multipliers.size > 256) multipliers.clear();
    multipliers.set(steps, m);
  }
  return m;
}

/**
 * The states `steps`, 2 `steps`, ..., `count` x `steps` draws after `state`: where each piece of a
 * stream cut into `count` pieces of `steps` draws ends (and the next begins).
 */
export function aleaJumps(state: AleaState, steps: number, count: number): AleaState[] {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`aleaJumps: steps must be a whole number >= 0, got ${steps}`);
  const m = multiplierFor(steps);
  const out: AleaState[] = [];
  let z = toZ(state);
  for (let k = 0; k < count; k++) {
    z = (z * m) % M;
    out.push(fromZ(z));
  }
  return out;
}
