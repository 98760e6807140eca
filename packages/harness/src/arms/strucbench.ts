/**
 * The Struc-Bench arms (@repro/struc-bench): `strucbench.sensitivity` (how H-Score responds to
 * controlled corruptions of real tables, offline), `strucbench.generation` (generate tables through
 * the `openai` provider from the paper's test files, score with H-Score and optionally the P-Score
 * judge) and the scoring microbenchmark.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadAdult, loadCaliforniaHousing, type Table } from '@repro/core';
import {
  FORMATS, formatInstructions, generationPrompt, JUDGE_MAX_TOKENS, JUDGE_TEMPERATURE, pScore, readStrucBenchItems, runSensitivity, sampleDocs, scoreCorpus,
  SCORING_BENCH_SCRIPT, SENSITIVITY_DEFAULTS, sensitivityMetric, sensitivitySvg, type ChatBatchFn, type Format, type SensitivityConfig, type StrucBenchItem,
} from '@repro/struc-bench';
import { OpenAIProvider, openAIFromEnv, OPENAI_ENV_HELP, ProviderError, type OpenAIOptions } from '../providers/openai.js';
import { artifactPath, writeArtifact, writeArtifactLines } from './artifacts.js';
import { microbenchArm } from './microbench.js';
import type { ArmMethod, ArmResult } from './types.js';

function formatOf(v: unknown): Format {
  if (!FORMATS.includes(v as Format)) throw new Error(`config format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(v)}`);
  return v as Format;
}

async function tableFor(dataset: string): Promise<Table> {
  if (dataset === 'adult') return (await loadAdult()).train.table;
  if (dataset === 'california-housing') return (await loadCaliforniaHousing()).table;
  throw new Error(`strucbench.sensitivity builds tables from adult or california-housing, not ${dataset}`);
}

export const sensitivityArm: ArmMethod = {
  name: 'strucbench.sensitivity',
  summary: 'H-Score of real tables against controlled corruptions of themselves, per corruption and strength, reference and fixed modes',
  async run(ctx): Promise<ArmResult> {
    const format = formatOf(ctx.config.format);
    const cfg = { ...SENSITIVITY_DEFAULTS, ...ctx.config } as SensitivityConfig;
    const docs = sampleDocs(await tableFor(ctx.dataset), ctx.dataset, ctx.seed, cfg);
    ctx.log(`${docs.length} gold documents of 2 tables (${cfg.rows} rows x ${cfg.columns} columns), ${format}`);
    const r = runSensitivity(format, docs, ctx.seed, cfg.strengths);
    const metrics: ArmResult['metrics'] = {
      identity_content_ref: r.identity.reference.content, identity_structure_ref: r.identity.reference.structure,
      identity_content_fixed: r.identity.fixed.content, identity_structure_fixed: r.identity.fixed.structure,
    };
    for (const c of r.cells) {
      metrics[sensitivityMetric('content', c.mode, c.corruption, c.strength)] = c.content;
      metrics[sensitivityMetric('structure', c.mode, c.corruption, c.strength)] = c.structure;
    }
    const rel = artifactPath(ctx, 'figures', `${format}-${ctx.dataset}-seed-${ctx.seed}.svg`);
    writeArtifact(rel, sensitivitySvg(r, `${ctx.suite.id}: ${format}, ${ctx.dataset}, seed ${ctx.seed}`));
    return { metrics, config: { format, documents: cfg.documents, rows: cfg.rows, columns: cfg.columns, strengths: cfg.strengths }, artifacts: [rel] };
  },
};

/** Where users put the Struc-Bench test files: REPRO_STRUCBENCH_DATA/<format>_test.json. */
export function strucBenchFile(format: Format): string | null {
  const dir = process.env.REPRO_STRUCBENCH_DATA;
  return dir ? path.join(dir, `${format}_test.json`) : null;
}

export const STRUCBENCH_DATA_HELP = 'set REPRO_STRUCBENCH_DATA to a folder holding table_test.json, html_test.json and latex_test.json (JSON arrays of {"instruction"?, "input", "output"}, as the paper\'s data release)';

/** A Struc-Bench test file for generation: every item needs the `input` to prompt with. */
export function readStrucBenchFile(file: string): (StrucBenchItem & { input: string })[] {
  return readStrucBenchItems(file).map((it, i) => {
    if (it.input === undefined) throw new Error(`${file}: item ${i} has no string "input" to prompt with`);
    return { ...it, input: it.input };
  });
}

