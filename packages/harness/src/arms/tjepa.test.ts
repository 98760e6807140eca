import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, writeCheckpoint } from '@repro/core';
import { useSharedMirror } from '@repro/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { disposeEncoder, embed, pretrain, tabularConfig } from '@repro/tjepa';
import { armConfig, listSuites } from '../spec.js';
import { checkpointFile, resumeNotes, tabularArms, tabularStepConfig } from './tjepa.js';
import type { ArmContext } from './types.js';

const mirror = useSharedMirror();

// the runner picks the backend before any arm runs; so must the test (else tfjs falls back to cpu)
beforeAll(async () => { await initBackend(); });
const suite = listSuites().find((s) => s.id === 'tabular-ssl')!;

function ctx(armId: string, dataset: string, over: Record<string, unknown>): ArmContext {
  const arm = suite.arms.find((a) => a.id === armId)!;
  return { suite, arm, dataset, seed: 1, profile: 'quick', config: { ...armConfig(suite, arm, 'quick'), ...over }, log: () => {} };
}

describe('tabular-ssl settings', () => {
  it('reads per-dataset values and names a bad field', () => {
    const c = armConfig(suite, suite.arms[1], 'quick');
    expect(tabularConfig(c, 'adult').pretrain.epochs).toBe(4);
    expect(tabularConfig(c, 'california-housing').pretrain.epochs).toBe(9);
    expect(tabularConfig(c, 'california-housing').downstream.epochs).toBe(150);
    // every run of the suite shares one split
    expect(tabularConfig(c, 'adult').splitSeed).toBe(42);
    expect(tabularConfig({ ...c, splitSeed: undefined }, 'adult').splitSeed).toBeUndefined();
    expect(tabularConfig(armConfig(suite, suite.arms[1], 'full'), 'adult').model.layers).toBe(16);
    expect(() => tabularConfig({ ...c, width: 'wide' }, 'adult')).toThrow(/config width must be a number/);
  });
});

describe('tabular-ssl records of resumed runs', () => {
  it('say where pretraining resumed, and which code ran the epochs before it, or that the checkpoint cannot say', () => {
    expect(resumeNotes({})).toEqual([]);
    expect(resumeNotes({ resumedAtEpoch: 270 })).toEqual(['pretraining resumed after epoch 270 from a checkpoint; pretrain_seconds counts every process']);
    expect(resumeNotes({ resumedAtEpoch: 270, resumedFromCommit: 'abc123' })[1]).toBe("that checkpoint was written by commit abc123: epochs 1-270 ran on that code, the rest on this record's");
    expect(resumeNotes({ resumedAtEpoch: 270, resumedFromCommit: 'unknown' })[1]).toBe("that checkpoint does not record the commit that wrote it: epochs 1-270 ran on code this record cannot name, the rest on this record's");
  });
});

