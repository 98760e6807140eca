/**
 * Calibration and selective-prediction metrics, computed as PS-KD's reference does
 * (lgcnsai/PS-KD-Pytorch utils/metric.py):
 * - ECE: 10 bins with upper bounds 0.1 + i*0.1 in float64 (numpy's arange), lower = upper - 0.1,
 *   a confidence c falls in a bin when lower < c <= upper; reported x100.
 * - AURC: rows sorted by max confidence descending; risk at coverage k is the error rate of the
 *   first k; AURC is its mean, E-AURC subtracts the optimal AURC; both reported x1000.
 *   Ties: the reference reverses numpy's ascending argsort, which is stable for the sizes its
 *   tests use, so among equal confidences the later row comes first. We sort ascending stably and
 *   reverse, which reproduces that for every size.
 */
import { argmaxRow, rows, type Scores } from './classification.js';

export interface ReliabilityBin { lower: number; upper: number; acc: number; avgConf: number; count: number }

function confidencesAndHits(probs: Scores, labels: ArrayLike<number>) {
  const n = rows(probs), c = probs.numClasses;
  if (labels.length !== n) throw new Error(`labels: ${labels.length} labels for ${n} rows`);
  const conf = new Float64Array(n), hit = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = argmaxRow(probs, i);
    conf[i] = probs.values[i * c + p];
    hit[i] = p === labels[i] ? 1 : 0;
  }
  return { n, conf, hit };
}

export function reliabilityBins(probs: Scores, labels: ArrayLike<number>, numBins = 10): ReliabilityBin[] {
  const { n, conf, hit } = confidencesAndHits(probs, labels);
  const size = 1 / numBins;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < numBins; b++) {
    const upper = size + b * size, lower = upper - size;
    let count = 0, correct = 0, sumConf = 0;
    for (let i = 0; i < n; i++) {
      if (conf[i] > lower && conf[i] <= upper) { count++; correct += hit[i]; sumConf += conf[i]; }
    }
    bins.push({ lower, upper, acc: count ? correct / count : 0, avgConf: count ? sumConf / count : 0, count });
  }
  return bins;
}

/** Expected calibration error x100 (percent). */
export function ece(probs: Scores, labels: ArrayLike<number>, numBins = 10): number {
  const n = rows(probs);
  const bins = reliabilityBins(probs, labels, numBins);
  return (100 * bins.reduce((s, b) => s + Math.abs(b.acc - b.avgConf) * b.count, 0)) / n;
}

/** Risk (error rate) over the k most confident rows, for k = 1..n. */
export function riskCoverage(probs: Scores, labels: ArrayLike<number>): Float64Array {
  const { n, conf, hit } = confidencesAndHits(probs, labels);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => conf[a] - conf[b] || a - b).reverse();
  const risk = new Float64Array(n);
  let errors = 0;
  order.forEach((i, k) => { errors += 1 - hit[i]; risk[k] = errors / (k + 1); });
  return risk;
}

/** AURC and E-AURC, both x1000. */
export function aurc(probs: Scores, labels: ArrayLike<number>): { aurc: number; eaurc: number } {
  const risk = riskCoverage(probs, labels);
  const n = risk.length;
  const mean = risk.reduce((s, r) => s + r, 0) / n;
  const nRisk = Math.round(risk[n - 1] * n);
  let opt = 0;
  for (let k = 1; k <= nRisk; k++) opt += k / (n - nRisk + k);
  opt /= n;
  return { aurc: mean * 1000, eaurc: (mean - opt) * 1000 };
}
