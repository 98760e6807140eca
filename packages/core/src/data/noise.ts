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

/**
 * CIFAR-100's asymmetric noise in the reference (`build_for_cifar100`): within each block of 5
 * classes (a superclass), class j goes to the next class of its block, the last one to the first,
 * with probability p; P = (1 - p) I + p * (that cycle). 100 x 100, row-major.
 */
export function cifar100BlockCycle(p: number, numClasses = 100, blockSize = 5): Float64Array {
  checkRate(p);
  if (numClasses % blockSize !== 0) throw new Error(`block cycle: ${numClasses} classes do not split into blocks of ${blockSize}`);
  const P = new Float64Array(numClasses * numClasses);
  for (let j = 0; j < numClasses; j++) {
    const start = j - (j % blockSize), next = j + 1 < start + blockSize ? j + 1 : start;
    P[j * numClasses + j] += 1 - p;
    P[j * numClasses + next] += p;
  }
  return P;
}

/**
 * Redraws each label from its row of a transition matrix (the reference's multiclass_noisify, one
 * categorical draw per example). The reference draws with numpy's multinomial, so the same seed
 * flips different examples here; the distribution is the same.
 */
export function transitionNoise(labels: ArrayLike<number>, P: ArrayLike<number>, numClasses: number, rng: Rng): NoisyLabels {
  if (P.length !== numClasses * numClasses) throw new Error(`transition matrix has ${P.length} entries, expected ${numClasses}^2`);
  const noisy = Int32Array.from(labels);
  for (let i = 0; i < noisy.length; i++) {
    const row = labels[i] * numClasses;
    let u = rng.float(), j = 0;
    while (j < numClasses - 1 && u >= P[row + j]) { u -= P[row + j]; j++; }
    noisy[i] = j;
  }
  return result(labels, noisy);
}
