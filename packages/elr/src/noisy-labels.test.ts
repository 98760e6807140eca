import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadOptdigits } from '@repro/core';
import { useSharedMirror } from '@repro/core/testing';
import { NOISY_DEFAULTS, runNoisyLabels } from './noisy-labels.js';

const mirror = useSharedMirror();

beforeAll(async () => { await initBackend({ prefer: 'wasm' }); });

describe.runIf(mirror)('the noisy-labels benchmark on real optdigits', () => {
  const tiny = { ...NOISY_DEFAULTS, hidden: [16], epochs: 2, emaStep: 10 };
  it('every arm trains and reports its metrics; the noise is seeded and at the reference rate', async () => {
    const data = await loadOptdigits();
    const ce = await runNoisyLabels('ce', 1, tiny, { data });
    expect(ce.noise_rate).toBeGreaterThan(36.0 - 2);
    expect(ce.noise_rate).toBeLessThan(36.0 + 2);
    expect(ce.flag_precision).toBeNull();
    expect(ce.best_test_acc).toBeGreaterThanOrEqual(ce.final_test_acc);
    expect(await runNoisyLabels('ce', 1, tiny, { data })).toEqual(ce);
    for (const arm of ['elr', 'elr-plus'] as const) {
      const r = await runNoisyLabels(arm, 1, tiny, { data });
      expect(r.noise_rate).toBe(ce.noise_rate);
      expect(r.flag_precision).toBeGreaterThan(0);
      expect(r.flag_recall).toBeGreaterThan(0);
      expect(r.memorized).toBeGreaterThanOrEqual(0);
      expect(r.final_test_acc).toBeGreaterThan(50);
    }
    const asym = await runNoisyLabels('gce', 1, { ...tiny, noise: 'asymmetric' }, { data });
    expect(asym.noise_rate).toBeGreaterThan(0.6 * 40 - 2);
    expect(asym.noise_rate).toBeLessThan(0.6 * 40 + 2);
    await expect(runNoisyLabels('mse' as never, 1, tiny, { data })).rejects.toThrow(/unknown noisy-labels arm 'mse'/);
  });
});
