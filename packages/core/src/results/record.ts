/**
 * Result records: one JSON file per (suite, version, profile, arm, dataset, seed), validated
 * against schemas/result-record.schema.json and written atomically (temporary file, then rename),
 * so a crash never leaves a partial record that looks complete.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { writeAtomic } from './atomic.js';
import path from 'node:path';
import { readJsonFile, validate } from '../schema.js';
import type { EnvInfo } from '../env.js';
import { resultsDir } from '../paths.js';

export type Profile = 'quick' | 'full';

export interface ResultRecord {
  schemaVersion: 1;
  runId: string;
  time: string;
  suite: { id: string; version: number };
  arm: string;
  dataset: { id: string; sha256: string | null; files?: Record<string, string>; generator?: string };
  seed: number;
  profile: Profile;
  status: 'ok' | 'failed';
  error?: string;
  metrics: Record<string, number | null>;
  timings: { totalSeconds: number; [k: string]: number };
  config?: Record<string, unknown>;
  artifacts?: string[];
  notes?: string[];
  env: EnvInfo;
}

export interface RecordKey { suite: string; version: number; profile: Profile; arm: string; dataset: string; seed: number }

export const newRunId = (): string => randomUUID();

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** results/records/<suite>/v<version>/<profile>/<arm>/<dataset>/seed-<seed>.json */
export function recordPath(k: RecordKey, root = resultsDir()): string {
  return path.join(root, 'records', safe(k.suite), `v${k.version}`, k.profile, safe(k.arm), safe(k.dataset), `seed-${k.seed}.json`);
}

export function keyOf(r: ResultRecord): RecordKey {
  return { suite: r.suite.id, version: r.suite.version, profile: r.profile, arm: r.arm, dataset: r.dataset.id, seed: r.seed };
}

/** Validates and writes a record atomically; returns its path. */
export function writeRecord(r: ResultRecord, root = resultsDir()): string {
  // Non-finite metrics are not JSON; they become null, and the record says so.
  const metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v !== null && Number.isFinite(v) ? v : null]));
  const record = validate<ResultRecord>('result-record', JSON.parse(JSON.stringify({ ...r, metrics })), `record ${r.suite.id}/${r.arm}/${r.dataset.id}/seed-${r.seed}`);
  const file = recordPath(keyOf(record), root);
  writeAtomic(file, JSON.stringify(record, null, 2) + '\n');
  return file;
}

export function readRecord(file: string): ResultRecord {
  return readJsonFile<ResultRecord>('result-record', file);
}

/** Every record file under results/records, sorted by path. */
export function listRecordFiles(root = resultsDir()): string[] {
  const base = path.join(root, 'records');
  if (!existsSync(base)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && !e.name.includes('.tmp-')) out.push(p);
    }
  };
  walk(base);
  return out.sort();
}

export function recordExists(k: RecordKey, root = resultsDir()): boolean {
  return existsSync(recordPath(k, root));
}

/** Validates every record; returns the problems (file and field) rather than stopping at the first. */
export function validateAll(root = resultsDir()): { files: number; problems: string[] } {
  const files = listRecordFiles(root);
  const problems: string[] = [];
  for (const f of files) {
    try {
      const r = readRecord(f);
      const expected = recordPath(keyOf(r), root);
      if (path.resolve(expected) !== path.resolve(f)) problems.push(`${f}: its fields say it belongs at ${path.relative(root, expected)}`);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { files: files.length, problems };
}
