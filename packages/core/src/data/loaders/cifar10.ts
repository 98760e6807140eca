/**
 * CIFAR-10, binary version (cifar-10-binary.tar.gz): cifar-10-batches-bin/data_batch_1..5.bin and
 * test_batch.bin, each record one label byte then 3,072 pixel bytes (1,024 red, 1,024 green,
 * 1,024 blue, rows of 32). Returned as NHWC float32 in [0, 1].
 */
import { readFile } from 'node:fs/promises';
import { datasetFile } from '../files.js';
import { getManifest } from '../manifest.js';
import { readTar } from '../tar.js';

export interface ImageSplit { x: Float32Array; y: Int32Array; n: number; height: 32; width: 32; channels: 3 }

const RECORD = 1 + 3072;

export function parseCifar10Batch(bytes: Uint8Array, name: string): ImageSplit {
  if (bytes.length % RECORD !== 0) throw new Error(`${name}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records`);
  const n = bytes.length / RECORD;
  const x = new Float32Array(n * 3072), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * RECORD;
    y[i] = bytes[r];
    if (y[i] > 9) throw new Error(`${name}: record ${i} has label ${y[i]}`);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) x[i * 3072 + p * 3 + c] = bytes[r + 1 + c * 1024 + p] / 255;
  }
  return { x, y, n, height: 32, width: 32, channels: 3 };
}

function concat(parts: ImageSplit[]): ImageSplit {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const x = new Float32Array(n * 3072), y = new Int32Array(n);
  let at = 0;
  for (const p of parts) { x.set(p.x, at * 3072); y.set(p.y, at); at += p.n; }
  return { x, y, n, height: 32, width: 32, channels: 3 };
}

export function parseCifar10Archive(archive: Uint8Array): { train: ImageSplit; test: ImageSplit } {
  const files = readTar(archive);
  const get = (base: string) => {
    const key = [...files.keys()].find((k) => k.endsWith(`/${base}`) || k === base);
    if (!key) throw new Error(`CIFAR-10 archive has no ${base}; it holds ${[...files.keys()].join(', ') || 'no files'}`);
    return parseCifar10Batch(files.get(key)!, key);
  };
  return { train: concat([1, 2, 3, 4, 5].map((i) => get(`data_batch_${i}.bin`))), test: get('test_batch.bin') };
}

export async function loadCifar10(): Promise<{ train: ImageSplit; test: ImageSplit }> {
  const p = await datasetFile(getManifest('cifar-10'), 'cifar-10-binary.tar.gz');
  return parseCifar10Archive(new Uint8Array(await readFile(p)));
}
