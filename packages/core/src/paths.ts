/**
 * Where the repository's folders are: the nearest folder above the working directory (or above
 * this module) that holds nx.json. REPRO_ROOT overrides, for running the CLI from elsewhere.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findUp(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json')) && existsSync(path.join(dir, 'packages'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export function repoRoot(): string {
  if (process.env.REPRO_ROOT) return path.resolve(process.env.REPRO_ROOT);
  const root = findUp(process.cwd()) ?? findUp(path.dirname(fileURLToPath(import.meta.url)));
  if (!root) throw new Error('cannot find the repro repository (a folder with nx.json and packages/); run inside it or set REPRO_ROOT');
  return root;
}

export const datasetsDir = () => path.join(repoRoot(), 'datasets');
export const benchmarksDir = () => path.join(repoRoot(), 'benchmarks');
export const resultsDir = () => process.env.REPRO_RESULTS ? path.resolve(process.env.REPRO_RESULTS) : path.join(repoRoot(), 'results');

/** The download cache: REPRO_CACHE, else $XDG_CACHE_HOME/repro, else ~/.cache/repro. */
export function cacheDir(): string {
  if (process.env.REPRO_CACHE) return path.resolve(process.env.REPRO_CACHE);
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'repro');
}

/** The local mirror laid out like the canonical files (REPRO_DATA_MIRROR), or null. */
export function mirrorDir(): string | null {
  return process.env.REPRO_DATA_MIRROR ? path.resolve(process.env.REPRO_DATA_MIRROR) : null;
}