describe('tabular-ssl full profile', () => {
  // The full profile (the reference's Jannis-style model) is too slow to run here; this checks that
  // its settings build a model that trains and embeds, on two steps of a small synthetic table.
  it('pretrains the 16-layer, width-64 encoder with its 16-layer predictor and embeds rows', async () => {
    const cfg = tabularConfig(armConfig(suite, suite.arms[1], 'full'), 'california-housing');
    expect([cfg.model.width, cfg.model.layers, cfg.model.predWidth, cfg.model.predLayers, cfg.model.predHeads]).toEqual([64, 16, 16, 16, 4]);
    // batches of 512 in slices of 128: one pass over 512 rows exhausts the wasm heap
    expect([cfg.pretrain.batchSize, cfg.pretrain.microBatch]).toEqual([512, 128]);
    expect(tabularConfig(armConfig(suite, suite.arms[1], 'quick'), 'adult').pretrain.microBatch).toBeUndefined();
    const rows = 64;
    const data = { rows, numeric: tf.randomUniform([rows, 8], 0, 1, 'float32', 7) as tf.Tensor2D, categorical: null };
    const shape = { ...cfg.model, numNumeric: 8, cardinalities: [] };
    const p = await pretrain(data, shape, { ...cfg.pretrain, epochs: 1, batchSize: 32, microBatch: 16 }, 1);
    expect(p.steps).toBe(2);
    expect(Number.isFinite(p.history[0].loss)).toBe(true);
    const z = embed(p.target, data, 'linear-flatten');
    expect(z.length).toBe(rows * (1 + 8) * 64); // [reg, 8 numeric] tokens of width 64
    expect(z.every(Number.isFinite)).toBe(true);
    disposeEncoder(p.target);
    data.numeric.dispose();
  }, 120_000);

  it("suite tjepa-step's full-model arm times the full profile's Adult settings", () => {
    const step = listSuites().find((s) => s.id === 'tjepa-step')!;
    const arm = step.arms.find((a) => a.id === 'full-model-b512')!;
    expect(armConfig(step, arm, 'quick').tabularProfile).toBe('full');
    const cfg = tabularStepConfig('full');
    const full = tabularConfig(armConfig(suite, suite.arms[1], 'full'), 'adult');
    expect(cfg).toEqual({ model: full.model, pretrain: full.pretrain });
    expect([cfg.model.layers, cfg.model.width, cfg.pretrain.microBatch, cfg.model.dropout]).toEqual([16, 64, 128, expect.closeTo(0.00185, 5)]);
    expect(tabularStepConfig('quick').model.layers).toBe(2);
  });
});

describe.skipIf(!mirror)('tabular-ssl arms on California Housing (one short epoch each)', () => {
  const short = { pretrainEpochs: 1, downstreamEpochs: 2, patience: 2 };
  it('mlp-raw, tjepa-mlp and random-encoder-mlp report test RMSE at the best validation epoch', async () => {
    const byArm: Record<string, Record<string, number | null>> = {};
    for (const m of tabularArms) {
      const id = m.name.replace('tabular.', '');
      const r = await m.run(ctx(id, 'california-housing', short));
      byArm[id] = r.metrics;
      expect(r.metrics.rmse).toBeGreaterThan(0.3);
      // better than predicting the mean (target std units: 1)
      expect(r.metrics.rmse_std).toBeLessThan(1);
      expect(r.metrics.best_epoch).toBeGreaterThanOrEqual(1);
    }
    expect(byArm['tjepa-mlp'].pretrain_steps).toBe(Math.ceil((13209 + 3302) / 512));
    expect(Number.isFinite(byArm['tjepa-mlp'].pretrain_loss)).toBe(true);
    expect(byArm['mlp-raw'].pretrain_seconds).toBeUndefined();
  }, 180_000);

  it('tjepa-mlp looks for its pretraining checkpoint under the cache, by suite version, profile, arm, dataset and seed', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'repro-cache-'));
    const saved = process.env.REPRO_CACHE;
    process.env.REPRO_CACHE = cache;
    try {
      const file = checkpointFile('tabular-ssl', suite.version, 'quick', 'tjepa-mlp', 'california-housing', 1);
      expect(file).toBe(path.join(cache, 'checkpoints', 'tabular-ssl', `v${suite.version}`, 'quick', 'tjepa-mlp', 'california-housing', 'seed-1.ckpt'));
      // A checkpoint left by other settings: the run says it ignores it, and removes it when done.
      writeCheckpoint(file, { key: 'other settings' }, []);
      const lines: string[] = [];
      const m = tabularArms.find((a) => a.name === 'tabular.tjepa-mlp')!;
      const r = await m.run({ ...ctx('tjepa-mlp', 'california-housing', short), log: (l) => lines.push(l) });
      expect(lines.some((l) => l.includes(`ignoring checkpoint ${file}`))).toBe(true);
      expect(r.notes?.some((n) => /resumed/.test(n))).toBe(false);
      expect(existsSync(file)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.REPRO_CACHE; else process.env.REPRO_CACHE = saved;
      rmSync(cache, { recursive: true, force: true });
    }
  }, 120_000);
});
