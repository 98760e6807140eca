/** UCI optdigits: 64 pixel counts (0..16) and a label per line, no header. */
import { readFile } from 'node:fs/promises';
import { datasetFile } from '../files.js';
import { getManifest } from '../manifest.js';

export interface DigitsSplit { x: Float32Array; y: Int32Array; n: number; features: 64; classes: 10 }

export function parseOptdigits(text: string, file: string): DigitsSplit {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const x = new Float32Array(lines.length * 64), y = new Int32Array(lines.length);
  lines.forEach((l, i) => {
    const f = l.split(',').map(Number);
    if (f.length !== 65 || f.some((v) => !Number.isInteger(v))) throw new Error(`${file}:${i + 1}: expected 65 integers, got ${JSON.stringify(l.slice(0, 60))}`);
    if (f[64] < 0 || f[64] > 9) throw new Error(`${file}:${i + 1}: label ${f[64]} outside 0..9`);
    x.set(f.slice(0, 64), i * 64);
    y[i] = f[64];
  });
  return { x, y, n: lines.length, features: 64, classes: 10 };
}

export async function loadOptdigits(): Promise<{ train: DigitsSplit; test: DigitsSplit }> {
  const m = getManifest('optdigits');
  const read = async (name: string) => {
    const p = await datasetFile(m, name);
    return parseOptdigits(await readFile(p, 'utf8'), p);
  };
  return { train: await read('optdigits.tra'), test: await read('optdigits.tes') };
}
