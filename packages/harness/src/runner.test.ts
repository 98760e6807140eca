import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend, listRecordFiles, readRecord, repoRoot } from '@repro/core';
import { useSharedMirror } from '@repro/core/testing';
import { defaultJobs, planAll, runSuite, suiteDatasets, summaryTable } from './runner.js';
import { loadSuiteFile, type SuiteSpec } from './spec.js';
import type { ArmMethod } from './arms/types.js';
import { engineTfjs } from './arms/engine.js';
import { REGISTRY } from './registry.js';
import { ENGINE_TASKS, engineWorkload } from './engine/workloads.js';

useSharedMirror();

const quiet = () => {};
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'repro-run-'));

function suite(extra: Partial<SuiteSpec> = {}): SuiteSpec {
  return {
    id: 'demo', version: 1, title: 'Demo', datasets: ['synthetic'], protocol: { scale: 2 },
    arms: [{ id: 'good', method: 'fake.good' }, { id: 'bad', method: 'fake.bad' }, { id: 'absent', method: 'fake.absent' }],
    seeds: [1, 2], metrics: [{ name: 'score', higherIsBetter: true }], profiles: { quick: {}, full: { scale: 10 } }, file: 'benchmarks/demo.json', ...extra,
  };
}

let calls = 0;
const registry: Record<string, ArmMethod> = {
  'fake.good': { name: 'fake.good', summary: '', run: async (ctx) => { calls++; return { metrics: { score: ctx.seed * (ctx.config.scale as number) } }; } },
  'fake.bad': { name: 'fake.bad', summary: '', run: async (ctx) => { throw new Error(`diverged at seed ${ctx.seed}`); } },
  'fake.absent': { name: 'fake.absent', summary: '', unavailable: () => 'needs a tool this machine lacks', run: async () => ({ metrics: {} }) },
};

