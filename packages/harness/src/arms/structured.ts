/**
 * Structured-output arms: `structured.jsonschemabench-validator` (one JSONSchemaBench split per
 * arm), `structured.gsm8k-reference` (the published GSM8K model solutions through the recorded
 * provider) and `structured.gsm8k-json` (GSM8K through a live OpenAI-compatible endpoint).
 * Per-sample lines go beside the records under results/samples/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  benchChildArgs, benchmarksDir, pairRatio, repoRoot, runInterleaved, summarizeTasks, type ChildCommand, type ChildRun, JSONSCHEMABENCH_SPLITS, loadGsm8k, loadGsm8kSolutions, loadJsonSchemaBench, mean, parseJson, resultsDir, writeAtomic,
  type JsonSchemaBenchSplit,
} from '@repro/core';
import { OpenAIProvider, openAIFromEnv, OPENAI_ENV_HELP, ProviderError, type ResponseFormat } from '../providers/openai.js';
import { joinRecorded, parseRecorded } from '../providers/recorded.js';
import type { Completion } from '../providers/types.js';
import { aggregate } from '../structured/aggregate.js';
import { freeTextAnswer, gsm8kJsonPrompt, sameNumber, toNumber } from '../structured/gsm8k.js';
import { checkValidator } from '../structured/jsonschemabench.js';
import { ValidationPool } from '../structured/pool.js';
import { scoreWithValues, type SampleScore } from '../structured/score.js';
import { artifactPath, writeArtifactLines } from './artifacts.js';
import { pythonWith } from '../engine/peer.js';
import { recordTaskTimes } from './microbench.js';
import type { ArmContext, ArmMethod, ArmResult } from './types.js';

/** results/samples/<suite>/v<version>/<profile>/<arm><suffix>-seed-<n>.jsonl, relative to results/. */
const samplesPath = (ctx: ArmContext, suffix = '') => artifactPath(ctx, 'samples', `${ctx.arm.id}${suffix}-seed-${ctx.seed}.jsonl`);

export const validatorArm: ArmMethod = {
  name: 'structured.jsonschemabench-validator',
  summary: 'compile every JSONSchemaBench schema of a split (Ajv, draft from $schema, normalised) and check each labelled instance in the worker pool',
  async run(ctx): Promise<ArmResult> {
    const split = ctx.config.split as JsonSchemaBenchSplit;
    if (!JSONSCHEMABENCH_SPLITS.includes(split)) throw new Error(`config split must be one of ${JSONSCHEMABENCH_SPLITS.join(', ')}, got ${JSON.stringify(split)}`);
    const timeoutMs = Number(ctx.config.timeoutMs ?? 2000);
    const entries = await loadJsonSchemaBench(split);
    ctx.log(`${entries.length} schemas, ${entries.reduce((s, e) => s + e.tests.length, 0)} instances`);
    const pool = new ValidationPool({ timeoutMs, workers: Number(ctx.config.workers ?? 2) });
    try {
      const r = await checkValidator(entries, pool);
      const rel = writeArtifactLines(samplesPath(ctx, '-disagreements'), r.disagreements);
      return {
        metrics: { ...r.metrics },
        config: { split, timeoutMs, workers: pool.size },
        notes: [`${r.disagreements.length} disagreement(s) or compile error(s) listed in ${rel}`, 'validations_per_s counts the pool end to end (2 workers, compiling in each)'],
        artifacts: [rel],
      };
    } finally {
      await pool.close();
    }
  },
};

const SOLUTION_COLUMNS = ['6b_finetuning', '6b_verification', '175b_finetuning', '175b_verification'] as const;

