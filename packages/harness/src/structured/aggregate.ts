/**
 * Stage 5: per-sample outcomes to rates with seeded bootstrap intervals. Definitions follow
 * JSONSchemaBench's evaluator: declared coverage = share of samples whose schema compiled;
 * empirical coverage = share whose output parsed and complied; compliance = empirical coverage among
 * the samples with declared coverage. Validity is the share that parsed.
 */
import { bootstrapCi } from '@repro/core';
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

/** Mean of `values` over samples where `values[i]` is not null, bootstrapped over those samples. */
export function rate(values: (number | null)[], seed: number, resamples = 1000): Rate | null {
  const xs = values.filter((v): v is number => v !== null);
  if (!xs.length) return null;
  const mean = (idx: Int32Array) => { let s = 0; for (const i of idx) s += xs[i]; return s / idx.length; };
  const { estimate, ci } = bootstrapCi(xs.length, mean, { seed, resamples });
  return { estimate, ci, n: xs.length };
}

const b = (x: boolean | undefined | null): number | null => (x === undefined || x === null ? null : x ? 1 : 0);

export function aggregate(scores: SampleScore[], seed = 0, resamples = 1000): ScoreSummary {
  const hasSchema = scores.some((s) => s.declared !== null);
  const declared = scores.map((s) => b(s.declared));
  const empirical = scores.map((s) => (s.declared === null ? null : b(s.parsed && s.compliant === true)));
  return {
    n: scores.length,
    validity: rate(scores.map((s) => b(s.parsed)), seed, resamples) ?? { estimate: 0, ci: [0, 0], n: 0 },
    declaredCoverage: hasSchema ? rate(declared, seed, resamples) : null,
    empiricalCoverage: hasSchema ? rate(empirical, seed, resamples) : null,
    compliance: hasSchema ? rate(scores.map((s) => (s.declared ? b(s.parsed && s.compliant === true) : null)), seed, resamples) : null,
    truncation: rate(scores.map((s) => b(s.truncated)), seed, resamples) ?? { estimate: 0, ci: [0, 0], n: 0 },
    timeouts: scores.filter((s) => s.complyStatus === 'timeout').length,
    structureF1: rate(scores.map((s) => s.accuracy?.structureF1 ?? null), seed, resamples),
    contentAccuracy: rate(scores.map((s) => s.accuracy?.contentAccuracy ?? null), seed, resamples),
    exactMatch: rate(scores.map((s) => b(s.accuracy?.exact)), seed, resamples),
    jsonMatch: rate(scores.map((s) => b(s.jsonMatch)), seed, resamples),
  };
}
