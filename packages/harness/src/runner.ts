/**
 * Runs a suite: every arm for every dataset and seed, one result record each. Records that exist
 * are skipped unless `force`; an arm that throws gets a record marked failed (never a partial
 * record presented as complete); a dataset that is missing, or an arm whose optional tool is
 * absent, is skipped with the reason. The caller decides the exit code from the summary.
 */
import { createHash } from 'node:crypto';
import {
  backendInfo, captureEnv, datasetStatus, getManifest, initBackend, newRunId, recordExists, recordPath, resultsDir, writeRecord,
  type Profile, type ResultRecord,
} from '@repro/core';
import { UnknownNameError } from './didyoumean.js';
import { armConfig, type SuiteSpec } from './spec.js';
import type { ArmMethod } from './arms/types.js';

export interface RunOptions {
  profile?: Profile;
  seeds?: number[];
  arms?: string[];
  force?: boolean;
  backend?: string;
  resultsRoot?: string;
  log?: (line: string) => void;
}

export type RowStatus = 'ok' | 'failed' | 'exists' | 'skipped';
export interface RunRow { arm: string; dataset: string; seed: number; status: RowStatus; seconds?: number; detail?: string; file?: string }

type DatasetInfo = ResultRecord['dataset'];

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

export async function runSuite(spec: SuiteSpec, registry: Record<string, ArmMethod>, opts: RunOptions = {}): Promise<RunRow[]> {
  const profile = opts.profile ?? 'quick';
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const root = opts.resultsRoot ?? resultsDir();
  spec.arms.forEach((a, i) => {
    if (!registry[a.method]) throw new Error(`${spec.file}: field /arms/${i}/method: ${new UnknownNameError('method', a.method, Object.keys(registry)).message}`);
  });
  const armIds = spec.arms.map((a) => a.id);
  for (const a of opts.arms ?? []) if (!armIds.includes(a)) throw new UnknownNameError(`arm of suite ${spec.id}`, a, armIds);
  const arms = spec.arms.filter((a) => !opts.arms || opts.arms.includes(a.id));
  const seeds = opts.seeds ?? spec.seeds;

  // A profile may run on other datasets than the suite's (the full profile's paper-scale data).
  const profileDatasets = spec.profiles[profile].datasets;
  const datasets = Array.isArray(profileDatasets) ? profileDatasets as string[] : spec.datasets;

  await initBackend(opts.backend ? { prefer: opts.backend } : {});
  const backend = backendInfo();
  log(`[${spec.id}] v${spec.version} profile ${profile}, backend ${backend.name} ${backend.version} (${backend.threads} thread(s)), ${arms.length} arm(s) x ${datasets.length} dataset(s) x ${seeds.length} seed(s)`);

  const rows: RunRow[] = [];
  for (const datasetId of datasets) {
    const ds = await resolveDataset(datasetId);
    for (const arm of arms) {
      const method = registry[arm.method];
      const reason = 'missing' in ds ? `dataset ${datasetId} unavailable: ${ds.missing}` : await method.unavailable?.() ?? null;
      const pending: number[] = [];
      for (const seed of seeds) {
        const key = { suite: spec.id, version: spec.version, profile, arm: arm.id, dataset: datasetId, seed };
        if (!opts.force && recordExists(key, root)) {
          rows.push({ arm: arm.id, dataset: datasetId, seed, status: 'exists', file: recordPath(key, root) });
          log(`[${spec.id}] ${arm.id} / ${datasetId} / seed ${seed}: record exists (use --force to rerun)`);
        } else pending.push(seed);
      }
      if (reason && pending.length) {
        for (const seed of pending) rows.push({ arm: arm.id, dataset: datasetId, seed, status: 'skipped', detail: reason });
        log(`[${spec.id}] ${arm.id} / ${datasetId} / seeds ${pending.join(', ')}: skipped (${reason})`);
        continue;
      }
      for (const seed of pending) {
        const label = `[${spec.id}] ${arm.id} / ${datasetId} / seed ${seed}`;
        log(`${label}: running`);
        const t0 = performance.now();
        const base = {
          schemaVersion: 1 as const, runId: newRunId(), time: new Date().toISOString(), suite: { id: spec.id, version: spec.version }, arm: arm.id,
          dataset: (ds as { info: DatasetInfo }).info, seed, profile,
        };
        const config = armConfig(spec, arm, profile);
        let record: ResultRecord;
        try {
          const res = await method.run({ suite: spec, arm, dataset: datasetId, seed, profile, config, log: (l) => log(`${label}: ${l}`) });
          const seconds = (performance.now() - t0) / 1000;
          record = { ...base, status: 'ok', metrics: res.metrics, timings: { totalSeconds: seconds, ...(res.timings ?? {}) },
            config: { method: arm.method, ...config, ...(res.config ?? {}) }, notes: res.notes, artifacts: res.artifacts, env: captureEnv(backend) };
        } catch (e) {
          const err = e as Error;
          record = { ...base, status: 'failed', error: `${err.name}: ${err.message}`, metrics: {}, timings: { totalSeconds: (performance.now() - t0) / 1000 },
            config: { method: arm.method, ...config }, env: captureEnv(backend) };
        }
        if (!record.notes) delete record.notes;
        if (!record.artifacts) delete record.artifacts;
        const file = writeRecord(record, root);
        const seconds = record.timings.totalSeconds;
        rows.push({ arm: arm.id, dataset: datasetId, seed, status: record.status, seconds, file, detail: record.error });
        log(`${label}: ${record.status} in ${seconds.toFixed(1)} s${record.error ? ` (${record.error})` : ''}`);
      }
    }
  }
  return rows;
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
