import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { readGolden } from '../testing/golden.js';
import { asymmetricNoise, CIFAR10_ASYMMETRIC, cifar100BlockCycle, DIGITS_ASYMMETRIC, symmetricNoise, transitionNoise } from './noise.js';

const golden = readGolden<{ cifar10_asym_map: Record<string, number>; cifar100_P_row0: number[]; cifar100_P_row4: number[]; cifar100_P_row99: number[] }>('elr/noise_models.json');
const labels = Int32Array.from({ length: 10000 }, (_, i) => i % 10);

describe('label noise as the ELR reference draws it', () => {
  it('CIFAR-10 asymmetric map matches the reference', () => {
    const ref = Object.fromEntries(Object.entries(golden.cifar10_asym_map).map(([k, v]) => [Number(k.split('(')[0]), v]));
    expect(CIFAR10_ASYMMETRIC).toEqual(ref);
  });
  it('symmetric: exactly ceil(p*N) relabelled, uniform over all classes, so ~p(1-1/C) flip', () => {
    const n = symmetricNoise(labels, 0.4, 10, new Rng(1, 'noise'));
    expect(n.rate).toBeGreaterThan(0.4 * 0.9 - 0.02);
    expect(n.rate).toBeLessThan(0.4 * 0.9 + 0.02);
    const n2 = symmetricNoise(labels, 0.4, 10, new Rng(1, 'noise'));
    expect(n2.labels).toEqual(n.labels);
    expect(symmetricNoise(labels, 0, 10, new Rng(1)).rate).toBe(0);
    expect(() => symmetricNoise(labels, 1.2, 10, new Rng(1))).toThrow(/\[0, 1\]/);
  });
  it('asymmetric: ceil(p*n_i) flips per mapped class, other classes untouched', () => {
    const small = Int32Array.from({ length: 33 }, (_, i) => i % 10); // 4 each of 0..2, 3 each of 3..9
    const n = asymmetricNoise(small, 0.4, CIFAR10_ASYMMETRIC, new Rng(2));
    const flips = (c: number) => Array.from(small).filter((y, i) => y === c && n.labels[i] !== y).length;
    expect(flips(2)).toBe(Math.ceil(0.4 * 4));
    expect(flips(9)).toBe(Math.ceil(0.4 * 3));
    expect(flips(0) + flips(1) + flips(6) + flips(7) + flips(8)).toBe(0);
    Array.from(small).forEach((y, i) => { if (n.flipped[i]) expect(n.labels[i]).toBe(CIFAR10_ASYMMETRIC[y]); });
  });
  it('the digits map pairs look-alike classes both ways', () => {
    for (const [a, b] of Object.entries(DIGITS_ASYMMETRIC)) expect(DIGITS_ASYMMETRIC[b]).toBe(Number(a));
    const n = asymmetricNoise(labels, 0.4, DIGITS_ASYMMETRIC, new Rng(3));
    expect(n.rate).toBeCloseTo(0.6 * 0.4, 2);
  });
  it('CIFAR-100 block cycle: the reference transition rows at p = 0.4, and draws at that rate', () => {
    const P = cifar100BlockCycle(0.4);
    const row = (r: number, from: number) => Array.from(P.subarray(r * 100 + from, r * 100 + from + 6)).map((v) => Math.round(v * 1e12) / 1e12);
    expect(row(0, 0)).toEqual(golden.cifar100_P_row0);
    expect(row(4, 0)).toEqual(golden.cifar100_P_row4);
    expect(row(99, 94)).toEqual(golden.cifar100_P_row99);
    for (let r = 0; r < 100; r++) expect(P.subarray(r * 100, r * 100 + 100).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const y = Int32Array.from({ length: 20000 }, (_, i) => i % 100);
    const n = transitionNoise(y, P, 100, new Rng(4, 'noise'));
    expect(n.rate).toBeGreaterThan(0.38);
    expect(n.rate).toBeLessThan(0.42);
    Array.from(y).forEach((c, i) => { if (n.flipped[i]) expect(n.labels[i]).toBe(c % 5 === 4 ? c - 4 : c + 1); });
    expect(() => transitionNoise(y, new Float64Array(10), 100, new Rng(1))).toThrow(/expected 100\^2/);
  });
});