export const gsm8kReferenceArm: ArmMethod = {
  name: 'structured.gsm8k-reference',
  summary: 'the GPT-3 solutions published with GSM8K, read through the recorded provider, answers by the free-text extractor, against the file\'s is_correct labels',
  async run(ctx): Promise<ArmResult> {
    const column = ctx.config.column as (typeof SOLUTION_COLUMNS)[number];
    if (!SOLUTION_COLUMNS.includes(column)) throw new Error(`config column must be one of ${SOLUTION_COLUMNS.join(', ')}, got ${JSON.stringify(column)}`);
    const rows = await loadGsm8kSolutions();
    const test = await loadGsm8k('test');
    if (rows.length !== test.length) throw new Error(`example_model_solutions has ${rows.length} rows, test.jsonl ${test.length}`);
    // The recorded provider reads the solutions as any JSONL of outputs would be read.
    const lines = rows.map((r, i) => JSON.stringify({ id: test[i].id, output: (r[column] as { solution: string }).solution }));
    const rec = parseRecorded(lines.join('\n'), `example_model_solutions.jsonl#${column}`);
    const joined = joinRecorded(test, rec);
    if (joined.missing.length) throw new Error(`${joined.missing.length} test question(s) have no solution, first ${joined.missing[0]}`);
    let correct = 0;
    let labelled = 0;
    let agree = 0;
    const disagreements: unknown[] = [];
    joined.pairs.forEach(([item, c], i) => {
      const got = freeTextAnswer(c.text);
      const ok = sameNumber(got, toNumber(item.final));
      const label = (rows[i][column] as { is_correct: boolean }).is_correct;
      if (ok) correct++;
      if (label) labelled++;
      if (ok === label) agree++;
      else disagreements.push({ id: item.id, extracted: got, gold: item.final, is_correct: label, tail: c.text.slice(-120) });
    });
    const n = joined.pairs.length;
    const rel = writeArtifactLines(samplesPath(ctx, '-disagreements'), disagreements);
    return {
      metrics: { accuracy: (100 * correct) / n, label_accuracy: (100 * labelled) / n, agreement: (100 * agree) / n, n },
      config: { column, extractor: 'final A: line, else last number', gold: 'test.jsonl after ####' },
      artifacts: [rel],
    };
  },
};

