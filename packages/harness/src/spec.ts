/**
 * Benchmark suite specs: benchmarks/<id>.json, validated against schemas/suite.schema.json.
 * Errors name the file, the line and the field.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { benchmarksDir, readJsonFile, type Profile, type SuiteMeta } from '@repro/core';

export interface ArmSpec {
  id: string; method: string; baseline?: boolean; description?: string; config?: Record<string, unknown>;
  /** Measured outside this code (another library, for context): labelled so, never ranked. */
  external?: boolean;
}

export interface SuiteSpec {
  id: string;
  version: number;
  title: string;
  description?: string;
  datasets: string[];
  protocol: Record<string, unknown>;
  arms: ArmSpec[];
  seeds: number[];
  metrics: { name: string; higherIsBetter: boolean; label?: string; description?: string }[];
  profiles: Record<Profile, Record<string, unknown>>;
  /** Whether the arms compete (the leaderboard marks the best); default true. */
  rankArms?: boolean;
  /** Its numbers are speeds, so its runs never share the machine (`repro run --jobs` runs them one at a time). */
  timed?: boolean;
  /** The file it was read from. */
  file: string;
}

export const SUITE_SCHEMA = new URL('../schemas/suite.schema.json', import.meta.url);

export function loadSuiteFile(file: string): SuiteSpec {
  const spec = readJsonFile<Omit<SuiteSpec, 'file'>>(SUITE_SCHEMA, file);
  const base = path.basename(file, '.json');
  if (spec.id !== base) throw new Error(`${file}: field /id is ${JSON.stringify(spec.id)} but the file is named ${base}.json`);
  const armIds = spec.arms.map((a) => a.id);
  const dup = armIds.find((a, i) => armIds.indexOf(a) !== i);
  if (dup) throw new Error(`${file}: field /arms has the id ${JSON.stringify(dup)} twice`);
  return { ...spec, file };
}

export function listSuites(dir = benchmarksDir()): SuiteSpec[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => loadSuiteFile(path.join(dir, f)));
}

/** The settings an arm runs with: protocol, then the profile's overrides, then the arm's own config. */
export function armConfig(spec: SuiteSpec, arm: ArmSpec, profile: Profile): Record<string, unknown> {
  const { datasets: _datasets, ...overrides } = spec.profiles[profile];
  return { ...spec.protocol, ...overrides, ...(arm.config ?? {}) };
}

export function suiteMeta(spec: SuiteSpec): SuiteMeta {
  const externalArms = spec.arms.filter((a) => a.external).map((a) => a.id);
  return {
    id: spec.id, version: spec.version, title: spec.title, rankArms: spec.rankArms ?? true, metrics: spec.metrics.map(({ name, higherIsBetter, label }) => ({ name, higherIsBetter, label })),
    ...(externalArms.length ? { externalArms } : {}),
  };
}
