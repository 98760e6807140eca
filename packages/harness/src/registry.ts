/**
 * The arm registry: every method a suite spec may name, imported statically so a typo is a
 * compile error here and an unknown name in a spec is an error naming the file and field.
 * Paper packages add their arms here as they land.
 */
import type { ArmMethod } from './arms/types.js';
import { enginePytorch, engineTfjs } from './arms/engine.js';
import { kernelsWasm } from './arms/kernels.js';
import { calibrationArms } from './arms/pskd.js';

export const REGISTRY: Record<string, ArmMethod> = Object.fromEntries(
  [engineTfjs, enginePytorch, kernelsWasm, ...calibrationArms].map((m) => [m.name, m]),
);
