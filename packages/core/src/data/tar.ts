/**
 * A minimal reader for (optionally gzipped) POSIX tar archives: regular files only, ustar name
 * prefixes honoured. Enough for dataset archives such as cifar-10-binary.tar.gz.
 */
import { gunzipSync } from 'node:zlib';
import { concatTyped } from '../arrays.js';

export function readTar(archive: Uint8Array): Map<string, Uint8Array> {
  const buf = archive[0] === 0x1f && archive[1] === 0x8b ? new Uint8Array(gunzipSync(archive)) : archive;
  const files = new Map<string, Uint8Array>();
  const text = (at: number, len: number) => {
    let end = at;
    while (end < at + len && buf[end] !== 0) end++;
    return new TextDecoder().decode(buf.subarray(at, end));
  };
  let at = 0;
  while (at + 512 <= buf.length) {
    if (buf.subarray(at, at + 512).every((b) => b === 0)) break; // end-of-archive block
    const name = text(at, 100), prefix = text(at + 345, 155);
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size)) throw new Error(`tar: bad size field in the header of ${name}`);
    const type = String.fromCharCode(buf[at + 156] || 0x30);
    const full = prefix ? `${prefix}/${name}` : name;
    if ((type === '0' || type === '\0') && at + 512 + size > buf.length) throw new Error(`tar: ${full} is truncated`);
    if (type === '0' || type === '\0') files.set(full, buf.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Writes a tar archive of regular files (used by tests to build small archives). */
export function writeTar(files: Record<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    if (name.length > 99) throw new Error(`tar: name too long: ${name}`);
    const h = new Uint8Array(512);
    const put = (s: string, at: number) => h.set(new TextEncoder().encode(s), at);
    put(name, 0);
    put('0000644\0', 100); put('0000000\0', 108); put('0000000\0', 116);
    put(data.length.toString(8).padStart(11, '0') + '\0', 124);
    put('00000000000\0', 136);
    put('        ', 148);
    h[156] = 0x30;
    put('ustar\0', 257); put('00', 263);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return concatTyped(Uint8Array, blocks);
}