/** A ChatBatchFn over the openai provider (bounded concurrency, retries); failures become null. */
export function providerChat(p: OpenAIProvider): ChatBatchFn {
  return async (requests) => (await p.completeAll(requests)).map((c) => (c instanceof ProviderError ? null : c.text));
}

/** The judge's endpoint: REPRO_JUDGE_BASE_URL / REPRO_JUDGE_MODEL, else the generation endpoint. */
function judgeSettings(): OpenAIOptions | null {
  const base = process.env.REPRO_JUDGE_BASE_URL;
  const model = process.env.REPRO_JUDGE_MODEL;
  if (base && model) return openAIFromEnv({ baseUrl: base, model, apiKeyEnv: process.env.REPRO_JUDGE_KEY_ENV });
  return openAIFromEnv();
}

export const generationArm: ArmMethod = {
  name: 'strucbench.generation',
  summary: 'generate Struc-Bench test tables through an OpenAI-compatible endpoint (plain or FormatCoT prompts), H-Score in both modes, optional P-Score',
  unavailable(): string | null {
    const missing = FORMATS.map(strucBenchFile).filter((f) => !f || !existsSync(f));
    if (!process.env.REPRO_STRUCBENCH_DATA || missing.length === FORMATS.length) return `Struc-Bench test files not found: ${STRUCBENCH_DATA_HELP}`;
    if (!openAIFromEnv()) return `no model endpoint configured: ${OPENAI_ENV_HELP}`;
    return null;
  },
  async run(ctx): Promise<ArmResult> {
    const format = formatOf(ctx.config.format);
    const file = strucBenchFile(format);
    if (!file || !existsSync(file)) throw new Error(`${file ?? 'REPRO_STRUCBENCH_DATA'}: missing; ${STRUCBENCH_DATA_HELP}`);
    const limit = Number(ctx.config.limit ?? Infinity);
    const items = readStrucBenchFile(file).slice(0, limit);
    const formatCot = ctx.config.prompt === 'formatcot';
    const provider = new OpenAIProvider({ ...openAIFromEnv()!, seed: ctx.seed, temperature: Number(ctx.config.temperature ?? 0), maxTokens: Number(ctx.config.maxTokens ?? 2048), log: ctx.log });
    const out = await provider.completeAll(items.map((it, i) => ({
      id: `${format}-${i}`,
      messages: [{ role: 'user', content: generationPrompt(format, it, formatCot ? formatInstructions(format, it.output) : undefined) }],
    })), (d, n) => { if (d % 10 === 0 || d === n) ctx.log(`${d}/${n} generations`); });
    const preds = out.map((c) => (c instanceof ProviderError ? '' : c.text));
    const golds = items.map((it) => it.output);
    const ref = scoreCorpus(format, preds, golds, { mode: 'reference' });
    const fixed = scoreCorpus(format, preds, golds, { mode: 'fixed' });
    const metrics: ArmResult['metrics'] = {
      content_ref: ref.content, structure_ref: ref.structure, content_fixed: fixed.content, structure_fixed: fixed.structure,
      n: items.length, failed_requests: out.filter((c) => c instanceof ProviderError).length, p_content: null, p_structure: null,
    };
    const notes: string[] = [];
    if (ctx.config.judge) {
      const js = judgeSettings()!;
      const judge = new OpenAIProvider({ ...js, temperature: JUDGE_TEMPERATURE, maxTokens: JUDGE_MAX_TOKENS, log: ctx.log });
      const p = await pScore(format, preds, golds, providerChat(judge));
      metrics.p_content = p.content;
      metrics.p_structure = p.structure;
      notes.push(`P-Score by ${js.model}: ${p.judgedPairs} of ${p.pairs} pairs judged in both orders`);
    }
    const rel = writeArtifactLines(artifactPath(ctx, 'samples', `${ctx.arm.id}-seed-${ctx.seed}.jsonl`),
      preds.map((p, i) => ({ id: i, output: p, reference: ref.perItem[i].sub, fixed: fixed.perItem[i].sub })));
    return { metrics, config: { format, prompt: formatCot ? 'formatcot' : 'plain', model: provider.opts.model, limit: items.length }, notes, artifacts: [rel] };
  },
};

export const strucBenchScoringArm = microbenchArm('microbench.strucbench-scoring',
  'H-Score scoring latency per format on tables of 10, 50 and 200 rows (reference mode)', SCORING_BENCH_SCRIPT, []);
