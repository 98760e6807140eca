/**
 * The scoring pipeline: extract -> parse -> comply -> accuracy, one status per stage per sample.
 * Compliance runs in the worker pool (with its per-item time limit), and so does the parse of an
 * output that only a schema needs; everything else is in-process.
 */
import type { JsonErrorPosition } from '@repro/core/json';
import { accuracy, jsonMatch, type Accuracy } from './accuracy.js';
import { extractJson, type ExtractMode, type Extraction } from './extract.js';
import { errorPosition, parseStrict, type ParseResult } from './parse.js';
import { ValidationPool, type ComplyRequest } from './pool.js';
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
  parseError?: JsonErrorPosition;
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
  return (await score(samples, opts, false)).scores;
}

/** The scores and each sample's parsed value (undefined where it did not parse). */
export async function scoreWithValues(samples: Sample[], opts: ScoreOptions = {}): Promise<{ scores: SampleScore[]; values: unknown[] }> {
  return score(samples, opts, true);
}

/** A sample's extraction and, unless the pool parses it, its parse. */
interface Prepared { ex: Extraction; parsed: ParseResult | null; deferred: boolean }

async function score(samples: Sample[], opts: ScoreOptions, keepValues: boolean): Promise<{ scores: SampleScore[]; values: unknown[] }> {
  const mode = opts.extract ?? 'raw';
  // With the pool, an output checked against a schema is parsed by the worker that checks it (it
  // must parse it anyway: values do not cross threads cheaply), unless this thread needs the value
  // itself: for accuracy against a gold value, or for the caller.
  const poolParses = !opts.inline && !keepValues;
  const n = samples.length;
  const prepared: Prepared[] = new Array(n);
  const outcomes: (ComplyOutcome | undefined)[] = new Array(n);
  const scores: SampleScore[] = new Array(n);
  const values: unknown[] = keepValues ? new Array(n) : [];

  const prepare = (i: number): void => {
    const s = samples[i];
    const ex = extractJson(s.output, mode, s.finishReason);
    const deferred = ex.found && poolParses && s.schema !== undefined && s.gold === undefined;
    prepared[i] = { ex, parsed: ex.found && !deferred ? parseStrict(ex.text, ex.dialect) : null, deferred };
  };
  // Every sample with a schema is compiled (declared coverage counts unparsed outputs too); only
  // parsed outputs are validated, the others carry `null` and are discarded after compiling.
  // Parsed text travels as text (see ComplyBatch).
  const request = (i: number): ComplyRequest => {
    const { ex, parsed, deferred } = prepared[i];
    return deferred || parsed?.ok ? { schema: samples[i].schema, text: ex.text, dialect: ex.dialect } : { schema: samples[i].schema, instance: null };
  };
  const finish = (i: number): void => {
    const s = samples[i];
    const o = outcomes[i];
    // An item stopped by the pool (timeout, worker crash) has no word from its worker on its parse.
    if (prepared[i].deferred && (o?.status === 'timeout' || o?.status === 'error')) {
      const { ex } = prepared[i];
      prepared[i] = { ex, parsed: parseStrict(ex.text, ex.dialect), deferred: false };
    }
    const { ex, parsed, deferred } = prepared[i];
    const ok = deferred ? !o!.parseError : parsed?.ok === true;
    const sc: SampleScore = {
      id: s.id,
      extract: { mode, found: ex.found, span: ex.span, trailing: ex.trailing },
      truncated: ex.truncated,
      parsed: ok,
      declared: o ? o.declared : null,
      compliant: o ? ok && o.status === 'valid' : null,
    };
    if (ex.autoClosed) sc.extract.autoClosed = ex.autoClosed;
    const failure = deferred ? o!.parseError : parsed && !parsed.ok ? parsed : undefined;
    if (failure) sc.parseError = errorPosition(failure);
    else if (!ex.found) sc.parseError = { message: `no JSON found (extract mode ${mode})`, offset: 0, line: 1, column: 1 };
    if (o) {
      sc.draft = o.draft;
      if (o.compileError) sc.compileError = o.compileError;
      sc.complyStatus = ok || o.status === 'not-compiled' ? o.status : 'invalid';
      if (ok && o.errors) sc.complyErrors = o.errors;
    }
    const value = parsed?.ok ? parsed.value : undefined;
    if (s.gold !== undefined) {
      sc.accuracy = ok ? accuracy(value, s.gold, { relTol: opts.relTol }) : { structureF1: 0, structurePrecision: 0, structureRecall: 0, contentAccuracy: 0, exact: false };
      sc.jsonMatch = jsonMatch(value, s.gold);
    }
    scores[i] = sc;
    if (keepValues) values[i] = value;
  };

  const compiler = opts.inline;
  const toCheck = samples.reduce((k, s) => k + (s.schema !== undefined ? 1 : 0), 0);
  if (compiler || !toCheck) {
    for (let i = 0; i < n; i++) {
      prepare(i);
      const p = prepared[i].parsed;
      if (compiler && samples[i].schema !== undefined) outcomes[i] = complyOne(compiler, schemaHash(samples[i].schema), samples[i].schema, p?.ok ? p.value : null);
      finish(i);
    }
    return { scores, values };
  }

  // Through the pool, in chunks of one batch each: a chunk goes to the workers as soon as it is
  // prepared, so they start while this thread prepares the next, and its scores are built when its
  // batch comes back, while the workers check later chunks.
  const pool = opts.pool ?? new ValidationPool({ timeoutMs: opts.timeoutMs, workers: opts.workers });
  try {
    const size = pool.batchSizeFor(toCheck);
    const chunks: Promise<void>[] = [];
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size);
      const checked: number[] = [];
      for (let i = start; i < end; i++) {
        prepare(i);
        if (samples[i].schema !== undefined) checked.push(i);
      }
      chunks.push(pool.comply(checked.map(request), { batchSize: size }).then((got) => {
        checked.forEach((i, k) => { outcomes[i] = got[k]; });
        for (let i = start; i < end; i++) finish(i);
      }));
    }
    await Promise.all(chunks);
  } finally {
    if (!opts.pool) await pool.close();
  }
  return { scores, values };
}
