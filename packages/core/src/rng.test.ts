import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng.fillIndices', () => {
  it('draws the same stream as nextU32, scaled to [0, n), and leaves the stream where nextU32 would', () => {
    const a = new Rng(5, 'x');
    const b = new Rng(5, 'x');
    const out = new Int32Array(1000);
    a.fillIndices(out, 37);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(Math.floor((b.nextU32() * 37) / 4294967296));
    expect(a.nextU32()).toBe(b.nextU32());
  });

  it('covers [0, n) about uniformly and rejects a bad n', () => {
    const out = new Int32Array(100_000);
    new Rng(1).fillIndices(out, 10);
    const counts = new Array(10).fill(0);
    for (const x of out) counts[x]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => new Rng(1).fillIndices(out, 0)).toThrow(/0 < n/);
  });
});

describe('binomialDraw and multinomialDraw', () => {
  it('binomial draws have the right mean and variance, and the edge cases', async () => {
    const { binomialDraw } = await import('./metrics/stats.js');
    const rng = new Rng(3, 'b');
    for (const [n, p] of [[11662, 0.97], [50, 0.3], [1000, 0.001]] as const) {
      const xs = Array.from({ length: 20000 }, () => binomialDraw(rng, n, p));
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
      expect(Math.abs(m - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / xs.length) + 1e-9);
      expect(v / (n * p * (1 - p))).toBeGreaterThan(0.95);
      expect(v / (n * p * (1 - p))).toBeLessThan(1.05);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...xs)).toBeLessThanOrEqual(n);
    }
    expect(binomialDraw(rng, 10, 0)).toBe(0);
    expect(binomialDraw(rng, 10, 1)).toBe(10);
    expect(() => binomialDraw(rng, 2.5, 0.5)).toThrow();
  });

  it('multinomial counts sum to n and follow the group sizes', async () => {
    const { multinomialDraw } = await import('./metrics/stats.js');
    const rng = new Rng(4, 'm');
    const sizes = [700, 200, 100, 0];
    const out = new Float64Array(4);
    const sums = [0, 0, 0, 0];
    for (let r = 0; r < 2000; r++) {
      multinomialDraw(rng, 1000, sizes, out);
      expect(out.reduce((a, x) => a + x, 0)).toBe(1000);
      out.forEach((x, k) => { sums[k] += x / 2000; });
    }
    // standard errors of these means: 0.32 and 0.21
    expect(Math.abs(sums[0] - 700)).toBeLessThan(1.3);
    expect(Math.abs(sums[2] - 100)).toBeLessThan(0.9);
    expect(sums[3]).toBe(0);
  });
});

describe('Rng.getState / setState', () => {
  it('a stream put back where it stood repeats its draws, a pending normal included', () => {
    const a = new Rng(7, 'x');
    a.float(); a.normal(); // leaves the second Box-Muller value pending
    const saved = a.getState();
    const ahead = [a.normal(), a.nextU32(), a.float()];
    const b = new Rng(99, 'other');
    b.setState(JSON.parse(JSON.stringify(saved)));
    expect([b.normal(), b.nextU32(), b.float()]).toEqual(ahead);
    expect(saved.spareNormal).not.toBeNull();
  });
  it('rejects a state that is not four 32-bit words', () => {
    expect(() => new Rng(1).setState({ s: [1, 2, 3], spareNormal: null })).toThrow(/four unsigned 32-bit integers/);
    expect(() => new Rng(1).setState({ s: [1, 2, 3, -1], spareNormal: null })).toThrow(/four unsigned 32-bit integers/);
  });
});
