/**
 * The tabular-ssl splits and their preprocessing, fit on training rows only.
 *
 * - Adult: the UCI train and test files; validation is a stratified 20% of train; accuracy.
 * - California Housing: a seeded 64/16/20 split; `total_bedrooms` imputed with the training
 *   median; `ocean_proximity` dropped, as the reference does; target in units of $100k.
 * Numeric features are min-max scaled; categoricals label-encoded (a value never seen in training,
 * or missing, gets its own code). `raw` features for the MLP baseline are the scaled numerics plus
 * one-hot categoricals.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadAdult, loadCaliforniaHousing, mean, randomSplit, Rng, stratifiedSplit, type Table } from '@repro/core';

export interface TabularData {
  rows: number;
  /** [rows, numNumeric], min-max scaled. */
  numeric: tf.Tensor2D;
  /** [rows, numCategorical] label codes (float), or null. */
  categorical: tf.Tensor2D | null;
}

export interface SplitData { x: TabularData; raw: Float32Array; rawDim: number; y: Float32Array }

export interface TabularTask {
  dataset: 'adult' | 'california-housing';
  kind: 'classification' | 'regression';
  numNumeric: number;
  cardinalities: number[];
  train: SplitData;
  val: SplitData;
  test: SplitData;
  /** Regression: the training target's standard deviation (for RMSE in std units). */
  targetStd: number;
}

interface Prepared { numeric: Float32Array[]; codes: Int32Array[]; cards: number[] }

/** Fits scaling and encodings on `fit` rows of `t`, applies them to each of `parts`. */
function prepare(t: Table, fit: Int32Array, parts: Int32Array[], drop: string[]): { parts: Prepared[]; numNumeric: number; cards: number[] } {
  const num = t.columns.filter((c) => c.kind === 'numeric' && !drop.includes(c.name));
  const cat = t.columns.filter((c) => c.kind === 'categorical' && !drop.includes(c.name));
  const stats = num.map((c) => {
    const v = Array.from(fit, (i) => c.values[i] as number).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    return { min: v[0], max: v[v.length - 1], median: v[Math.floor(v.length / 2)] };
  });
  const vocab = cat.map((c) => {
    const m = new Map<string, number>();
    for (const i of fit) { const v = c.values[i] as string | null; if (v !== null && !m.has(v)) m.set(v, m.size); }
    return m;
  });
  const cards = vocab.map((m) => m.size + 1); // the last code: missing or unseen
  return {
    numNumeric: num.length,
    cards,
    parts: parts.map((rows) => ({
      numeric: num.map((c, j) => Float32Array.from(rows, (i) => {
        const raw = c.values[i] as number;
        const v = Number.isNaN(raw) ? stats[j].median : raw;
        return stats[j].max > stats[j].min ? (v - stats[j].min) / (stats[j].max - stats[j].min) : 0;
      })),
      codes: cat.map((c, j) => Int32Array.from(rows, (i) => vocab[j].get(c.values[i] as string) ?? cards[j] - 1)),
      cards,
    })),
  };
}

function toSplit(p: Prepared, y: Float32Array): SplitData {
  const n = y.length;
  const nNum = p.numeric.length;
  const numeric = new Float32Array(n * nNum);
  p.numeric.forEach((col, j) => col.forEach((v, i) => { numeric[i * nNum + j] = v; }));
  const nCat = p.codes.length;
  const codes = new Float32Array(n * nCat);
  p.codes.forEach((col, j) => col.forEach((v, i) => { codes[i * nCat + j] = v; }));
  const rawDim = nNum + p.cards.reduce((a, b) => a + b, 0);
  const raw = new Float32Array(n * rawDim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nNum; j++) raw[i * rawDim + j] = numeric[i * nNum + j];
    let off = nNum;
    p.codes.forEach((col, j) => { raw[i * rawDim + off + col[i]] = 1; off += p.cards[j]; });
  }
  return {
    x: { rows: n, numeric: tf.tensor2d(numeric, [n, nNum]), categorical: nCat ? tf.tensor2d(codes, [n, nCat]) : null },
    raw, rawDim, y,
  };
}

const take = <T extends ArrayLike<number>>(v: T, idx: Int32Array) => Float32Array.from(idx, (i) => v[i]);

/**
 * The task with its splits drawn from `splitSeed`. The suite fixes it across runs, as the reference
 * does (its `random_state` 42 for every run), so that run seeds vary only what training draws.
 */
export async function loadTask(dataset: string, splitSeed: number): Promise<TabularTask> {
  if (dataset === 'adult') {
    const { train, test } = await loadAdult();
    const [fitRows, valRows] = stratifiedSplit(train.y, 0.2, new Rng(splitSeed, 'tabular-ssl/adult-val'));
    // the test file is a separate table: prepare it with the statistics of the training rows
    const both = concatTables(train.table, test.table);
    const testRows = Int32Array.from({ length: test.table.rows }, (_, i) => train.table.rows + i);
    const p = prepare(both, fitRows, [fitRows, valRows, testRows], []);
    const y = Float32Array.from([...train.y, ...test.y]);
    return {
      dataset, kind: 'classification', numNumeric: p.numNumeric, cardinalities: p.cards, targetStd: 1,
      train: toSplit(p.parts[0], take(y, fitRows)), val: toSplit(p.parts[1], take(y, valRows)), test: toSplit(p.parts[2], take(y, testRows)),
    };
  }
  if (dataset === 'california-housing') {
    const { table, y } = await loadCaliforniaHousing();
    const [tr, va, te] = randomSplit(table.rows, [0.64, 0.16, 0.2], new Rng(splitSeed, 'tabular-ssl/california-split'));
    const p = prepare(table, tr, [tr, va, te], ['ocean_proximity']);
    const target = Float32Array.from(y, (v) => v / 1e5);
    const ytr = take(target, tr);
    const m = mean(ytr);
    const std = Math.sqrt(ytr.reduce((a, b) => a + (b - m) ** 2, 0) / ytr.length);
    return {
      dataset, kind: 'regression', numNumeric: p.numNumeric, cardinalities: p.cards, targetStd: std,
      train: toSplit(p.parts[0], ytr), val: toSplit(p.parts[1], take(target, va)), test: toSplit(p.parts[2], take(target, te)),
    };
  }
  throw new Error(`tabular-ssl runs on adult or california-housing, not ${dataset}`);
}

function concatTables(a: Table, b: Table): Table {
  return {
    rows: a.rows + b.rows,
    columns: a.columns.map((c, j) => {
      const d = b.columns[j];
      if (c.name !== d.name || c.kind !== d.kind) throw new Error(`adult: train and test columns differ at ${j} (${c.name} vs ${d.name})`);
      return c.kind === 'numeric'
        ? { ...c, values: Float64Array.from([...c.values, ...(d.values as Float64Array)]) }
        : { ...c, values: [...c.values, ...(d.values as (string | null)[])] };
    }) as Table['columns'],
  };
}

/** Training and validation rows together (pretraining never sees the test rows). */
export function pretrainRows(task: TabularTask): TabularData {
  const cat = task.train.x.categorical && task.val.x.categorical ? tf.concat([task.train.x.categorical, task.val.x.categorical], 0) as tf.Tensor2D : null;
  return { rows: task.train.x.rows + task.val.x.rows, numeric: tf.concat([task.train.x.numeric, task.val.x.numeric], 0) as tf.Tensor2D, categorical: cat };
}

export function disposeTask(t: TabularTask): void {
  for (const s of [t.train, t.val, t.test]) { s.x.numeric.dispose(); s.x.categorical?.dispose(); }
}
