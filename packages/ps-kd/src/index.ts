// @repro/ps-kd: progressive self-knowledge distillation and the calibration benchmark.
export { alphaAt } from './schedule.js';
export { softCrossEntropy, smoothedTargets } from './losses.js';
export { createPskd, mixTargets, type Pskd, type PskdOptions } from './pskd.js';
export { reliabilitySvg } from './reliability.js';
export { runCalibration, CALIBRATION_DEFAULTS, type CalibrationArm, type CalibrationConfig, type CalibrationResult } from './calibration.js';
