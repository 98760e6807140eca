// @repro/core: the runtime every paper package uses. Explicit named exports only.

export { initBackend, backendInfo, BACKENDS, type BackendChoice, type BackendInfo } from './backend/init.js';
export type { WasmPatchReport } from './backend/kernels/register.js';
export { Rng, rngFor, type RngState } from './rng.js';
export { parseJson, locateJsonError, type JsonParse, type JsonErrorPosition } from './json.js';
export { validate, readJsonFile, ValidationError, type SchemaRef } from './schema.js';
export { repoRoot, datasetsDir, benchmarksDir, resultsDir, cacheDir, mirrorDir } from './paths.js';

// data
export { listManifests, getManifest, loadManifestFile, type DatasetManifest, type DatasetFile } from './data/manifest.js';
export { datasetFile, datasetStatus, fetchDataset, verifyFile, DatasetFileError } from './data/files.js';
export { column, readJsonl, type Table, type Column } from './data/table.js';
export { stratifiedSplit, randomSplit, batches, takeRows } from './data/split.js';
export { standardizeColumns } from './data/normalize.js';
export { concatTyped } from './arrays.js';
export { symmetricNoise, asymmetricNoise, transitionNoise, cifar100BlockCycle, CIFAR10_ASYMMETRIC, DIGITS_ASYMMETRIC, type NoisyLabels } from './data/noise.js';
export { loadOptdigits, parseOptdigits, type DigitsSplit } from './data/loaders/optdigits.js';
export { loadAdult, parseAdult, ADULT_COLUMNS, type AdultSplit } from './data/loaders/adult.js';
export { loadCaliforniaHousing, parseHousing, HOUSING_TARGET } from './data/loaders/california-housing.js';
export { loadGsm8k, loadGsm8kSolutions, gsm8kFinal, type Gsm8kItem, type Gsm8kSolutionRow } from './data/loaders/gsm8k.js';
export { loadCifar10, parseCifar10Archive, parseCifar10Batch, type ImageSplit } from './data/loaders/cifar10.js';
export { readTar, writeTar } from './data/tar.js';
export { loadJsonSchemaBench, JSONSCHEMABENCH_SPLITS, type JsonSchemaBenchEntry, type JsonSchemaBenchSplit } from './data/loaders/jsonschemabench.js';

// train
export { sgd, adamw, type Optimizer, type OptimizerState, type SgdOptions, type AdamWOptions } from './train/optimizers.js';
export { writeCheckpoint, readCheckpoint, type Checkpoint } from './train/checkpoint.js';
export { constant, stepLr, cosine, cosineWarmRestarts, linearWarmup, type Schedule } from './train/schedules.js';
export { train, NonFiniteError, type TrainOptions, type EpochLog, type StepContext } from './train/loop.js';
export { progress, lineProgress, formatDuration, type Progress } from './train/progress.js';
export { softCrossEntropy } from './train/losses.js';
export { dropout } from './train/dropout.js';

// metrics
export { accuracy, topK, nll, macroF1, predictions, scoresFrom, type Scores } from './metrics/classification.js';
export { ece, aurc, reliabilityBins, riskCoverage, type ReliabilityBin } from './metrics/calibration.js';
export { rmse, mae } from './metrics/regression.js';
export { mean, sampleSd, summarize, tQuantile, tCdf, bootstrapCi, quantileSorted, binomialDraw, multinomialDraw, type Summary } from './metrics/stats.js';

// models
export { createMlp, type Mlp } from './models/mlp.js';
export { createCifarResNet, type ConvNet } from './models/resnet.js';

// flops, results, env, bench, leaderboard
export { modelCost, type ModelCost, type LayerCost } from './flops.js';
export { writeRecord, readRecord, listRecordFiles, recordExists, recordPath, validateAll, keyOf, newRunId,
  type ResultRecord, type RecordKey, type Profile } from './results/record.js';
export { writeAtomic, writeJsonl } from './results/atomic.js';
export { captureEnv, type EnvInfo } from './env.js';
export { benchMain, runBenchProcesses, runInterleaved, summarizeTasks, pairRatio, benchChildArgs, measureOnce, isBenchChild, median, PINNED_THREADS,
  type BenchDefinition, type BenchSummary, type TaskSummary, type ChildCommand, type ChildRun } from './bench.js';
/** The kernel microbenchmark's entry script (run with node; see bench/kernels.bench.ts). */
export const KERNELS_BENCH_SCRIPT = new URL('./bench/kernels.bench.js', import.meta.url);
export { buildLeaderboard, writeLeaderboard, fillLeaderboardMarkers, formatCell, type SuiteMeta, type LeaderboardRow, type Leaderboard } from './leaderboard.js';
