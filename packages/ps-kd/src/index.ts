// @repro/ps-kd: progressive self-knowledge distillation and the calibration benchmark.
export { alphaAt } from './schedule.js';
export { smoothedTargets } from './losses.js';
export { softCrossEntropy } from '@repro/core';
export { createPskd, mixTargets, type Pskd, type PskdOptions } from './pskd.js';
export { reliabilitySvg } from './reliability.js';
export { runCalibration, CALIBRATION_DEFAULTS, type CalibrationArm, type CalibrationConfig, type CalibrationResult } from './calibration.js';
