import type * as tf from '@tensorflow/tfjs-core';

/**
 * Where two arrays first differ (a length mismatch counts at the shorter length), or -1. Large
 * outputs are compared this way because a failing toEqual on them takes minutes to print its diff;
 * pass 32-bit views (Uint32Array over float32 data) to compare bit for bit.
 */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** A float32 or int32 tensor's values as 32-bit words, taken as they lie (no float conversion). */
export function bitsOf(t: tf.Tensor): Uint32Array {
  const a = t.dataSync() as Float32Array | Int32Array;
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}
