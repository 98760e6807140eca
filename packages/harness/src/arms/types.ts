/** What an arm method is: the contract between the suite runner and the paper packages' arms. */
import type { Profile } from '@repro/core';
import type { ArmSpec, SuiteSpec } from '../spec.js';

export interface ArmContext {
  suite: SuiteSpec;
  arm: ArmSpec;
  /** A dataset manifest id, or 'synthetic'. */
  dataset: string;
  seed: number;
  profile: Profile;
  /** protocol, then profile overrides, then the arm's config. */
  config: Record<string, unknown>;
  /** Progress lines for long runs (stderr). */
  log: (line: string) => void;
}

export interface ArmResult {
  metrics: Record<string, number | null>;
  timings?: Record<string, number>;
  /** Settings worth recording beyond the spec's (resolved defaults, derived sizes). */
  config?: Record<string, unknown>;
  notes?: string[];
  artifacts?: string[];
}

export interface ArmMethod {
  name: string;
  summary: string;
  /** Why this method cannot run on this machine (a missing optional tool), or null. Not a failure: the run lists it as skipped. */
  unavailable?: () => Promise<string | null> | string | null;
  run(ctx: ArmContext): Promise<ArmResult>;
}
