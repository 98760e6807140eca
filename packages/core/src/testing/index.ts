// @repro/core/testing: helpers for tests in every package (not for library code).
export { goldenPath, readGolden, useSharedMirror } from './golden.js';
export { bitsOf, firstDifference } from './compare.js';
