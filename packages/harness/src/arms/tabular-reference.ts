/**
 * External reference rows for tabular-ssl: XGBoost and scikit-learn's MLP, trained in Python
 * (tools/peer-bench/tabular_reference.py) on the split the suite's own arms use. This arm writes that
 * split out (the mlp-raw arm's features) and reads back the script's metrics. They are not runs of
 * this code: the suite marks them `external`, so the leaderboard labels them and never ranks them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@repro/core';
import { disposeTask, loadTask, tabularConfig, type TabularTask } from '@repro/tjepa';
import { pythonWith } from '../engine/peer.js';
import type { ArmMethod, ArmResult } from './types.js';

const run = promisify(execFile);

/** The Python side; resolved when used, as the repository root is (importing the registry must not need it). */
export const referenceScript = (): string => path.join(repoRoot(), 'tools', 'peer-bench', 'tabular_reference.py');

/** Each model, the Python module it needs, and the Debian package that brings it. */
const MODELS = {
  xgboost: { module: 'xgboost', debian: 'python3-xgboost', summary: 'XGBoost (1000 trees, depth 5, lr 0.1) in Python on the same split: an external reference' },
  'sklearn-mlp': { module: 'sklearn', debian: 'python3-sklearn', summary: "scikit-learn's MLP with its defaults in Python on the same split: an external reference" },
} as const;
export type ReferenceModel = keyof typeof MODELS;

/** Writes a task's splits in the script's input format: float32 row-major features and targets, and meta.json. */
export function writeReferenceSplit(task: TabularTask, dir: string): void {
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (const s of ['train', 'val', 'test'] as const) {
    writeFileSync(path.join(dir, `${s}.x.f32`), bytes(task[s].raw));
    writeFileSync(path.join(dir, `${s}.y.f32`), bytes(task[s].y));
  }
  const rows = { train: task.train.y.length, val: task.val.y.length, test: task.test.y.length };
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ kind: task.kind, dim: task.train.rawDim, target_std: task.targetStd, rows }));
}

/** Runs the script on a split written by writeReferenceSplit; its metrics, fit time and library versions. */
export async function runReferenceModel(python: string, dir: string, model: ReferenceModel, seed: number, opts: { trees?: number; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
  const script = referenceScript();
  const args = [script, '--data', dir, '--model', model, '--seed', String(seed), ...(opts.trees ? ['--trees', String(opts.trees)] : [])];
  let stdout: string;
  try {
    ({ stdout } = await run(python, args, { timeout: opts.timeoutMs ?? 30 * 60_000, maxBuffer: 1 << 20 }));
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`${model} reference (${python} ${path.basename(script)}) failed: ${(err.stderr || err.message).trim().split('\n').slice(-3).join(' | ')}`);
  }
  const line = stdout.split('\n').find((l) => l.startsWith('REPRO_RESULT '));
  if (!line) throw new Error(`${model} reference printed no REPRO_RESULT line; its output ended: ${stdout.slice(-300)}`);
  return JSON.parse(line.slice('REPRO_RESULT '.length)) as Record<string, unknown>;
}

function referenceArm(model: ReferenceModel): ArmMethod {
  const m = MODELS[model];
  return {
    name: `tabular.${model}-python`,
    summary: m.summary,
    unavailable: () => (pythonWith(m.module) ? null : `no Python with ${m.module} (apt-get install ${m.debian}, or set REPRO_PYTHON)`),
    async run(ctx): Promise<ArmResult> {
      const python = pythonWith(m.module)!;
      // The split the suite's own arms use (their settings parser, so a bad value is named the same way).
      const splitSeed = tabularConfig(ctx.config, ctx.dataset).splitSeed ?? ctx.seed;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'repro-tabular-reference-'));
      try {
        const task = await loadTask(ctx.dataset, splitSeed);
        try { writeReferenceSplit(task, dir); } finally { disposeTask(task); }
        ctx.log(`${model}: fitting in ${python}`);
        const out = await runReferenceModel(python, dir, model, ctx.seed);
        const { versions, fit_seconds: fitSeconds, ...metrics } = out as { versions: Record<string, string>; fit_seconds: number } & Record<string, number>;
        return {
          metrics,
          timings: { fit_seconds: fitSeconds },
          config: { model, splitSeed, features: 'min-max numerics + one-hot categoricals (the mlp-raw arm\'s), fit on training rows only', versions },
          notes: [`external reference: ${m.summary.split(':')[0]}; ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`],
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const tabularReferenceArms: ArmMethod[] = (Object.keys(MODELS) as ReferenceModel[]).map(referenceArm);
