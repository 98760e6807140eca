/**
 * Seeded dropout with exactly tf.dropout's values and gradients, in less time.
 *
 * tf.dropout draws a uniform tensor through tfjs's generic random op (seedrandom's alea, about 20 ns
 * a value with its per-value calls), then runs Add, Floor and RealDiv over it to make the mask and
 * Multiply to apply it. Here the same alea stream (seeded by seedrandom itself, so the same state
 * from the same seed) runs in one loop that also computes the mask, and only the Multiply is a
 * kernel. The mask's arithmetic is tf.dropout's float32 arithmetic: each value rounds to float32 as
 * the uniform tensor stores it, `u + keep` rounds to float32 as the Add kernel does (a double sum of
 * two floats rounded once to float32 is the correctly rounded float32 sum), its floor is 0 or 1,
 * and 1 / keep rounds as RealDiv does. The Multiply and its gradient are the same kernel on the same
 * inputs. A test compares values and gradients bit for bit with tf.dropout.
 *
 * The generator is inherently sequential (each value depends on the last through a float-to-int
 * conversion), so the floor is a few nanoseconds a value: in a training step with dropout on wide
 * activations, drawing the masks remains a visible cost.
 */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';

/** alea's state (seedrandom's `state()`): three fractions and a carry. */
interface AleaState { c: number; s0: number; s1: number; s2: number }

/** 2^-32: alea's scale from the integer carry to a fraction. */
const TWO_TO_MINUS_32 = 2.3283064365386963e-10;

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
  let { c, s0, s1, s2 } = seedrandom.alea(String(seed), { state: true }).state() as AleaState;
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) {
    // alea's step (as seedrandom's lib/alea.js computes it), then tf.dropout's floor(u + keep) / keep.
    const t = 2091639 * s0 + c * TWO_TO_MINUS_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    mask[i] = Math.fround(Math.fround(s2) + keep) >= 1 ? scale : 0;
  }
  return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')));
}
