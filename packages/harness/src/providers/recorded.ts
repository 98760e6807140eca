/**
 * The `recorded` provider: model outputs already on disk, one JSON object a line, joined to a
 * task's samples by `id`. A line may carry plain text (`output`, `text`, `completion` or
 * `response` as a string) or an OpenAI-shaped response (`response: {choices: ...}`, or the
 * `choices` at the top level). A malformed line is reported with its line number and skipped.
 */
import { readFileSync } from 'node:fs';
import { readChatResponse, type Completion } from './types.js';

/** An accepted line: its completion, its line number, and the object as parsed (callers read fields beyond the output, such as a schema). */
export interface RecordedLine { completion: Completion; line: number; row: Record<string, unknown> }

export interface RecordedOutputs {
  /** By id; a repeated id keeps its last line. */
  lines: Map<string, RecordedLine>;
  problems: string[];
}

function completionOf(row: Record<string, unknown>): { text: string; finishReason: string | null } | null {
  for (const k of ['output', 'text', 'completion', 'response']) {
    if (typeof row[k] === 'string') return { text: row[k] as string, finishReason: typeof row.finish_reason === 'string' ? row.finish_reason : null };
  }
  return readChatResponse(row.response) ?? readChatResponse(row);
}

export function parseRecorded(text: string, source: string): RecordedOutputs {
  const lines = new Map<string, RecordedLine>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${source}:${i + 1}`;
    let row: unknown;
    try { row = JSON.parse(line); } catch (e) { problems.push(`${where}: not JSON (${(e as Error).message})`); return; }
    if (!row || typeof row !== 'object' || Array.isArray(row)) { problems.push(`${where}: expected an object`); return; }
    const r = row as Record<string, unknown>;
    if (typeof r.id !== 'string' && typeof r.id !== 'number') { problems.push(`${where}: field id is missing (a string or number joins the line to its sample)`); return; }
    const id = String(r.id);
    const c = completionOf(r);
    if (!c) { problems.push(`${where}: no output (give output, text, completion, or an OpenAI response with choices[0].message.content)`); return; }
    if (lines.has(id)) problems.push(`${where}: id ${JSON.stringify(id)} repeats an earlier line; the later line wins`);
    lines.set(id, { completion: { id, ...c }, line: i + 1, row: r });
  });
  return { lines, problems };
}

export function readRecorded(file: string): RecordedOutputs {
  return parseRecorded(readFileSync(file, 'utf8'), file);
}

/** Samples' ids matched to outputs; ids with no output are listed, never scored as empty text. */
export function joinRecorded<T extends { id: string }>(samples: T[], rec: RecordedOutputs): { pairs: [T, Completion][]; missing: string[]; unused: string[] } {
  const pairs: [T, Completion][] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    const l = rec.lines.get(s.id);
    if (l) { pairs.push([s, l.completion]); seen.add(s.id); } else missing.push(s.id);
  }
  return { pairs, missing, unused: [...rec.lines.keys()].filter((k) => !seen.has(k)) };
}