describe('the suite runner', () => {
  it('writes one record per arm and seed, marks failures, skips unavailable arms', async () => {
    const root = tmp();
    const rows = await runSuite(suite(), registry, { resultsRoot: root, log: quiet, backend: 'cpu' });
    expect(rows.map((r) => `${r.arm}:${r.seed}:${r.status}`)).toEqual(['good:1:ok', 'good:2:ok', 'bad:1:failed', 'bad:2:failed', 'absent:1:skipped', 'absent:2:skipped']);
    const files = listRecordFiles(root);
    expect(files).toHaveLength(4);
    const good = readRecord(files.find((f) => f.includes('/good/') && f.endsWith('seed-2.json'))!);
    expect(good.metrics.score).toBe(4);
    expect(good.config).toMatchObject({ method: 'fake.good', scale: 2 });
    expect(good.env.backend.name).toBe('cpu');
    const bad = readRecord(files.find((f) => f.includes('/bad/') && f.endsWith('seed-1.json'))!);
    expect(bad.status).toBe('failed');
    expect(bad.error).toBe('Error: diverged at seed 1');
    expect(summaryTable(rows)).toMatch(/2 ran, 0 already recorded, 2 skipped, 2 failed/);
  });

  it('skips existing records unless forced, and honours --seeds, --arms and the profile', async () => {
    const root = tmp();
    calls = 0;
    await runSuite(suite(), registry, { resultsRoot: root, log: quiet, arms: ['good'] });
    expect(calls).toBe(2);
    const again = await runSuite(suite(), registry, { resultsRoot: root, log: quiet, arms: ['good'] });
    expect(again.map((r) => r.status)).toEqual(['exists', 'exists']);
    expect(calls).toBe(2);
    await runSuite(suite(), registry, { resultsRoot: root, log: quiet, arms: ['good'], seeds: [2], force: true, profile: 'full' });
    expect(calls).toBe(3);
    const full = listRecordFiles(root).filter((f) => f.includes('/full/'));
    expect(full).toHaveLength(1);
    expect(readRecord(full[0]).metrics.score).toBe(20);
  });

  it('runs only the datasets asked for, among the profile\'s, and names the others on a typo', async () => {
    const root = tmp();
    calls = 0;
    const spec = suite({ datasets: ['synthetic', 'external'], arms: [{ id: 'good', method: 'fake.good' }], seeds: [1] });
    const rows = await runSuite(spec, registry, { resultsRoot: root, log: quiet, datasets: ['external'] });
    expect(rows.map((r) => `${r.dataset}:${r.status}`)).toEqual(['external:ok']);
    expect(calls).toBe(1);
    expect(listRecordFiles(root).map((f) => path.relative(root, f))).toEqual([path.join('records', 'demo', 'v1', 'quick', 'good', 'external', 'seed-1.json')]);
    await expect(runSuite(spec, registry, { resultsRoot: root, log: quiet, datasets: ['synthetc'] }))
      .rejects.toThrow(/unknown dataset of suite demo \(profile quick\) 'synthetc'\. Did you mean 'synthetic'/);
    // The full profile's own datasets replace the suite's, so only they can be chosen there.
    const full = suite({ arms: [{ id: 'good', method: 'fake.good' }], seeds: [1], profiles: { quick: {}, full: { datasets: ['external'] } } });
    await expect(runSuite(full, registry, { resultsRoot: root, log: quiet, profile: 'full', datasets: ['synthetic'] })).rejects.toThrow(/profile full\) 'synthetic'/);
    expect(suiteDatasets(full, 'full')).toEqual(['external']);
    expect(suiteDatasets(full, 'quick')).toEqual(['synthetic']);
  });

  it('with --all and datasets, plans only the suites that have one of them', () => {
    const a = suite({ id: 'a', datasets: ['synthetic', 'optdigits'] });
    const b = suite({ id: 'b', datasets: ['adult'] });
    const c = suite({ id: 'c', datasets: ['synthetic'], profiles: { quick: {}, full: { datasets: ['adult'] } } });
    const ids = (plan: ReturnType<typeof planAll>) => plan.map((p) => `${p.spec.id}:${p.datasets?.join('+') ?? 'all'}`);
    expect(ids(planAll([a, b, c], 'quick'))).toEqual(['a:all', 'b:all', 'c:all']);
    expect(ids(planAll([a, b, c], 'quick', ['synthetic']))).toEqual(['a:synthetic', 'c:synthetic']);
    expect(ids(planAll([a, b, c], 'full', ['adult', 'optdigits']))).toEqual(['a:optdigits', 'b:adult', 'c:adult']);
    expect(() => planAll([a, b, c], 'quick', ['adlt'])).toThrow(/unknown dataset of any suite \(profile quick\) 'adlt'\. Did you mean 'adult'/);
  });

  it('rejects unknown arms and methods with suggestions, and skips missing datasets', async () => {
    await expect(runSuite(suite(), registry, { log: quiet, arms: ['god'] })).rejects.toThrow(/unknown arm of suite demo 'god'\. Did you mean 'good'/);
    await expect(runSuite(suite({ arms: [{ id: 'x', method: 'fake.godo' }] }), registry, { log: quiet }))
      .rejects.toThrow(/benchmarks\/demo\.json: field \/arms\/0\/method: unknown method 'fake\.godo'\. Did you mean 'fake\.good'/);
    const saved = process.env.REPRO_DATA_MIRROR;
    process.env.REPRO_DATA_MIRROR = tmp();
    process.env.REPRO_CACHE = tmp();
    try {
      const rows = await runSuite(suite({ datasets: ['optdigits'], arms: [{ id: 'good', method: 'fake.good' }] }), registry, { resultsRoot: tmp(), log: quiet });
      expect(rows.every((r) => r.status === 'skipped')).toBe(true);
      expect(rows[0].detail).toMatch(/dataset optdigits unavailable: .*optdigits\.tra is missing.*repro datasets fetch optdigits/);
    } finally {
      process.env.REPRO_DATA_MIRROR = saved;
      delete process.env.REPRO_CACHE;
    }
  });

  it('records the dataset hash of a real dataset; a profile may name its own datasets', async () => {
    const root = tmp();
    const spec = suite({ arms: [{ id: 'good', method: 'fake.good' }], seeds: [1], profiles: { quick: {}, full: { scale: 10, datasets: ['optdigits'] } } });
    await runSuite(spec, registry, { resultsRoot: root, log: quiet, profile: 'full' });
    expect(readRecord(listRecordFiles(root)[0]).config).not.toHaveProperty('datasets');
    const r = readRecord(listRecordFiles(root)[0]);
    expect(r.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.dataset.files!['optdigits.tra']).toBe('e1b683cc211604fe8fd8c4417e6a69f31380e0c61d4af22e93cc21e9257ffedd');
  });
});