/** The answer schema of suite gsm8k-json, from benchmarks/schemas/. */
export function gsm8kAnswerSchema(): unknown {
  const file = path.join(benchmarksDir(), 'schemas', 'gsm8k-json-answer.schema.json');
  const r = parseJson(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(`${file}: line ${r.line}, column ${r.column}: ${r.message}`);
  return r.value;
}

export const gsm8kJsonArm: ArmMethod = {
  name: 'structured.gsm8k-json',
  summary: 'GSM8K test questions through an OpenAI-compatible endpoint, asking for {"reasoning", "answer"}: validity, compliance, answer accuracy, truncation',
  unavailable: () => (openAIFromEnv() ? null : `no model endpoint configured: ${OPENAI_ENV_HELP}`),
  async run(ctx): Promise<ArmResult> {
    const settings = openAIFromEnv()!;
    const schema = gsm8kAnswerSchema();
    const format = String(ctx.config.responseFormat ?? 'none');
    const responseFormat: ResponseFormat = format === 'json_schema' ? { type: 'json_schema', name: 'gsm8k_answer', schema } : format === 'json_object' ? 'json_object' : 'none';
    const limit = Number(ctx.config.limit ?? 100);
    const provider = new OpenAIProvider({
      ...settings, responseFormat, seed: ctx.seed, temperature: Number(ctx.config.temperature ?? 0), maxTokens: Number(ctx.config.maxTokens ?? 512),
      concurrency: Number(ctx.config.concurrency ?? 4), log: ctx.log,
    });
    const items = (await loadGsm8k('test')).slice(0, limit);
    const out = await provider.completeAll(items.map((q) => ({ id: q.id, messages: [{ role: 'user', content: gsm8kJsonPrompt(q.question) }] })),
      (d, n) => { if (d % 10 === 0 || d === n) ctx.log(`${d}/${n} completions`); });
    const failed = out.filter((c): c is ProviderError => c instanceof ProviderError);
    if (failed.length === out.length) throw new Error(`every request failed; first: ${failed[0].message}`);
    const samples = items.map((q, i) => {
      const c = out[i];
      return c instanceof ProviderError ? { id: q.id, output: '', finishReason: 'error' } : { id: q.id, output: c.text, finishReason: c.finishReason, schema };
    });
    const extract = (ctx.config.extract as 'raw' | 'scan' | undefined) ?? 'scan';
    const { scores, values } = await scoreWithValues(samples, { extract });
    const right: number[] = values.map((v, i) => (sameNumber(answerOf(v), toNumber(items[i].final)) ? 1 : 0));
    const summary = aggregate(scores, ctx.seed);
    const rel = writeArtifactLines(samplesPath(ctx), scores.map((s: SampleScore, i) => ({ ...s, answerCorrect: right[i] === 1 })));
    const done = out.filter((c): c is Completion => !(c instanceof ProviderError));
    // Means over the responses that carry the figure: a cached response took no time (its latency
    // is 0) and a server may not report usage; counting either as 0 would drag the mean down.
    const meanOf = (xs: (number | null | undefined)[]) => {
      const known = xs.filter((x): x is number => typeof x === 'number');
      return known.length ? mean(known) : null;
    };
    return {
      metrics: {
        validity: 100 * summary.validity.estimate, compliance: summary.compliance ? 100 * summary.compliance.estimate : null,
        answer_accuracy: (100 * right.reduce((a, b) => a + b, 0)) / items.length, truncation_rate: 100 * summary.truncation.estimate,
        failed_requests: failed.length, n: items.length,
        mean_latency_ms: meanOf(done.map((c) => (c.cached ? null : c.latencyMs))), mean_completion_tokens: meanOf(done.map((c) => c.usage?.completionTokens)),
      },
      config: { model: settings.model, baseUrl: settings.baseUrl, responseFormat: format, limit, extract },
      notes: [`intervals (bootstrap, seed ${ctx.seed}): validity [${summary.validity.ci.map((x) => (100 * x).toFixed(1)).join(', ')}]`, `provider: ${JSON.stringify(provider.stats)}`],
      artifacts: [rel],
    };
  },
};

/** The `answer` of a parsed reply as a number (a numeric string is read as its number). */
function answerOf(v: unknown): number | null {
  const a = v && typeof v === 'object' ? (v as { answer?: unknown }).answer : undefined;
  return typeof a === 'number' ? a : typeof a === 'string' ? toNumber(a) : null;
}

/**
 * The ceilings (see scoring.bench.ts), each Python's time over ours within a process pair, median
 * over pairs: JSON.parse + Ajv alone in one thread (`floor_all`), and in two threads that split the
 * schemas between them (`floor_two_threads`).
 */
export function floorCeilings(ours: ChildRun[], python: ChildRun[]): { floor_vs_python: number; two_core_ceiling_vs_python: number } {
  return {
    floor_vs_python: pairRatio(python, 'validate_all', ours, 'floor_all').median,
    two_core_ceiling_vs_python: pairRatio(python, 'validate_all', ours, 'floor_two_threads').median,
  };
}

// Resolved to the built file from src/ (tests) and dist/ alike: children run plain Node.
const scoringBench = fileURLToPath(new URL('../../dist/structured/scoring.bench.js', import.meta.url));

export const throughputArm: ArmMethod = {
  name: 'structured.throughput',
  summary: 'end-to-end scoring throughput on every JSONSchemaBench instance (extract + parse + comply + aggregate), against Python jsonschema in the same run',
  async run(ctx): Promise<ArmResult> {
    const processes = Math.max(3, Number(ctx.config.processes ?? 3));
    const py = pythonWith('jsonschema');
    const commands: ChildCommand[] = [{ label: 'ours', command: process.execPath, args: benchChildArgs(scoringBench, ['--time', String(ctx.config.taskTimeMs ?? 2000)]) }];
    if (py) commands.push({ label: 'python', command: py, args: [path.join(repoRoot(), 'tools', 'peer-bench', 'jsonschema_validate.py'), '--repeats', String(ctx.config.repeats ?? 3)] });
    const runs = await runInterleaved(commands, processes, (label, i, n) => ctx.log(`${label} process ${i}/${n}`));
    const instances = Number(runs.ours[0].meta?.instances);
    const metrics: ArmResult['metrics'] = {};
    const timings: Record<string, number> = {};
    recordTaskTimes(runs.ours, metrics, timings);
    const perS = (ms: number | null | undefined) => (ms ? instances / (ms / 1000) : null);
    metrics.inline_per_s = perS(metrics.score_inline_ms);
    metrics.pool_per_s = perS(metrics.score_pool_ms);
    const notes = [`${instances} instances; ${processes} processes each, interleaved; one thread inline, 2 worker threads in the pool`];
    if (py) {
      const s = summarizeTasks(runs.python).validate_all;
      metrics.python_ms = s.medianMs;
      metrics.python_per_s = perS(s.medianMs);
      metrics.inline_vs_python = pairRatio(runs.python, 'validate_all', runs.ours, 'score_inline').median;
      metrics.pool_vs_python = pairRatio(runs.python, 'validate_all', runs.ours, 'score_pool').median;
      Object.assign(metrics, floorCeilings(runs.ours, runs.python));
      notes.push(`Python ${String(runs.python[0].meta?.python)}, jsonschema ${String(runs.python[0].meta?.jsonschema)}, one thread (json.loads + is_valid with format checking)`);
    } else {
      notes.push('no Python with jsonschema (apt-get install python3-jsonschema, or set REPRO_PYTHON): ratio not measured');
    }
    return { metrics, timings, config: { processes }, notes };
  },
};
