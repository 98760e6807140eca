/**
 * Runs a suite: every arm for every dataset and seed, one result record each. Records that exist
 * are skipped unless `force`; an arm that throws gets a record marked failed (never a partial
 * record presented as complete); a dataset that is missing, or an arm whose optional tool is
 * absent, is skipped with the reason. The caller decides the exit code from the summary. With
 * `jobs` > 1 the runs go to a pool of child processes (run-children.ts), except in a suite marked
 * `timed`: the wasm backend is single-threaded, so on a machine with N cores N runs of a training
 * suite finish in about the time of one.
 */
import { createHash } from 'node:crypto';
import { availableParallelism, totalmem } from 'node:os';
import {
  backendInfo, datasetStatus, getManifest, initBackend, recordExists, recordPath, resultsDir, type Profile, type ResultRecord,
} from '@repro/core';
import { UnknownNameError } from './didyoumean.js';
import type { SuiteSpec } from './spec.js';
import type { ArmMethod } from './arms/types.js';
import { DEFAULT_REGISTRY, runInChildren } from './run-children.js';
import { runJob, type RowStatus, type RunJob, type RunRow } from './run-job.js';

export type { RowStatus, RunRow } from './run-job.js';

export interface RunOptions {
  profile?: Profile;
  seeds?: number[];
  arms?: string[];
  /** Datasets to run, among those of the suite's profile (default: all of them). */
  datasets?: string[];
  force?: boolean;
  backend?: string;
  resultsRoot?: string;
  log?: (line: string) => void;
  /**
   * How many runs at once, each in a child process (default 1: one after another in this one). A
   * suite marked `timed` always runs one at a time: its numbers are speeds.
   */
  jobs?: number;
  /**
   * With jobs > 1: the module (path or file URL) the child processes import `REGISTRY` from, since
   * functions cannot cross into them. Default: this package's registry, the one the CLI passes.
   */
  registryModule?: string;
}

type DatasetInfo = ResultRecord['dataset'];

/** Memory set aside for each run in a child process (see defaultJobs). */
const MEMORY_PER_JOB = 2 * 1024 ** 3;

/**
 * The command line's default for `jobs`: one run per core, since the wasm backend computes on one
 * core per process, but no more runs than the memory holds at MEMORY_PER_JOB each: no process of
 * a whole quick-profile tabular-ssl run (`/usr/bin/time -v`, two at a time) went above 809 MB
 * resident, and the full profiles grow larger, so the margin is wide. Never below 1.
 */
export function defaultJobs(cores = availableParallelism(), memoryBytes = totalmem()): number {
  return Math.max(1, Math.min(cores, Math.floor(memoryBytes / MEMORY_PER_JOB)));
}

async function resolveDataset(id: string): Promise<{ info: DatasetInfo } | { missing: string }> {
  if (id === 'synthetic') return { info: { id, sha256: null, generator: 'generated from the seed by the arm' } };
  // Data the user supplies and no manifest can pin (a paper's release behind a file host): the arm
  // says where it looks, and reports itself unavailable when the files are absent.
  if (id === 'external') return { info: { id, sha256: null, generator: 'files the user supplies; see the arm' } };
  const m = getManifest(id);
  const st = await datasetStatus(m);
  if (!st.ok) return { missing: st.problems[0] };
  const files = Object.fromEntries(m.files.map((f) => [f.path, f.sha256 ?? `md5:${f.md5}`]));
  const digest = createHash('sha256').update(Object.entries(files).sort().map(([p, h]) => `${p} ${h}\n`).join('')).digest('hex');
  return { info: { id, sha256: digest, files } };
}

/** The datasets a suite runs in a profile: a profile may name its own (the full profile's paper-scale data). */
export function suiteDatasets(spec: SuiteSpec, profile: Profile): string[] {
  const own = spec.profiles[profile].datasets;
  return Array.isArray(own) ? own as string[] : spec.datasets;
}

/**
 * `repro run --all`: every suite, or with `datasets` only the suites that have one of them, each
 * with the ones it has. A name need only be in one suite; a name in none is an error.
 */
export function planAll(suites: SuiteSpec[], profile: Profile, datasets?: string[]): { spec: SuiteSpec; datasets?: string[] }[] {
  if (!datasets) return suites.map((spec) => ({ spec }));
  const known = [...new Set(suites.flatMap((s) => suiteDatasets(s, profile)))];
  for (const d of datasets) if (!known.includes(d)) throw new UnknownNameError(`dataset of any suite (profile ${profile})`, d, known);
  return suites
    .map((spec) => ({ spec, datasets: datasets.filter((d) => suiteDatasets(spec, profile).includes(d)) }))
    .filter((p) => p.datasets.length);
}

