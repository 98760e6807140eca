/**
 * One run of a suite (arm, dataset, seed) and its record: the unit the runner hands out, in this
 * process or to a child process (so a job is plain data).
 */
import {
  backendInfo, captureEnv, newRunId, writeRecord, type Profile, type ResultRecord,
} from '@repro/core';
import { armConfig, type ArmSpec, type SuiteSpec } from './spec.js';
import type { ArmMethod } from './arms/types.js';

export type RowStatus = 'ok' | 'failed' | 'exists' | 'skipped';
export interface RunRow { arm: string; dataset: string; seed: number; status: RowStatus; seconds?: number; detail?: string; file?: string }

type DatasetInfo = ResultRecord['dataset'];

/** One pending run: everything a process needs to run it and write its record (plain data, so it can go to a child). */
export interface RunJob {
  spec: SuiteSpec;
  arm: ArmSpec;
  dataset: DatasetInfo;
  seed: number;
  profile: Profile;
  resultsRoot: string;
  /** How many runs the runner had going at once (recorded in env.concurrentRuns). */
  concurrentRuns: number;
}

export function runLabel(job: Pick<RunJob, 'spec' | 'arm' | 'dataset' | 'seed'>): string {
  return `[${job.spec.id}] ${job.arm.id} / ${job.dataset.id} / seed ${job.seed}`;
}

/** What every record of a job has, stamped with its start time. */
export function baseRecord(job: RunJob) {
  return {
    schemaVersion: 1 as const, runId: newRunId(), time: new Date().toISOString(), suite: { id: job.spec.id, version: job.spec.version }, arm: job.arm.id,
    dataset: job.dataset, seed: job.seed, profile: job.profile,
  };
}

/**
 * The environment a record carries. Taken when the run starts: the commit and thread settings are
 * those of the code that runs, even when the run takes hours and the checkout moves on meanwhile
 * (captureEnv keeps its first reading of them for the process).
 */
export const jobEnv = (job: RunJob) => ({ ...captureEnv(backendInfo()), concurrentRuns: job.concurrentRuns });

/** The record of a run that did not finish: its error, no metrics. */
export function failedRecord(job: RunJob, error: string, seconds: number, base = baseRecord(job), env = jobEnv(job)): ResultRecord {
  return { ...base, status: 'failed', error, metrics: {}, timings: { totalSeconds: seconds },
    config: { method: job.arm.method, ...armConfig(job.spec, job.arm, job.profile) }, env };
}

/** Runs one job in this process and writes its record: ok, or failed with the error (never a partial record). */
export async function runJob(job: RunJob, method: ArmMethod, log: (line: string) => void): Promise<RunRow> {
  const { spec, arm, seed, profile } = job;
  const label = runLabel(job);
  log(`${label}: running`);
  const t0 = performance.now();
  const base = baseRecord(job);
  const env = jobEnv(job);
  const config = armConfig(spec, arm, profile);
  let record: ResultRecord;
  try {
    const res = await method.run({ suite: spec, arm, dataset: job.dataset.id, seed, profile, config, log: (l) => log(`${label}: ${l}`) });
    const seconds = (performance.now() - t0) / 1000;
    record = { ...base, status: 'ok', metrics: res.metrics, timings: { totalSeconds: seconds, ...(res.timings ?? {}) },
      config: { method: arm.method, ...config, ...(res.config ?? {}) }, notes: res.notes, artifacts: res.artifacts, env };
  } catch (e) {
    const err = e as Error;
    record = failedRecord(job, `${err.name}: ${err.message}`, (performance.now() - t0) / 1000, base, env);
  }
  return finish(job, record, log);
}

/** Writes a run's record and reports it. */
export function finish(job: RunJob, record: ResultRecord, log: (line: string) => void): RunRow {
  if (!record.notes) delete record.notes;
  if (!record.artifacts) delete record.artifacts;
  const file = writeRecord(record, job.resultsRoot);
  const seconds = record.timings.totalSeconds;
  log(`${runLabel(job)}: ${record.status} in ${seconds.toFixed(1)} s${record.error ? ` (${record.error})` : ''}`);
  return { arm: job.arm.id, dataset: job.dataset.id, seed: job.seed, status: record.status, seconds, file, detail: record.error };
}

