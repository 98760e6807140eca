/**
 * Getting a dataset's files: from the local mirror (REPRO_DATA_MIRROR) or the download cache,
 * with the hash checked on every use. A file whose hash does not match is never used.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { cacheDir, mirrorDir } from '../paths.js';
import type { DatasetFile, DatasetManifest } from './manifest.js';

export class DatasetFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetFileError';
  }
}

function hashFile(file: string, algo: 'sha256' | 'md5'): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash(algo);
    createReadStream(file).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** Checks a file against its manifest entry (sha256 where given, else md5); throws naming both hashes. */
export async function verifyFile(file: string, entry: DatasetFile): Promise<void> {
  const algo = entry.sha256 ? 'sha256' : 'md5';
  const expected = (entry.sha256 ?? entry.md5)!;
  const actual = await hashFile(file, algo);
  if (actual !== expected) {
    throw new DatasetFileError(`${file}: ${algo} mismatch, expected ${expected}, got ${actual}; the file is not used.` +
      ' Delete it and fetch again, or check that the mirror holds the canonical file' + (entry.note ? ` (${entry.note})` : ''));
  }
}

function howToGet(m: DatasetManifest, f: DatasetFile): string {
  const mirror = `set REPRO_DATA_MIRROR to a folder holding ${m.id}/${f.path}`;
  return f.downloadable === false ? mirror : `run 'repro datasets fetch ${m.id}' (downloads ${f.url}) or ${mirror}`;
}

export function candidates(m: DatasetManifest, f: DatasetFile): string[] {
  const mirror = mirrorDir();
  return [...(mirror ? [path.join(mirror, m.id, f.path)] : []), path.join(cacheDir(), m.id, f.path)];
}

/** The verified local path of one file of a dataset. */
export async function datasetFile(m: DatasetManifest, name: string): Promise<string> {
  const f = m.files.find((x) => x.path === name);
  if (!f) throw new DatasetFileError(`dataset ${m.id} has no file ${name}; its files: ${m.files.map((x) => x.path).join(', ')}`);
  const found = candidates(m, f).find((p) => existsSync(p));
  if (!found) throw new DatasetFileError(`dataset ${m.id}: ${f.path} is missing (looked in ${candidates(m, f).join(', ')}); ${howToGet(m, f)}`);
  await verifyFile(found, f);
  return found;
}

/** Whether every file of a dataset is present and verified; the reason when not. */
export async function datasetStatus(m: DatasetManifest): Promise<{ ok: boolean; problems: string[] }> {
  const problems: string[] = [];
  for (const f of m.files) {
    try { await datasetFile(m, f.path); } catch (e) { problems.push((e as Error).message); }
  }
  return { ok: problems.length === 0, problems };
}

type Progress = (file: string, done: number, total: number | null) => void;

/** Downloads every missing file of a dataset into the cache, verifying each; skips verified ones. */
export async function fetchDataset(m: DatasetManifest, progress: Progress = () => {}): Promise<string[]> {
  const out: string[] = [];
  for (const f of m.files) {
    const have = candidates(m, f).find((p) => existsSync(p));
    if (have) {
      await verifyFile(have, f);
      out.push(have);
      continue;
    }
    if (f.downloadable === false) throw new DatasetFileError(`dataset ${m.id}: ${f.path} cannot be downloaded as one file; ${howToGet(m, f)}`);
    const dest = path.join(cacheDir(), m.id, f.path);
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.part-${process.pid}`;
    try {
      const res = await fetch(f.url);
      if (!res.ok || !res.body) throw new DatasetFileError(`${f.url}: HTTP ${res.status} ${res.statusText}`);
      const total = Number(res.headers.get('content-length')) || f.bytes || null;
      const fh = await open(tmp, 'w');
      let done = 0;
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          await fh.write(chunk);
          done += chunk.length;
          progress(f.path, done, total);
        }
      } finally {
        await fh.close();
      }
      await verifyFile(tmp, f);
      renameSync(tmp, dest);
      out.push(dest);
    } catch (e) {
      rmSync(tmp, { force: true });
      if (e instanceof DatasetFileError) throw e;
      throw new DatasetFileError(`dataset ${m.id}: downloading ${f.url} failed: ${(e as Error).message}${(e as Error).cause ? ` (${String((e as Error).cause)})` : ''}`);
    }
  }
  return out;
}

