/**
 * Seeded dropout with exactly tf.dropout's values and gradients, in less time.
 *
 * tf.dropout draws a uniform tensor through tfjs's generic random op (seedrandom's alea, about 20 ns
 * a value with its per-value calls), then runs Add, Floor and RealDiv over it to make the mask and
 * Multiply to apply it. Here the same alea stream (seeded by seedrandom itself, so the same state
 * from the same seed) makes the mask in one pass, and only the Multiply is a kernel. The mask's
 * arithmetic is tf.dropout's float32 arithmetic: each value rounds to float32 as the uniform tensor
 * stores it, `u + keep` rounds to float32 as the Add kernel does (a double sum of two floats rounded
 * once to float32 is the correctly rounded float32 sum), its floor is 0 or 1, and 1 / keep rounds as
 * RealDiv does. The Multiply and its gradient are the same kernel on the same inputs. A test
 * compares values and gradients bit for bit with tf.dropout.
 *
 * The stream is sequential (each value waits on the last through a float-to-integer conversion),
 * about 8 ns a value in a JavaScript loop: T-JEPA's full profile draws 52 million a step. On the wasm
 * backend a long mask is drawn as STREAMS pieces at once instead, each from the state alea reaches
 * at its start (alea.ts jumps there exactly), by a SIMD loop that writes the mask where the Multiply
 * reads it (dropout-mask-wasm.ts); the few values left over run in the JavaScript loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alloc, f32, float32Bits, heapAddress, type WasmBackend } from '../backend/heap.js';
import { dropoutMaskFor, STREAMS, type DropoutMask } from '../backend/kernels/dropout-mask-wasm.js';
import { ALEA_MULTIPLIER, aleaJumps, aleaState, aleaWords, TWO_TO_MINUS_32, type AleaState } from './alea.js';

/** Below this many values the jumps (a few microseconds) cost more than the pieces save. */
const MIN_PIECED = 4096;

/**
 * `x` with each element zeroed with probability `rate` and the rest scaled by 1 / (1 - rate), the
 * mask drawn from `seed` exactly as `tf.dropout(x, rate, undefined, seed)` draws it. A rate of 0
 * returns a copy, as tf.dropout does.
 */
export function dropout(x: tf.Tensor, rate: number, seed: number | string): tf.Tensor {
  if (x.dtype !== 'float32') throw new Error(`dropout: x must be float32, got ${x.dtype}`);
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return x.clone();
  const keep = Math.fround(1 - rate);
  const scale = Math.fround(1 / keep);
  const state = aleaState(seed);
  const backend = tf.backend() as unknown as WasmBackend;
  const draw = x.size >= MIN_PIECED ? dropoutMaskFor(backend) : null;
  return tf.tidy(() => {
    if (draw) return tf.mul(x, piecedMask(backend, draw, x.shape, state, keep, scale));
    const mask = new Float32Array(x.size);
    fillMask(state, keep, scale, mask, 0, mask.length);
    return tf.mul(x, tf.tensor(mask, x.shape, 'float32'));
  });
}

/** The mask on the wasm heap: STREAMS pieces by the SIMD loop, the remainder here. */
function piecedMask(backend: WasmBackend, draw: DropoutMask, shape: number[], state: AleaState, keep: number, scale: number): tf.Tensor {
  const n = tf.util.sizeFromShape(shape);
  const length = Math.floor(n / STREAMS);
  // Where each piece ends: the next one's start, and after the last, the remainder's.
  const ends = aleaJumps(state, length, STREAMS);
  const out = alloc(backend, shape);
  draw(heapAddress(backend, out), length, float32Bits(keep), float32Bits(scale), ...[state, ...ends.slice(0, -1)].flatMap(aleaWords));
  fillMask(ends[STREAMS - 1], keep, scale, f32(backend, out), STREAMS * length, n);
  return tf.engine().makeTensorFromTensorInfo(out);
}

/** mask[from, to) from alea's stream at `state`: alea's step as seedrandom's lib/alea.js computes it, then floor(u + keep) / keep. */
function fillMask(state: AleaState, keep: number, scale: number, mask: Float32Array, from: number, to: number): void {
  let { c, s0, s1, s2 } = state;
  for (let i = from; i < to; i++) {
    const t = ALEA_MULTIPLIER * s0 + c * TWO_TO_MINUS_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    mask[i] = Math.fround(Math.fround(s2) + keep) >= 1 ? scale : 0;
  }
}
