import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@repro/core';
import { useSharedMirror } from '@repro/core/testing';
import { CALIBRATION_DEFAULTS, runCalibration } from './calibration.js';

const mirror = useSharedMirror();

beforeAll(async () => { await initBackend({ prefer: 'wasm' }); });

describe.runIf(mirror)('the calibration benchmark on real optdigits', () => {
  const cfg = { ...CALIBRATION_DEFAULTS, trainSize: 300, hidden: [32], epochs: 4, symmetricNoise: 0.2 };
  it('each arm trains and reports test metrics with ten reliability bins; runs are seeded', async () => {
    const ce = await runCalibration('ce', 1, cfg);
    const again = await runCalibration('ce', 1, cfg);
    expect(again.metrics).toEqual(ce.metrics);
    const pskd = await runCalibration('ps-kd', 1, cfg);
    for (const r of [ce, pskd]) {
      expect(r.bins).toHaveLength(10);
      expect(r.bins.reduce((s, b) => s + b.count, 0)).toBe(1797);
      expect(r.metrics.top1_error).toBeGreaterThan(0);
      expect(r.metrics.top1_error).toBeLessThan(60);
      expect(Number.isFinite(r.metrics.nll) && Number.isFinite(r.metrics.aurc)).toBe(true);
    }
    // Same seed, same init and order: only the targets differ, so the runs diverge.
    expect(pskd.metrics.nll).not.toBe(ce.metrics.nll);
  });
});
