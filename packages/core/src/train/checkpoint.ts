/**
 * Checkpoints of long training runs (T-JEPA's full profile pretrains for more than a day): a JSON
 * header and float32 arrays in one file, written through a temporary sibling and a rename, so an
 * interruption while writing leaves the previous checkpoint whole.
 *
 * Layout: the 8 bytes `REPROCK1`, the header's byte length (uint32, little-endian), the header
 * (UTF-8 JSON: the caller's `meta` and each array's length), zero padding to a multiple of 4, then
 * the arrays' float32 values one after another in the platform's byte order (little-endian on
 * every machine this project runs on).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeAtomic } from '../results/atomic.js';

const MAGIC = 'REPROCK1';

/** Where the float32 values start: after the magic, the header length and the header, at a multiple of 4. */
const dataStart = (headerBytes: number) => Math.ceil((12 + headerBytes) / 4) * 4;

export interface Checkpoint { meta: Record<string, unknown>; arrays: Float32Array[] }

export function writeCheckpoint(file: string, meta: Record<string, unknown>, arrays: Float32Array[]): void {
  const header = Buffer.from(JSON.stringify({ meta, lengths: arrays.map((a) => a.length) }), 'utf8');
  const start = dataStart(header.length);
  const bytes = new Uint8Array(start + 4 * arrays.reduce((n, a) => n + a.length, 0));
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  const floats = new Float32Array(bytes.buffer, start);
  let at = 0;
  for (const a of arrays) { floats.set(a, at); at += a.length; }
  writeAtomic(file, bytes);
}

/** The checkpoint in `file`, or null when there is none; a damaged file is an error that names it. */
export function readCheckpoint(file: string): Checkpoint | null {
  if (!existsSync(file)) return null;
  const buf = readFileSync(file);
  const bad = (why: string) => new Error(`checkpoint ${file} is damaged (${why}); delete it to start over`);
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw bad('not a repro checkpoint');
  const len = buf.readUInt32LE(8);
  if (12 + len > buf.length) throw bad('header runs past the end');
  let header: { meta: Record<string, unknown>; lengths: number[] };
  try { header = JSON.parse(buf.toString('utf8', 12, 12 + len)); } catch { throw bad('header is not JSON'); }
  const start = dataStart(len);
  const total = header.lengths.reduce((n, l) => n + l, 0);
  if (start + 4 * total !== buf.length) throw bad(`expected ${start + 4 * total} bytes, found ${buf.length}`);
  // Copy out of the file's buffer, whose offset need not be a multiple of 4.
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  const arrays: Float32Array[] = [];
  let at = 0;
  for (const l of header.lengths) { arrays.push(floats.slice(at, at + l)); at += l; }
  return { meta: header.meta, arrays };
}
