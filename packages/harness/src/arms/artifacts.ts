/** Where an arm's files go beside its record: results/<folder>/<suite>/v<version>/<profile>/<file>. */
import path from 'node:path';
import { resultsDir, writeAtomic, writeJsonl } from '@repro/core';
import type { ArmContext } from './types.js';

/** The path relative to results/ (what a record lists under `artifacts`). */
export function artifactPath(ctx: ArmContext, folder: 'samples' | 'figures', file: string): string {
  return path.join(folder, ctx.suite.id, `v${ctx.suite.version}`, ctx.profile, file);
}

/** Writes text at a results-relative path, atomically; returns that path. */
export function writeArtifact(rel: string, text: string): string {
  writeAtomic(path.join(resultsDir(), rel), text);
  return rel;
}

/** Writes rows as JSON Lines at a results-relative path, atomically; returns that path. */
export function writeArtifactLines(rel: string, rows: readonly unknown[]): string {
  writeJsonl(path.join(resultsDir(), rel), rows);
  return rel;
}
