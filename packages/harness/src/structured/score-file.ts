/**
 * `repro score-json`: score a JSONL of model outputs with no suite. Outputs are read through the
 * `recorded` provider; the schema is one file for all samples or each line's `schema` field; gold
 * values come from a JSONL (`{id, gold}`, or `ideal` / `expected`) or each output line's `gold`.
 */
import { readFileSync } from 'node:fs';
import { parseJson } from '@repro/core';
import { readRecorded } from '../providers/recorded.js';
import { aggregate, type Rate, type ScoreSummary } from './aggregate.js';
import type { ExtractMode } from './extract.js';
import { scoreSamples, type Sample, type SampleScore } from './score.js';

export interface ScoreFileOptions {
  outputs: string;
  schema?: string;
  schemasField?: boolean;
  gold?: string;
  extract?: ExtractMode;
  seed?: number;
  timeoutMs?: number;
  workers?: number;
}

export interface ScoreFileResult { scores: SampleScore[]; summary: ScoreSummary; problems: string[] }

function readJsonFileStrict(file: string, what: string): unknown {
  const r = parseJson(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(`${what} ${file}: line ${r.line}, column ${r.column}: ${r.message}`);
  return r.value;
}

/** Lines of a JSONL as objects, malformed lines reported by number and skipped. */
function jsonlObjects(file: string, problems: string[]): { line: number; row: Record<string, unknown> }[] {
  const out: { line: number; row: Record<string, unknown> }[] = [];
  readFileSync(file, 'utf8').split(/\r?\n/).forEach((text, i) => {
    if (!text.trim()) return;
    const r = parseJson(text);
    if (!r.ok) { problems.push(`${file}:${i + 1}: not JSON (column ${r.column}: ${r.message})`); return; }
    if (!r.value || typeof r.value !== 'object' || Array.isArray(r.value)) { problems.push(`${file}:${i + 1}: expected an object`); return; }
    out.push({ line: i + 1, row: r.value as Record<string, unknown> });
  });
  return out;
}

export async function scoreFile(o: ScoreFileOptions): Promise<ScoreFileResult> {
  if (o.schema && o.schemasField) throw new Error('give --schema or --schemas-field, not both');
  const problems: string[] = [];
  const rec = readRecorded(o.outputs);
  problems.push(...rec.problems);
  const schema = o.schema ? readJsonFileStrict(o.schema, 'schema') : undefined;
  const gold = new Map<string, unknown>();
  if (o.gold) {
    for (const { line, row } of jsonlObjects(o.gold, problems)) {
      const v = row.gold ?? row.ideal ?? row.expected;
      if (row.id === undefined || v === undefined) { problems.push(`${o.gold}:${line}: needs id and gold (or ideal / expected)`); continue; }
      // A gold given as a string of JSON (OpenAI evals' `ideal`) is decoded.
      const decoded = typeof v === 'string' ? parseJson(v) : null;
      gold.set(String(row.id), decoded?.ok ? decoded.value : v);
    }
  }
  const samples: Sample[] = [];
  for (const [id, { completion: c, line, row }] of rec.lines) {
    const s: Sample = { id, output: c.text, finishReason: c.finishReason };
    if (schema !== undefined) s.schema = schema;
    if (o.schemasField) {
      if (row.schema === undefined) problems.push(`${o.outputs}:${line}: --schemas-field but the line has no schema field`);
      else s.schema = row.schema;
    }
    const g = gold.get(id) ?? row.gold;
    if (g !== undefined) s.gold = g;
    else if (o.gold) problems.push(`${o.gold}: no gold for id ${JSON.stringify(id)}`);
    samples.push(s);
  }
  if (!samples.length) throw new Error(`${o.outputs}: no usable output lines${problems.length ? ` (${problems.length} problem(s), first: ${problems[0]})` : ''}`);
  const scores = await scoreSamples(samples, { extract: o.extract, timeoutMs: o.timeoutMs, workers: o.workers });
  return { scores, summary: aggregate(scores, o.seed ?? 0), problems };
}

/** The summary's rates as rows: metric, estimate, interval, n. */
export function summaryRows(s: ScoreSummary): { metric: string; estimate: number; lo: number; hi: number; n: number }[] {
  const rows: { metric: string; estimate: number; lo: number; hi: number; n: number }[] = [];
  const add = (metric: string, r: Rate | null) => { if (r) rows.push({ metric, estimate: r.estimate, lo: r.ci[0], hi: r.ci[1], n: r.n }); };
  add('validity', s.validity);
  add('declared_coverage', s.declaredCoverage);
  add('empirical_coverage', s.empiricalCoverage);
  add('compliance', s.compliance);
  add('truncation', s.truncation);
  add('structure_f1', s.structureF1);
  add('content_accuracy', s.contentAccuracy);
  add('exact_match', s.exactMatch);
  add('json_match', s.jsonMatch);
  return rows;
}

export function formatSummary(s: ScoreSummary, format: 'table' | 'json' | 'csv'): string {
  const rows = summaryRows(s);
  if (format === 'json') return JSON.stringify(s, null, 2);
  if (format === 'csv') return ['metric,estimate,ci_low,ci_high,n', ...rows.map((r) => `${r.metric},${r.estimate},${r.lo},${r.hi},${r.n}`)].join('\n');
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const cells = rows.map((r) => [r.metric, pct(r.estimate), `[${pct(r.lo)}, ${pct(r.hi)}]`, String(r.n)]);
  const head = ['metric', 'estimate', '95% bootstrap CI', 'n'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i])).join('  ').trimEnd();
  return [line(head), line(w.map((x) => '-'.repeat(x))), ...cells.map(line), `${s.n} sample(s)${s.timeouts ? `, ${s.timeouts} validation timeout(s)` : ''}`].join('\n');
}