// A registry the runner's child processes can import (functions cannot be sent to them). Each 'meet'
// run waits until its partner seed has started, so two of them finish only if they run at once.
const CHILD_REGISTRY = `
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const meet = async (ctx) => {
  writeFileSync(path.join(ctx.config.dir, 'started-' + ctx.seed), '');
  const partner = path.join(ctx.config.dir, 'started-' + (3 - ctx.seed));
  for (let t = 0; !existsSync(partner); t++) {
    if (t > 600) throw new Error('seed ' + (3 - ctx.seed) + ' never started alongside');
    await new Promise((r) => setTimeout(r, 50));
  }
  ctx.log('met');
  return { metrics: { score: ctx.seed * ctx.config.scale, pid: process.pid } };
};
export const REGISTRY = {
  'fake.meet': { name: 'fake.meet', summary: '', run: meet },
  'fake.bad': { name: 'fake.bad', summary: '', run: async (ctx) => { throw new Error('diverged at seed ' + ctx.seed); } },
  'fake.crash': { name: 'fake.crash', summary: '', run: async () => process.exit(3) },
  // Changes what the environment reads while it runs, as a checkout that moves on under a long run.
  'fake.threads': { name: 'fake.threads', summary: '', run: async () => { process.env.OMP_NUM_THREADS = '7'; return { metrics: { score: 1 } }; } },
};
`;

describe('the suite runner with --jobs', () => {
  const childRegistry = () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'registry.mjs'), CHILD_REGISTRY);
    return { dir, module: pathToFileURL(path.join(dir, 'registry.mjs')).href };
  };
  const parentRegistry: Record<string, ArmMethod> = Object.fromEntries(['fake.meet', 'fake.bad', 'fake.crash', 'fake.threads']
    .map((name) => [name, { name, summary: '', run: async () => ({ metrics: { pid: process.pid } }) }]));

  it('runs jobs at once in child processes, keeps the row order, and survives a child that dies', async () => {
    const { dir, module } = childRegistry();
    const root = tmp();
    const lines: string[] = [];
    const spec = suite({ protocol: { scale: 2, dir }, arms: [{ id: 'crash', method: 'fake.crash' }, { id: 'meet', method: 'fake.meet' }, { id: 'bad', method: 'fake.bad' }] });
    const rows = await runSuite(spec, parentRegistry, { resultsRoot: root, log: (l) => lines.push(l), backend: 'cpu', jobs: 2, registryModule: module });
    expect(rows.map((r) => `${r.arm}:${r.seed}:${r.status}`)).toEqual(['crash:1:failed', 'crash:2:failed', 'meet:1:ok', 'meet:2:ok', 'bad:1:failed', 'bad:2:failed']);
    expect(rows[0].detail).toBe('Error: its child process exited before finishing (code 3)');
    expect(rows[4].detail).toBe('Error: diverged at seed 1');
    const records = listRecordFiles(root).map(readRecord);
    expect(records).toHaveLength(6);
    const meet = records.filter((r) => r.arm === 'meet').sort((a, b) => a.seed - b.seed);
    expect(meet.map((r) => r.metrics.score)).toEqual([2, 4]);
    expect(new Set(meet.map((r) => r.metrics.pid)).size).toBe(2);
    expect(meet.map((r) => r.metrics.pid)).not.toContain(process.pid);
    expect(records.every((r) => r.env.concurrentRuns === 2 && r.env.backend.name === 'cpu')).toBe(true);
    expect(records.find((r) => r.arm === 'crash')!.config).toMatchObject({ method: 'fake.crash', scale: 2 });
    expect(lines).toContain('[demo] meet / synthetic / seed 2: met');
    expect(lines.filter((l) => l.startsWith('[demo] crash / synthetic / seed 1: '))).toEqual([
      '[demo] crash / synthetic / seed 1: running', expect.stringMatching(/^\[demo\] crash \/ synthetic \/ seed 1: failed in [\d.]+ s \(Error: its child process exited before finishing \(code 3\)\)$/)]);
  }, 60_000);

  it('records the environment a run started in, not the one it ended in', async () => {
    const { module } = childRegistry();
    const root = tmp();
    const rows = await runSuite(suite({ arms: [{ id: 'threads', method: 'fake.threads' }] }), parentRegistry,
      { resultsRoot: root, log: quiet, backend: 'cpu', jobs: 2, registryModule: module });
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok']);
    const records = listRecordFiles(root).map(readRecord);
    expect(records.map((r) => r.env.threads.OMP_NUM_THREADS)).toEqual([process.env.OMP_NUM_THREADS ?? null, process.env.OMP_NUM_THREADS ?? null]);
  }, 60_000);

  it('runs a timed suite one run at a time, in this process', async () => {
    const root = tmp();
    const lines: string[] = [];
    const rows = await runSuite(suite({ timed: true, arms: [{ id: 'meet', method: 'fake.meet' }] }), parentRegistry,
      { resultsRoot: root, log: (l) => lines.push(l), backend: 'cpu', jobs: 2, registryModule: 'file:///nonexistent.mjs' });
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(listRecordFiles(root).map(readRecord).map((r) => [r.metrics.pid, r.env.concurrentRuns])).toEqual([[process.pid, 1], [process.pid, 1]]);
    expect(lines).toContain('[demo] measures speed: its 2 run(s) go one at a time, not 2 at once');
  });
});

