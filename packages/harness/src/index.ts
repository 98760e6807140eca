// @repro/harness: the suite registry and runner behind the `repro` command line.
export { loadSuiteFile, listSuites, armConfig, suiteMeta, SUITE_SCHEMA, type SuiteSpec, type ArmSpec } from './spec.js';
export { planAll, runSuite, suiteDatasets, summaryTable, type RunOptions, type RunRow, type RowStatus } from './runner.js';
export { REGISTRY } from './registry.js';
export { suggest, editDistance, UnknownNameError } from './didyoumean.js';
export type { ArmMethod, ArmContext, ArmResult } from './arms/types.js';
