/** Seeded splits and batch iteration over row indices. */
import type { Rng } from '../rng.js';

/**
 * Stratified split: within each class the rows are shuffled and the first round(share * n_class)
 * go to the second part. Returns sorted index arrays [rest, held].
 */
export function stratifiedSplit(labels: ArrayLike<number>, share: number, rng: Rng): [Int32Array, Int32Array] {
  if (!(share > 0 && share < 1)) throw new Error(`stratifiedSplit: share must be in (0, 1), got ${share}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  }
  const rest: number[] = [], held: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = rng.shuffle(byClass.get(c)!) as number[];
    const k = Math.round(share * idx.length);
    held.push(...idx.slice(0, k));
    rest.push(...idx.slice(k));
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return [sorted(rest), sorted(held)];
}

/** Random split into parts with the given shares (summing to 1); sizes round down, the last takes the rest. */
export function randomSplit(n: number, shares: number[], rng: Rng): Int32Array[] {
  const total = shares.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new Error(`randomSplit: shares sum to ${total}, not 1`);
  const perm = rng.permutation(n);
  const parts: Int32Array[] = [];
  let at = 0;
  shares.forEach((s, i) => {
    const k = i === shares.length - 1 ? n - at : Math.floor(s * n);
    parts.push(perm.slice(at, at + k).sort());
    at += k;
  });
  return parts;
}

/** Index batches over `indices` (or 0..n-1); shuffled when an rng is given; the last may be short unless dropLast. */
export function* batches(indices: Int32Array | number, batchSize: number, opts: { rng?: Rng; dropLast?: boolean } = {}): Generator<Int32Array> {
  if (!(batchSize >= 1)) throw new Error(`batches: batchSize must be >= 1, got ${batchSize}`);
  const idx = typeof indices === 'number' ? Int32Array.from({ length: indices }, (_, i) => i) : Int32Array.from(indices);
  if (opts.rng) opts.rng.shuffle(idx);
  for (let at = 0; at < idx.length; at += batchSize) {
    const b = idx.subarray(at, at + batchSize);
    if (opts.dropLast && b.length < batchSize) return;
    yield b;
  }
}

/** Gathers rows of a flat row-major matrix. */
export function takeRows(x: Float32Array, width: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * width);
  for (let i = 0; i < idx.length; i++) out.set(x.subarray(idx[i] * width, (idx[i] + 1) * width), i * width);
  return out;
}
