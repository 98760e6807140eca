/**
 * The calibration-optdigits arms (@repro/ps-kd): `calibration.ce`, `calibration.label-smoothing`
 * and `calibration.ps-kd`. Each writes a reliability diagram (SVG, ten bins) beside the results.
 */
import { CALIBRATION_DEFAULTS, reliabilitySvg, runCalibration, type CalibrationArm, type CalibrationConfig } from '@repro/ps-kd';
import { artifactPath, writeArtifact } from './artifacts.js';
import type { ArmMethod, ArmResult } from './types.js';

function calibrationArm(arm: CalibrationArm): ArmMethod {
  return {
    name: `calibration.${arm}`,
    summary: {
      ce: 'MLP on optdigits with cross-entropy (the overconfident baseline)',
      'label-smoothing': 'the same with label smoothing',
      'ps-kd': 'the same with progressive self-knowledge distillation targets (PS-KD)',
    }[arm],
    async run(ctx): Promise<ArmResult> {
      const cfg = { ...CALIBRATION_DEFAULTS, ...ctx.config } as CalibrationConfig;
      const res = await runCalibration(arm, ctx.seed, cfg, { log: ctx.log });
      const rel = artifactPath(ctx, 'figures', `reliability-${ctx.arm.id}-seed-${ctx.seed}.svg`);
      writeArtifact(rel, reliabilitySvg(res.bins, `${ctx.suite.id}: ${ctx.arm.id}, seed ${ctx.seed}`, res.metrics.ece));
      return { metrics: res.metrics, config: { ...cfg }, artifacts: [rel] };
    },
  };
}

export const calibrationArms: ArmMethod[] = (['ce', 'label-smoothing', 'ps-kd'] as const).map(calibrationArm);
