import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { readGolden } from '../testing/golden.js';
import { asymmetricNoise, CIFAR10_ASYMMETRIC, DIGITS_ASYMMETRIC, symmetricNoise } from './noise.js';

const golden = readGolden<{ cifar10_asym_map: Record<string, number> }>('elr/noise_models.json');
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
});