describe('the command line\'s default jobs', () => {
  it('is one run per core while the memory holds 2 GiB for each, and never below one', () => {
    const GiB = 1024 ** 3;
    expect(defaultJobs(2, 24 * GiB)).toBe(2);
    expect(defaultJobs(16, 8 * GiB)).toBe(4);
    expect(defaultJobs(8, 8 * GiB - 1)).toBe(3);
    expect(defaultJobs(1, 64 * GiB)).toBe(1);
    expect(defaultJobs(4, GiB)).toBe(1);
  });
});

describe('the engine suite', () => {
  it('each workload runs with a flat tensor count', async () => {
    await initBackend({ prefer: 'wasm' });
    for (const t of ENGINE_TASKS) {
      const w = engineWorkload(t, 1);
      w.run();
      const before = tf.memory().numTensors;
      w.run();
      w.run();
      expect(tf.memory().numTensors).toBe(before);
      w.dispose();
    }
  });

  it('the tfjs arm measures every task in fresh processes', async () => {
    const spec = loadSuiteFile(path.join(repoRoot(), 'benchmarks', 'engine.json'));
    const res = await engineTfjs.run({ suite: spec, arm: spec.arms[0], dataset: 'synthetic', seed: 1, profile: 'quick', log: quiet,
      config: { processes: 3, taskTimeMs: 5, minIterations: 1, threads: 1 } });
    for (const t of ENGINE_TASKS) expect(res.metrics[`${t}_ms`]).toBeGreaterThan(0);
    // Ratios exist exactly when a Python with torch is on this machine.
    const ratio = res.metrics.resnet_block_step_vs_pytorch;
    expect(ratio === null || ratio > 0).toBe(true);
    expect(res.notes!.join(' ')).toMatch(/backend \w+/);
  }, 300_000);
});

describe('the calibration suite', () => {
  it('runs an arm end to end and writes its reliability diagram beside the results', async () => {
    const root = tmp();
    const real = loadSuiteFile(path.join(repoRoot(), 'benchmarks', 'calibration-optdigits.json'));
    const spec = { ...real, protocol: { ...real.protocol, trainSize: 200, hidden: [16], epochs: 2 } };
    const saved = process.env.REPRO_RESULTS;
    process.env.REPRO_RESULTS = root;
    try {
      const rows = await runSuite(spec, REGISTRY, { resultsRoot: root, log: quiet, arms: ['ps-kd'], seeds: [1], backend: 'wasm' });
      expect(rows.map((r) => r.status)).toEqual(['ok']);
      const rec = readRecord(listRecordFiles(root)[0]);
      expect(Object.keys(rec.metrics).sort()).toEqual(['aurc', 'eaurc', 'ece', 'nll', 'top1_error', 'top5_error', 'train_loss']);
      expect(rec.artifacts).toEqual(['figures/calibration-optdigits/v1/quick/reliability-ps-kd-seed-1.svg']);
      expect(readFileSync(path.join(root, rec.artifacts![0]), 'utf8')).toMatch(/^<svg/);
    } finally {
      if (saved === undefined) delete process.env.REPRO_RESULTS; else process.env.REPRO_RESULTS = saved;
    }
  });
});