export async function runSuite(spec: SuiteSpec, registry: Record<string, ArmMethod>, opts: RunOptions = {}): Promise<RunRow[]> {
  const profile = opts.profile ?? 'quick';
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const root = opts.resultsRoot ?? resultsDir();
  const jobsWanted = opts.jobs ?? 1;
  if (!Number.isInteger(jobsWanted) || jobsWanted < 1) throw new Error(`jobs must be a positive integer, got ${jobsWanted}`);
  spec.arms.forEach((a, i) => {
    if (!registry[a.method]) throw new Error(`${spec.file}: field /arms/${i}/method: ${new UnknownNameError('method', a.method, Object.keys(registry)).message}`);
  });
  const armIds = spec.arms.map((a) => a.id);
  for (const a of opts.arms ?? []) if (!armIds.includes(a)) throw new UnknownNameError(`arm of suite ${spec.id}`, a, armIds);
  const arms = spec.arms.filter((a) => !opts.arms || opts.arms.includes(a.id));
  const seeds = opts.seeds ?? spec.seeds;
  const suiteSets = suiteDatasets(spec, profile);
  for (const d of opts.datasets ?? []) if (!suiteSets.includes(d)) throw new UnknownNameError(`dataset of suite ${spec.id} (profile ${profile})`, d, suiteSets);
  const datasets = suiteSets.filter((d) => !opts.datasets || opts.datasets.includes(d));

  await initBackend(opts.backend ? { prefer: opts.backend } : {});
  const backend = backendInfo();
  log(`[${spec.id}] v${spec.version} profile ${profile}, backend ${backend.name} ${backend.version} (${backend.threads} thread(s)), ${arms.length} arm(s) x ${datasets.length} dataset(s) x ${seeds.length} seed(s)`);

  // Plan first, so the rows keep the suite's order however the runs interleave.
  const rows: (RunRow | null)[] = [];
  const pending: { job: Omit<RunJob, 'concurrentRuns'>; slot: number }[] = [];
  for (const datasetId of datasets) {
    const ds = await resolveDataset(datasetId);
    for (const arm of arms) {
      const method = registry[arm.method];
      const reason = 'missing' in ds ? `dataset ${datasetId} unavailable: ${ds.missing}` : await method.unavailable?.() ?? null;
      const todo: number[] = [];
      for (const seed of seeds) {
        const key = { suite: spec.id, version: spec.version, profile, arm: arm.id, dataset: datasetId, seed };
        if (!opts.force && recordExists(key, root)) {
          rows.push({ arm: arm.id, dataset: datasetId, seed, status: 'exists', file: recordPath(key, root) });
          log(`[${spec.id}] ${arm.id} / ${datasetId} / seed ${seed}: record exists (use --force to rerun)`);
        } else todo.push(seed);
      }
      if (reason && todo.length) {
        for (const seed of todo) rows.push({ arm: arm.id, dataset: datasetId, seed, status: 'skipped', detail: reason });
        log(`[${spec.id}] ${arm.id} / ${datasetId} / seeds ${todo.join(', ')}: skipped (${reason})`);
        continue;
      }
      for (const seed of todo) {
        pending.push({ job: { spec, arm, dataset: (ds as { info: DatasetInfo }).info, seed, profile, resultsRoot: root }, slot: rows.length });
        rows.push(null);
      }
    }
  }

  let jobs = Math.min(jobsWanted, pending.length);
  if (jobs > 1 && spec.timed) {
    log(`[${spec.id}] measures speed: its ${pending.length} run(s) go one at a time, not ${jobs} at once`);
    jobs = 1;
  }
  if (jobs <= 1) {
    for (const { job, slot } of pending) rows[slot] = await runJob({ ...job, concurrentRuns: 1 }, registry[job.arm.method], log);
  } else {
    log(`[${spec.id}] ${pending.length} run(s), ${jobs} at a time in child processes`);
    const done = await runInChildren(pending.map((p) => ({ ...p.job, concurrentRuns: jobs })), jobs, {
      registryModule: opts.registryModule ?? DEFAULT_REGISTRY, backend: backend.name, log,
    });
    pending.forEach((p, i) => { rows[p.slot] = done[i]; });
  }
  return rows as RunRow[];
}

/** A plain-text summary table of a run. */
export function summaryTable(rows: RunRow[]): string {
  const header = ['arm', 'dataset', 'seed', 'status', 'seconds', 'detail'];
  const body = rows.map((r) => [r.arm, r.dataset, String(r.seed), r.status, r.seconds === undefined ? '' : r.seconds.toFixed(1), (r.detail ?? '').slice(0, 100)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const count = (s: RowStatus) => rows.filter((r) => r.status === s).length;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '',
    `${count('ok')} ran, ${count('exists')} already recorded, ${count('skipped')} skipped, ${count('failed')} failed`].join('\n');
}
