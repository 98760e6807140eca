/**
 * The arm registry: every method a suite spec may name, imported statically so a typo is a
 * compile error here and an unknown name in a spec is an error naming the file and field.
 * Paper packages add their arms here as they land.
 */
import type { ArmMethod } from './arms/types.js';
import { enginePytorch, engineTfjs } from './arms/engine.js';
import { kernelsWasm } from './arms/kernels.js';
import { calibrationArms } from './arms/pskd.js';
import { noisyArms } from './arms/elr.js';
import { microbenchArm } from './arms/microbench.js';
import { tabularReferenceArms } from './arms/tabular-reference.js';
import { tabularArms, tjepaStepArm } from './arms/tjepa.js';
import { generationArm, sensitivityArm, strucBenchScoringArm } from './arms/strucbench.js';
import { gsm8kJsonArm, gsm8kReferenceArm, throughputArm, validatorArm } from './arms/structured.js';
import { ELR_STEP_BENCH_SCRIPT } from '@repro/elr';

export const REGISTRY: Record<string, ArmMethod> = Object.fromEntries(
  [engineTfjs, enginePytorch, kernelsWasm, ...calibrationArms, ...noisyArms, validatorArm, gsm8kReferenceArm, gsm8kJsonArm, throughputArm, sensitivityArm, generationArm, strucBenchScoringArm, ...tabularArms, ...tabularReferenceArms, tjepaStepArm,
    microbenchArm('microbench.elr-step', 'ELR training step against a cross-entropy step on the same batch (MLP 64-512-512-10, batch 128)', ELR_STEP_BENCH_SCRIPT, [['elr_step', 'ce_step']])].map((m) => [m.name, m]),
);
