/**
 * Aggregation across seeds: mean, sample standard deviation, and the 95% interval
 * mean +- t(0.975, n-1) * sd / sqrt(n); plus seeded percentile bootstrap intervals.
 */
import { Rng } from '../rng.js';

export interface Summary { n: number; mean: number; sd: number; ci95: [number, number] }

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
}

/** Sample standard deviation (n - 1 in the denominator); NaN for fewer than 2 values. */
export function sampleSd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return NaN;
  // Two passes over the values shifted by the first one: the same sd, but identical values give
  // exactly 0 (unshifted, the rounding of their mean is left over: ten copies of 0.8702 give
  // 1.2e-16, which a leaderboard then prints as an interval).
  const x0 = xs[0];
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i] - x0;
  m /= xs.length;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - x0 - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

function lgamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the regularized incomplete beta function (modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betacf(a, b, x)) / a : 1 - (front * betacf(b, a, 1 - x)) / b;
}

/** Student t cumulative distribution. */
export function tCdf(t: number, df: number): number {
  const p = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - p : p;
}

/** Student t quantile by bisection on the cdf (monotone, so 200 halvings reach float precision). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new Error(`tQuantile needs 0 < p < 1 and df > 0, got p=${p}, df=${df}`);
  let lo = -1e6, hi = 1e6;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean, sample sd and 95% t interval; with one value the interval is [mean, mean] and sd NaN. */
export function summarize(xs: ArrayLike<number>): Summary {
  const n = xs.length, m = mean(xs), sd = sampleSd(xs);
  if (n < 2) return { n, mean: m, sd, ci95: [m, m] };
  const half = (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { n, mean: m, sd, ci95: [m - half, m + half] };
}

/**
 * Percentile bootstrap interval of `stat` over resamples of `n` items (indices drawn with
 * replacement from a seeded stream). Returns the point estimate and [lo, hi] at `level`.
 */
export function bootstrapCi(n: number, stat: (idx: Int32Array) => number,
  opts: { seed: number; resamples?: number; level?: number }): { estimate: number; ci: [number, number] } {
  const B = opts.resamples ?? 1000, level = opts.level ?? 0.95;
  const all = new Int32Array(n).map((_, i) => i);
  const estimate = stat(all);
  const rng = new Rng(opts.seed, 'bootstrap');
  const draws = new Float64Array(B);
  const idx = new Int32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    draws[b] = stat(idx);
  }
  draws.sort();
  return { estimate, ci: [quantileSorted(draws, (1 - level) / 2), quantileSorted(draws, 1 - (1 - level) / 2)] };
}

/** The p-quantile of ascending values, interpolating linearly between neighbours (numpy's default); NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = p * (sorted.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * One Binomial(n, p) draw by exact inversion, searching outward from the mode (so the expected
 * work is about the standard deviation, not n). One uniform per draw.
 */
export function binomialDraw(rng: Rng, n: number, p: number): number {
  if (!(n >= 0) || !Number.isInteger(n)) throw new Error(`binomialDraw needs a non-negative integer n, got ${n}`);
  if (p <= 0 || n === 0) return 0;
  if (p >= 1) return n;
  const q = 1 - p;
  const m = Math.min(n, Math.floor((n + 1) * p));
  const fm = Math.exp(lgamma(n + 1) - lgamma(m + 1) - lgamma(n - m + 1) + m * Math.log(p) + (n - m) * Math.log(q));
  let u = rng.float() - fm;
  if (u < 0) return m;
  let lo = m, hi = m, flo = fm, fhi = fm;
  while (lo > 0 || hi < n) {
    if (lo > 0) { flo = (flo * lo * q) / ((n - lo + 1) * p); lo--; u -= flo; if (u < 0) return lo; }
    if (hi < n) { fhi = (fhi * (n - hi) * p) / ((hi + 1) * q); hi++; u -= fhi; if (u < 0) return hi; }
  }
  return m; // rounding left a sliver of probability unassigned
}

/**
 * Multinomial(n, sizes / sum(sizes)) counts into `out`, by conditional binomial draws: the
 * distribution of how many times each of K groups is drawn when n items are resampled with
 * replacement, at a cost that grows with K, not n.
 */
export function multinomialDraw(rng: Rng, n: number, sizes: ArrayLike<number>, out: Float64Array): void {
  let total = 0;
  for (let k = 0; k < sizes.length; k++) total += sizes[k];
  let left = n;
  let mass = total;
  for (let k = 0; k < sizes.length; k++) {
    if (k === sizes.length - 1 || left === 0) { out[k] = left; left = 0; continue; }
    const x = binomialDraw(rng, left, mass > 0 ? Math.min(1, sizes[k] / mass) : 0);
    out[k] = x;
    left -= x;
    mass -= sizes[k];
  }
}
