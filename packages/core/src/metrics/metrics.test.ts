import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accuracy, macroF1, nll, scoresFrom, topK } from './classification.js';
import { aurc, ece, reliabilityBins, riskCoverage } from './calibration.js';
import { mae, rmse } from './regression.js';
import { bootstrapCi, summarize, tQuantile } from './stats.js';
import { goldenPath } from '../testing/golden.js';

interface MetricCase {
  confidences: number[][]; truths: number[]; ece_percent: number; aurc_x1000: number; eaurc_x1000: number;
  bins: { lower: number; upper: number; acc: number; avg_conf: number; count: number }[]; risk_coverage: number[];
}
const golden = JSON.parse(readFileSync(goldenPath('ps-kd/pskd.json'), 'utf8')) as { metric_cases: MetricCase[] };

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('calibration metrics against PS-KD reference vectors', () => {
  golden.metric_cases.forEach((c, k) => {
    it(`case ${k}: ECE, AURC, E-AURC, bins and the risk-coverage curve`, () => {
      const s = scoresFrom(c.confidences);
      expect(rel(ece(s, c.truths), c.ece_percent)).toBeLessThan(1e-9);
      const a = aurc(s, c.truths);
      expect(rel(a.aurc, c.aurc_x1000)).toBeLessThan(1e-9);
      expect(Math.abs(a.eaurc - c.eaurc_x1000)).toBeLessThan(1e-9);
      const bins = reliabilityBins(s, c.truths);
      bins.forEach((b, i) => {
        expect(b.count).toBe(c.bins[i].count);
        expect(b.lower).toBe(c.bins[i].lower);
        expect(b.upper).toBe(c.bins[i].upper);
        expect(b.acc).toBeCloseTo(c.bins[i].acc, 12);
        expect(b.avgConf).toBeCloseTo(c.bins[i].avg_conf, 12);
      });
      Array.from(riskCoverage(s, c.truths)).forEach((r, i) => expect(r).toBeCloseTo(c.risk_coverage[i], 12));
    });
  });
});

describe('classification metrics', () => {
  const s = scoresFrom([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.4, 0.4, 0.2]]);
  const y = [1, 1, 2, 1];
  it('accuracy breaks ties toward the first class', () => {
    expect(accuracy(s, y)).toBe(0.5); // row 3 ties 0.4/0.4: argmax is class 0
    expect(topK(s, y, 2)).toBe(1);
  });
  it('nll is the mean of -log p(label)', () => {
    expect(nll(s, y)).toBeCloseTo(-(Math.log(0.7) + Math.log(0.3) + Math.log(0.6) + Math.log(0.4)) / 4, 12);
  });
  it('macro-F1 averages per-class F1', () => {
    // class 0: tp0 fp1 fn0 -> 0 ; class 1: tp1 fp0 fn2 -> 0.5 ; class 2: tp1 -> 1
    expect(macroF1([1, 0, 2, 0], y, 3)).toBeCloseTo((0 + 0.5 + 1) / 3, 12);
  });
  it('rejects mismatched shapes', () => {
    expect(() => accuracy(s, [1, 2])).toThrow(/2 labels for 4 rows/);
    expect(() => scoresFrom([[1, 2], [3]])).toThrow(/row 1 has 1 columns/);
  });
});

describe('regression and aggregation', () => {
  it('rmse and mae', () => {
    expect(rmse([1, 2, 3], [1, 4, 3])).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(mae([1, 2, 3], [1, 4, 0])).toBeCloseTo(5 / 3, 12);
  });
  it('t quantiles match tables', () => {
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.302652729, 6);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138852, 6);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(1.962339, 5);
  });
  it('summarize gives the t interval with sample sd', () => {
    const s = summarize([1, 2, 3]);
    expect(s.sd).toBeCloseTo(1, 12);
    expect(s.ci95[1] - s.mean).toBeCloseTo((4.302652729 * 1) / Math.sqrt(3), 6);
    expect(summarize([5]).ci95).toEqual([5, 5]);
    // identical values (a deterministic arm's seeds): no spread at all, not the rounding of their mean
    const same = summarize(Array(10).fill(0.8701553958602052));
    expect(same.sd).toBe(0);
    expect(same.ci95[1] - same.ci95[0]).toBe(0);
  });
  it('bootstrap is seeded and brackets the estimate', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 7) / 7);
    const stat = (idx: Int32Array) => idx.reduce((s, i) => s + xs[i], 0) / idx.length;
    const a = bootstrapCi(xs.length, stat, { seed: 3 }), b = bootstrapCi(xs.length, stat, { seed: 3 });
    expect(a).toEqual(b);
    expect(a.ci[0]).toBeLessThan(a.estimate);
    expect(a.ci[1]).toBeGreaterThan(a.estimate);
  });
});
