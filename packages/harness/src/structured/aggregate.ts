/**
 * Stage 5: per-sample outcomes to rates with seeded bootstrap intervals. Definitions follow
 * JSONSchemaBench's evaluator: declared coverage = share of samples whose schema compiled;
 * empirical coverage = share whose output parsed and complied; compliance = empirical coverage among
 * the samples with declared coverage. Validity is the share that parsed.
 */
import { multinomialDraw, quantileSorted, Rng } from '@repro/core';

/** Up to this many distinct rows, a resample draws group counts (K binomials) instead of n indices. */
const FEW_GROUPS = 64;
import type { SampleScore } from './score.js';

export interface Rate { estimate: number; ci: [number, number]; n: number }

export interface ScoreSummary {
  n: number;
  validity: Rate;
  declaredCoverage: Rate | null;
  empiricalCoverage: Rate | null;
  compliance: Rate | null;
  truncation: Rate;
  timeouts: number;
  structureF1: Rate | null;
  contentAccuracy: Rate | null;
  exactMatch: Rate | null;
  jsonMatch: Rate | null;
}

/**
 * Row i's grouping key. Rows of 0/1/null (the rate metrics, which is most rows) get a base-3 number,
 * so grouping a large run allocates no string per sample; a row with any other value, or of more
 * than 33 columns (3^M would lose integer precision), is keyed by its joined values instead. The
 * two kinds never collide (a number against a string).
 */
function rowKey(columns: (number | null)[][], i: number): number | string {
  if (columns.length <= 33) {
    let key = 0;
    let m = columns.length - 1;
    for (; m >= 0; m--) {
      const v = columns[m][i];
      const digit = v === null ? 0 : v === 0 ? 1 : v === 1 ? 2 : -1;
      if (digit < 0) break;
      key = key * 3 + digit;
    }
    if (m < 0) return key;
  }
  return columns.map((c) => c[i]).join('|');
}

/**
 * Means of several per-sample columns (null = the sample does not count for that metric, as an
 * unparsed output for compliance) with one paired, seeded bootstrap: each resample draws n samples
 * with replacement and every column's mean is taken over the drawn samples where it is not null.
 * Samples with identical rows are interchangeable, so rows are grouped first and a resample only
 * needs how often each group is drawn: with few groups (0/1 metrics) those counts are drawn
 * directly from their multinomial, otherwise from n index draws.
 */
export function rates(columns: (number | null)[][], seed: number, resamples = 1000): (Rate | null)[] {
  const n = columns[0]?.length ?? 0;
  const M = columns.length;
  const groupOf = new Int32Array(n);
  const keys = new Map<number | string, number>();
  const rows: (number | null)[][] = [];
  for (let i = 0; i < n; i++) {
    const key = rowKey(columns, i);
    let g = keys.get(key);
    if (g === undefined) { g = rows.length; keys.set(key, g); rows.push(columns.map((c) => c[i])); }
    groupOf[i] = g;
  }
  const K = rows.length;
  // Per column: value and presence of each group, flattened [m * K + g].
  const val = new Float64Array(M * K);
  const has = new Float64Array(M * K);
  rows.forEach((row, g) => row.forEach((v, m) => { if (v !== null) { val[m * K + g] = v; has[m * K + g] = 1; } }));
  const size = new Float64Array(K);
  for (let i = 0; i < n; i++) size[groupOf[i]]++;
  const meanOf = (w: Float64Array, m: number): number => {
    let num = 0;
    let den = 0;
    for (let g = 0; g < K; g++) { num += w[g] * val[m * K + g]; den += w[g] * has[m * K + g]; }
    return den ? num / den : Number.NaN;
  };
  const counts = Array.from({ length: M }, (_, m) => { let c = 0; for (let g = 0; g < K; g++) c += size[g] * has[m * K + g]; return c; });
  const point = counts.map((c, m) => (c ? meanOf(size, m) : Number.NaN));
  const draws = Array.from({ length: M }, () => new Float64Array(resamples));
  const w = new Float64Array(K);
  const idx = new Int32Array(K <= FEW_GROUPS ? 0 : n);
  const rng = new Rng(seed, 'bootstrap');
  for (let b = 0; b < resamples; b++) {
    if (K <= FEW_GROUPS) {
      // How often each group is drawn is Multinomial(n, size / n): draw those counts directly.
      multinomialDraw(rng, n, size, w);
    } else {
      w.fill(0);
      // The draws' bias (below n / 2^32) is far under the bootstrap's own noise.
      rng.fillIndices(idx, n);
      for (let i = 0; i < n; i++) w[groupOf[idx[i]]]++;
    }
    for (let m = 0; m < M; m++) {
      if (!counts[m]) continue;
      const v = meanOf(w, m);
      draws[m][b] = Number.isNaN(v) ? point[m] : v;
    }
  }
  return draws.map((d, m) => {
    if (!counts[m]) return null;
    d.sort();
    return { estimate: point[m], ci: [quantileSorted(d, 0.025), quantileSorted(d, 0.975)] as [number, number], n: counts[m] };
  });
}

const b = (x: boolean | undefined | null): number | null => (x === undefined || x === null ? null : x ? 1 : 0);

export function aggregate(scores: SampleScore[], seed = 0, resamples = 1000): ScoreSummary {
  const hasSchema = scores.some((s) => s.declared !== null);
  const hasGold = scores.some((s) => s.accuracy !== undefined);
  const none = () => scores.map(() => null);
  const [validity, truncation, declared, empirical, compliance, f1, content, exact, match] = rates([
    scores.map((s) => b(s.parsed)),
    scores.map((s) => b(s.truncated)),
    hasSchema ? scores.map((s) => b(s.declared)) : none(),
    hasSchema ? scores.map((s) => (s.declared === null ? null : b(s.parsed && s.compliant === true))) : none(),
    hasSchema ? scores.map((s) => (s.declared ? b(s.parsed && s.compliant === true) : null)) : none(),
    hasGold ? scores.map((s) => s.accuracy?.structureF1 ?? null) : none(),
    hasGold ? scores.map((s) => s.accuracy?.contentAccuracy ?? null) : none(),
    hasGold ? scores.map((s) => b(s.accuracy?.exact)) : none(),
    hasGold ? scores.map((s) => b(s.jsonMatch)) : none(),
  ], seed, resamples);
  const zero: Rate = { estimate: 0, ci: [0, 0], n: 0 };
  return {
    n: scores.length, validity: validity ?? zero, declaredCoverage: declared, empiricalCoverage: empirical, compliance,
    truncation: truncation ?? zero, timeouts: scores.filter((s) => s.complyStatus === 'timeout').length,
    structureF1: f1, contentAccuracy: content, exactMatch: exact, jsonMatch: match,
  };
}
