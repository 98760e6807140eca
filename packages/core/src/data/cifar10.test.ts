import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTar, writeTar } from './tar.js';
import { parseCifar10Archive, parseCifar10Batch } from './loaders/cifar10.js';
import { getManifest } from './manifest.js';

/** n records whose label is (i + k) % 10 and whose red plane is the label, green 128, blue 255. */
function batch(n: number, k: number): Uint8Array {
  const b = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    const r = i * 3073, y = (i + k) % 10;
    b[r] = y;
    b.fill(y, r + 1, r + 1025);
    b.fill(128, r + 1025, r + 2049);
    b.fill(255, r + 2049, r + 3073);
  }
  return b;
}

describe('CIFAR-10 binary loader', () => {
  it('reads a small archive in the real layout the test writes', () => {
    const files: Record<string, Uint8Array> = { 'cifar-10-batches-bin/batches.meta.txt': new TextEncoder().encode('airplane\n') };
    for (let i = 1; i <= 5; i++) files[`cifar-10-batches-bin/data_batch_${i}.bin`] = batch(2, i);
    files['cifar-10-batches-bin/test_batch.bin'] = batch(3, 0);
    const { train, test } = parseCifar10Archive(new Uint8Array(gzipSync(writeTar(files))));
    expect([train.n, test.n]).toEqual([10, 3]);
    expect(Array.from(train.y)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    // NHWC: pixel 0 of record 0 is (label/255, 128/255, 1).
    expect(Array.from(train.x.subarray(0, 3))).toEqual([1 / 255, 128 / 255, 1].map(Math.fround));
    expect(train.x.length).toBe(10 * 32 * 32 * 3);
  });
  it('errors name the problem', () => {
    expect(() => parseCifar10Batch(new Uint8Array(100), 'b.bin')).toThrow(/b\.bin: 100 bytes is not a whole number of 3073-byte records/);
    expect(() => parseCifar10Archive(writeTar({ 'x/data_batch_1.bin': batch(1, 0) }))).toThrow(/no data_batch_2\.bin/);
    const bad = batch(1, 0); bad[0] = 12;
    expect(() => parseCifar10Batch(bad, 'c.bin')).toThrow(/label 12/);
  });
  it('tar round trip, gzipped or not', () => {
    const files = { 'a.txt': new Uint8Array([1, 2, 3]), 'dir/b.bin': new Uint8Array(700).fill(7) };
    for (const t of [writeTar(files), new Uint8Array(gzipSync(writeTar(files)))]) {
      const back = readTar(t);
      expect([...back.keys()]).toEqual(['a.txt', 'dir/b.bin']);
      expect(back.get('dir/b.bin')!.length).toBe(700);
    }
  });
  it('the manifest pins the md5 its authors publish', () => {
    const m = getManifest('cifar-10');
    expect(m.files[0].md5).toBe('c32a1d4ab5d03f1284b67883e8d87530');
    expect(m.files[0].sha256).toBeUndefined();
  });
});
