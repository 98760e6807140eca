/**
 * The scoring pipeline: extract -> parse -> comply -> accuracy, one status per stage per sample.
 * Compliance runs in the worker pool (with its per-item time limit); everything else is in-process.
 */
import { accuracy, jsonMatch, type Accuracy } from './accuracy.js';
import { extractJson, type ExtractMode } from './extract.js';
import { parseStrict } from './parse.js';
import { ValidationPool } from './pool.js';
import { schemaHash, type SchemaCompiler } from './comply.js';
import { complyOne, type ComplyOutcome } from './pool-protocol.js';

export interface Sample {
  id: string;
  /** The completion text. */
  output: string;
  finishReason?: string | null;
  /** The JSON Schema the output must meet, if any. */
  schema?: unknown;
  /** The gold JSON value, if any. */
  gold?: unknown;
}

export interface SampleScore {
  id: string;
  extract: { mode: ExtractMode; found: boolean; span: [number, number] | null; trailing: string; autoClosed?: number };
  truncated: boolean;
  parsed: boolean;
  parseError?: { message: string; offset: number; line: number; column: number };
  /** null when the sample has no schema. */
  declared: boolean | null;
  compliant: boolean | null;
  complyStatus?: ComplyOutcome['status'];
  complyErrors?: string[];
  compileError?: string;
  draft?: string;
  accuracy?: Accuracy;
  jsonMatch?: boolean;
}

export interface ScoreOptions {
  extract?: ExtractMode;
  /** Relative tolerance for numbers in content accuracy (default 1e-6). */
  relTol?: number;
  /** A pool to reuse; otherwise one is made for the call and closed after. */
  pool?: ValidationPool;
  timeoutMs?: number;
  workers?: number;
  /**
   * Check compliance in this thread with `compiler` instead of the pool: no time limit, so only for
   * schemas known to be safe (the throughput benchmark uses it to compare one thread with one).
   */
  inline?: SchemaCompiler;
}

export async function scoreSamples(samples: Sample[], opts: ScoreOptions = {}): Promise<SampleScore[]> {
  return (await scoreWithValues(samples, opts)).scores;
}

/** The scores and each sample's parsed value (undefined where it did not parse). */
export async function scoreWithValues(samples: Sample[], opts: ScoreOptions = {}): Promise<{ scores: SampleScore[]; values: unknown[] }> {
  const mode = opts.extract ?? 'raw';
  const scores: SampleScore[] = [];
  const values: unknown[] = [];
  // The parsed text of each sample: the pool sends it rather than the value (see ComplyItem).
  const texts: ({ text: string; dialect: 'rfc8259' | 'python' } | null)[] = [];
  for (const s of samples) {
    const ex = extractJson(s.output, mode, s.finishReason);
    const parsed = ex.found ? parseStrict(ex.text, ex.dialect) : null;
    const score: SampleScore = {
      id: s.id,
      extract: { mode, found: ex.found, span: ex.span, trailing: ex.trailing, ...(ex.autoClosed ? { autoClosed: ex.autoClosed } : {}) },
      truncated: ex.truncated,
      parsed: parsed?.ok === true,
      declared: s.schema === undefined ? null : false,
      compliant: s.schema === undefined ? null : false,
    };
    if (parsed && !parsed.ok) score.parseError = { message: parsed.message, offset: parsed.offset, line: parsed.line, column: parsed.column };
    else if (!parsed) score.parseError = { message: `no JSON found (extract mode ${mode})`, offset: 0, line: 1, column: 1 };
    const value = parsed?.ok ? parsed.value : undefined;
    values.push(value);
    texts.push(parsed?.ok ? { text: ex.text, dialect: ex.dialect } : null);
    if (s.gold !== undefined) {
      score.accuracy = score.parsed ? accuracy(value, s.gold, { relTol: opts.relTol }) : { structureF1: 0, structurePrecision: 0, structureRecall: 0, contentAccuracy: 0, exact: false };
      score.jsonMatch = jsonMatch(value, s.gold);
    }
    scores.push(score);
  }

  // Every sample with a schema is compiled (declared coverage counts unparsed outputs too); only
  // parsed outputs are validated, the others carry `null` and are discarded after compiling.
  const withSchema = samples.map((s, i) => i).filter((i) => samples[i].schema !== undefined);
  if (withSchema.length) {
    const compiler = opts.inline;
    const pool = compiler ? null : opts.pool ?? new ValidationPool({ timeoutMs: opts.timeoutMs, workers: opts.workers });
    try {
      const outcomes: ComplyOutcome[] = pool
        ? await pool.comply(withSchema.map((i) => ({ schema: samples[i].schema, ...(texts[i] ?? { instance: null }) })))
        : withSchema.map((i) => complyOne(compiler!, schemaHash(samples[i].schema), samples[i].schema, values[i] ?? null));
      withSchema.forEach((i, k) => {
        const o = outcomes[k];
        const sc = scores[i];
        sc.declared = o.declared;
        sc.draft = o.draft;
        if (o.compileError) sc.compileError = o.compileError;
        sc.complyStatus = sc.parsed || o.status === 'not-compiled' ? o.status : 'invalid';
        sc.compliant = sc.parsed && o.status === 'valid';
        if (sc.parsed && o.errors) sc.complyErrors = o.errors;
      });
    } finally {
      if (pool && !opts.pool) await pool.close();
    }
  }
  return { scores, values };
}

