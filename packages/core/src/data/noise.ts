/**
 * Label-noise models, drawn as the ELR reference (shengliu66/ELR data loaders) draws them.
 * - symmetric(p): a seeded permutation; its first ceil(p*N) indices get a label uniform over ALL
 *   classes (it may equal the true one), so the expected flip rate is p*(1 - 1/C).
 * - asymmetric(p, map): for each source class in the map, its indices shuffled, the first
 *   ceil(p*n_class) get map[class]; other classes are untouched.
 * The random streams are ours (xoshiro), not numpy's MT19937, so the same seed draws different
 * examples than the reference; the rules and counts are the reference's.
 */
import type { Rng } from '../rng.js';

/** CIFAR-10's asymmetric map in the reference: truck->automobile, bird->airplane, cat<->dog, deer->horse. */
export const CIFAR10_ASYMMETRIC: Readonly<Record<number, number>> = { 9: 1, 2: 0, 3: 5, 5: 3, 4: 7 };

/**
 * Our asymmetric map for handwritten digits, pairing classes that look alike in 8x8 images:
 * 7<->1, 3<->8, 5<->6. Every flip is to a visually close class, as CIFAR-10's map intends.
 */
export const DIGITS_ASYMMETRIC: Readonly<Record<number, number>> = { 7: 1, 1: 7, 3: 8, 8: 3, 5: 6, 6: 5 };

export interface NoisyLabels { labels: Int32Array; flipped: Uint8Array; rate: number }

function result(clean: ArrayLike<number>, noisy: Int32Array): NoisyLabels {
  const flipped = new Uint8Array(noisy.length);
  let n = 0;
  for (let i = 0; i < noisy.length; i++) if (noisy[i] !== clean[i]) { flipped[i] = 1; n++; }
  return { labels: noisy, flipped, rate: noisy.length ? n / noisy.length : 0 };
}

function checkRate(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`noise rate must be in [0, 1], got ${p}`);
}

export function symmetricNoise(labels: ArrayLike<number>, p: number, numClasses: number, rng: Rng): NoisyLabels {
  checkRate(p);
  const noisy = Int32Array.from(labels);
  const perm = rng.permutation(noisy.length);
  const k = Math.ceil(p * noisy.length);
  for (let j = 0; j < k; j++) noisy[perm[j]] = rng.int(numClasses);
  return result(labels, noisy);
}

export function asymmetricNoise(labels: ArrayLike<number>, p: number, map: Readonly<Record<number, number>>, rng: Rng): NoisyLabels {
  checkRate(p);
  const noisy = Int32Array.from(labels);
  for (const src of Object.keys(map).map(Number).sort((a, b) => a - b)) {
    const idx: number[] = [];
    for (let i = 0; i < noisy.length; i++) if (labels[i] === src) idx.push(i);
    rng.shuffle(idx);
    const k = Math.ceil(p * idx.length);
    for (let j = 0; j < k; j++) noisy[idx[j]] = map[src];
  }
  return result(labels, noisy);
}
