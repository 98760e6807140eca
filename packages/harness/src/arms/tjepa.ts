/** The tabular-ssl arms (@repro/tjepa): tabular.mlp-raw, tabular.tjepa-mlp, tabular.random-encoder-mlp. */
import path from 'node:path';
import { cacheDir, type Profile } from '@repro/core';
import { runTabularSsl, STEP_BENCH_SCRIPT, tabularConfig, TABULAR_ARMS, UNKNOWN_COMMIT, type TabularArm, type TabularConfig } from '@repro/tjepa';
import { armConfig, listSuites } from '../spec.js';
import { microbenchArm } from './microbench.js';
import type { ArmMethod, ArmResult } from './types.js';

const SUMMARY: Record<TabularArm, string> = {
  'mlp-raw': 'MLP on the raw features (scaled numerics, one-hot categoricals)',
  'tjepa-mlp': 'T-JEPA pretraining, then the frozen target encoder through an adapter into the same MLP',
  'random-encoder-mlp': 'the same encoder with random weights, frozen (control: architecture without pretraining)',
};

/** What a record says of a pretraining run resumed from a checkpoint, and of the code that wrote it. */
export function resumeNotes(r: { resumedAtEpoch?: number; resumedFromCommit?: string }): string[] {
  if (r.resumedAtEpoch === undefined) return [];
  const notes = [`pretraining resumed after epoch ${r.resumedAtEpoch} from a checkpoint; pretrain_seconds counts every process`];
  if (r.resumedFromCommit === UNKNOWN_COMMIT) notes.push(`that checkpoint does not record the commit that wrote it: epochs 1-${r.resumedAtEpoch} ran on code this record cannot name, the rest on this record's`);
  else if (r.resumedFromCommit) notes.push(`that checkpoint was written by commit ${r.resumedFromCommit}: epochs 1-${r.resumedAtEpoch} ran on that code, the rest on this record's`);
  return notes;
}

function tabularArm(arm: TabularArm): ArmMethod {
  return {
    name: `tabular.${arm}`,
    summary: SUMMARY[arm],
    async run(ctx): Promise<ArmResult> {
      const cfg = tabularConfig(ctx.config, ctx.dataset);
      // The full profile pretrains for more than a day: a run that stops resumes from its last
      // checkpoint (written at most every five minutes, deleted when the run finishes).
      const checkpoint = { file: checkpointFile(ctx.suite.id, ctx.suite.version, ctx.profile, arm, ctx.dataset, ctx.seed) };
      const r = await runTabularSsl(arm, ctx.dataset, ctx.seed, cfg, ctx.log, { checkpoint });
      const notes = [`mask indexing: ${cfg.pretrain.maskIndexing}; first optimizer step: ${cfg.pretrain.firstStep}`, ...resumeNotes(r)];
      return {
        metrics: r.metrics,
        config: { ...cfg, ...(arm === 'mlp-raw' ? { adapter: null, pretrain: null } : {}), featureDim: r.featureDim },
        notes: arm === 'tjepa-mlp' ? notes : undefined,
      };
    },
  };
}

/** Where a run's pretraining checkpoint lives: under the cache, one file per suite version, profile, arm, dataset and seed. */
export function checkpointFile(suite: string, version: number, profile: string, arm: string, dataset: string, seed: number): string {
  return path.join(cacheDir(), 'checkpoints', suite, `v${version}`, profile, arm, dataset, `seed-${seed}.ckpt`);
}

export const tabularArms: ArmMethod[] = TABULAR_ARMS.map(tabularArm);

/**
 * The model and pretraining settings of tabular-ssl's `profile` for Adult, as the step
 * microbenchmark takes them, so a full-profile step is timed with exactly what that profile runs.
 */
export function tabularStepConfig(profile: Profile): Pick<TabularConfig, 'model' | 'pretrain'> {
  const suite = listSuites().find((s) => s.id === 'tabular-ssl');
  const arm = suite?.arms.find((a) => a.id === 'tjepa-mlp');
  if (!suite || !arm) throw new Error('tjepa-step: the tabular-ssl suite and its tjepa-mlp arm are needed for a profile\'s settings');
  const { model, pretrain } = tabularConfig(armConfig(suite, arm, profile), 'adult');
  return { model, pretrain };
}

// An arm whose config names `tabularProfile` times that tabular-ssl profile's model; otherwise the quick model.
const stepBench = microbenchArm('microbench.tjepa-step', 'one T-JEPA pretraining step on an Adult-shaped batch of 512 (quick-profile model, or the tabular-ssl profile the arm names)', STEP_BENCH_SCRIPT, [],
  (ctx) => (ctx.config.tabularProfile ? ['--config', JSON.stringify(tabularStepConfig(ctx.config.tabularProfile as Profile))] : []));

/** The microbenchmark, with its latency also as steps per second. */
export const tjepaStepArm: ArmMethod = {
  ...stepBench,
  async run(ctx): Promise<ArmResult> {
    const r = await stepBench.run(ctx);
    const ms = r.metrics.pretrain_step_ms;
    return { ...r, metrics: { ...r.metrics, steps_per_s: ms ? 1000 / ms : null } };
  },
};
