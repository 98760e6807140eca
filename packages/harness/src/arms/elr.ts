/** The noisy-labels-optdigits arms (@repro/elr): noisy.ce, noisy.gce, noisy.sce, noisy.elr, noisy.elr-plus. */
import { NOISY_ARMS, NOISY_DEFAULTS, runNoisyLabels, type NoisyArm, type NoisyConfig } from '@repro/elr';
import type { ArmMethod, ArmResult } from './types.js';

const SUMMARY: Record<NoisyArm, string> = {
  ce: 'MLP on optdigits with noisy labels, cross-entropy',
  gce: 'the same with generalized cross-entropy (q 0.7)',
  sce: 'the same with symmetric cross-entropy (alpha 0.1, beta 1, A -4)',
  elr: 'the same with early-learning regularization (ELR)',
  'elr-plus': 'ELR+: two networks, weight-averaged copies, mixup',
};

function noisyArm(arm: NoisyArm): ArmMethod {
  return {
    name: `noisy.${arm}`,
    summary: SUMMARY[arm],
    async run(ctx): Promise<ArmResult> {
      if (ctx.dataset !== 'optdigits' && ctx.dataset !== 'cifar-10') throw new Error(`noisy.${arm}: no setting for dataset ${ctx.dataset}`);
      const cfg = { ...NOISY_DEFAULTS, ...ctx.config } as NoisyConfig;
      const metrics = await runNoisyLabels(arm, ctx.seed, cfg, { dataset: ctx.dataset, log: ctx.log });
      return { metrics: { ...metrics }, config: { ...cfg } };
    },
  };
}

export const noisyArms: ArmMethod[] = NOISY_ARMS.map(noisyArm);
