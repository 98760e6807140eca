/**
 * Classification metrics over a flat row-major probability (or score) matrix of n rows and
 * `numClasses` columns. Ties in argmax go to the first class, as numpy and torch do.
 */

export interface Scores {
  /** n x numClasses, row-major. */
  values: ArrayLike<number>;
  numClasses: number;
}

export function rows(s: Scores): number {
  if (s.values.length % s.numClasses !== 0) throw new Error(`scores: ${s.values.length} values is not a multiple of ${s.numClasses} classes`);
  return s.values.length / s.numClasses;
}

/** Turns number[][] into Scores. */
export function scoresFrom(matrix: number[][]): Scores {
  const c = matrix[0]?.length ?? 0;
  const v = new Float64Array(matrix.length * c);
  matrix.forEach((r, i) => {
    if (r.length !== c) throw new Error(`scores: row ${i} has ${r.length} columns, expected ${c}`);
    v.set(r, i * c);
  });
  return { values: v, numClasses: c };
}

function checkLabels(s: Scores, labels: ArrayLike<number>): number {
  const n = rows(s);
  if (labels.length !== n) throw new Error(`labels: ${labels.length} labels for ${n} rows`);
  return n;
}

export function argmaxRow(s: Scores, i: number): number {
  const c = s.numClasses, v = s.values;
  let best = 0;
  for (let j = 1; j < c; j++) if (v[i * c + j] > v[i * c + best]) best = j;
  return best;
}

export function predictions(s: Scores): Int32Array {
  const n = rows(s), out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxRow(s, i);
  return out;
}

/** Fraction of rows whose label is among the k highest scores (ties broken toward lower class index). */
export function topK(s: Scores, labels: ArrayLike<number>, k: number): number {
  const n = checkLabels(s, labels), c = s.numClasses, v = s.values;
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i], sy = v[i * c + y];
    let above = 0;
    for (let j = 0; j < c; j++) {
      const sj = v[i * c + j];
      if (sj > sy || (sj === sy && j < y)) above++;
    }
    if (above < k) hit++;
  }
  return n ? hit / n : NaN;
}

export function accuracy(s: Scores, labels: ArrayLike<number>): number {
  return topK(s, labels, 1);
}

/** Mean negative log-likelihood of the labels under probabilities (clamped at 1e-12 so a zero is finite). */
export function nll(probs: Scores, labels: ArrayLike<number>): number {
  const n = checkLabels(probs, labels), c = probs.numClasses;
  let total = 0;
  for (let i = 0; i < n; i++) total -= Math.log(Math.max(probs.values[i * c + labels[i]], 1e-12));
  return total / n;
}

/** Macro-averaged F1 over the classes that occur in labels or predictions. */
export function macroF1(predicted: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  if (predicted.length !== labels.length) throw new Error(`macroF1: ${predicted.length} predictions for ${labels.length} labels`);
  const tp = new Float64Array(numClasses), fp = new Float64Array(numClasses), fn = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === labels[i]) tp[labels[i]]++;
    else { fp[predicted[i]]++; fn[labels[i]]++; }
  }
  let sum = 0, count = 0;
  for (let k = 0; k < numClasses; k++) {
    if (tp[k] + fp[k] + fn[k] === 0) continue;
    sum += (2 * tp[k]) / (2 * tp[k] + fp[k] + fn[k]);
    count++;
  }
  return count ? sum / count : NaN;
}
