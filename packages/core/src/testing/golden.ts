/**
 * Test helpers shared by every package's tests (exported as @repro/core/testing): where the
 * shared test vectors and the local dataset mirror are.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths.js';

function shared(): string {
  return path.join(repoRoot(), '..', 'shared');
}

/** A file under ../shared/golden (or REPRO_GOLDEN). */
export function goldenPath(rel: string): string {
  const base = process.env.REPRO_GOLDEN ?? path.join(shared(), 'golden');
  const p = path.join(base, rel);
  if (!existsSync(p)) throw new Error(`golden vector ${p} is missing: tests need ../shared/golden beside the checkout (or REPRO_GOLDEN)`);
  return p;
}

export function readGolden<T>(rel: string): T {
  return JSON.parse(readFileSync(goldenPath(rel), 'utf8')) as T;
}

/** Points REPRO_DATA_MIRROR at ../shared/datasets when it is unset and that folder exists. */
export function useSharedMirror(): string | null {
  if (!process.env.REPRO_DATA_MIRROR) {
    const p = path.join(shared(), 'datasets');
    if (existsSync(p)) process.env.REPRO_DATA_MIRROR = p;
  }
  return process.env.REPRO_DATA_MIRROR ?? null;
}
