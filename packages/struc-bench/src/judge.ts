/**
 * P-Score: a model judges content and structural similarity of two tables on 0-10, after the
 * reference's `score/gpt_score/*_gpt_scores.py`. Each pair is judged in both orders (pred, gold)
 * and (gold, pred) at temperature 0.1; a reply counts when it holds a ```json fence whose object
 * has both keys; the score is the mean over the replies of pairs where both orders parsed (the
 * reference's script: a pair with one unparsed order is dropped whole). Scale 0-10, as the
 * reference prints it.
 *
 * The model is reached through a `ChatBatchFn` the caller supplies (the harness wires its `openai`
 * provider in), so this package stays free of HTTP.
 */
import type { Format } from './types.js';

export interface ChatMessage { role: 'system' | 'user' | 'assistant'; content: string }
/**
 * Sends every request (at temperature JUDGE_TEMPERATURE, at most JUDGE_MAX_TOKENS) and returns each
 * reply's text, or null for a request that failed; the caller bounds concurrency and retries.
 */
export type ChatBatchFn = (requests: { id: string; messages: ChatMessage[] }[]) => Promise<(string | null)[]>;

const LANG: Record<Format, string> = { table: '', html: 'html', latex: 'latex' };
const WHAT: Record<Format, string> = { table: 'tables/data structures', html: 'HTML tables/data structures', latex: 'LaTeX tables' };

/** The reference's evaluation template, filled for one order of a pair. */
export function judgePrompt(format: Format, input1: string, input2: string): string {
  const fence = '```' + LANG[format];
  return `We want to evaluate how similar the following ${WHAT[format]} are.

Table 1:

${fence}
${input1}
\`\`\`

Table 2:

${fence}
${input2}
\`\`\`

Based on the above, we wanted to determine if the above tables are similar. Ideally they should have identical content and structure. Score the "content similarity" and "structural similarity" between 0 and 10. 

- Content similarity: 10 if the contents of the table cells are identical, 0 if they are entirely different. If about 50% of the cells have the same data, the score should be 5.
- Structural similarity: 10 if the tables have the same structure (e.g. same column and rows with identical ordering, same alignment, etc) although text formatting differences can be ignored (e.g. colors, font).

Output a JSON object such as the following:

\`\`\`json
{
  "content_similarity": ...
  "structural_similarity": ...
}
\`\`\`

Think carefully, and then output the scores.`;
}

/** The reference sends the prompt as ": <prompt>" after this system message. */
export const JUDGE_SYSTEM = 'You are a helpful data-processing assistant.';
export const JUDGE_TEMPERATURE = 0.1;
export const JUDGE_MAX_TOKENS = 1333;

export interface JudgeVerdict { content_similarity: number; structural_similarity: number }

/**
 * The reference's `parse_json`: the text between the first ```json and the next ```, parsed, with
 * both keys. A non-numeric value, which would crash the reference's sum, counts as unparsed here.
 */
export function parseJudgeReply(text: string): JudgeVerdict | null {
  const at = text.indexOf('```json');
  if (at < 0) return null;
  const rest = text.slice(at + 7);
  const end = rest.indexOf('```');
  if (end < 0) return null;
  let v: unknown;
  try { v = JSON.parse(rest.slice(0, end)); } catch { return null; }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (!('content_similarity' in o) || !('structural_similarity' in o)) return null;
  if (typeof o.content_similarity !== 'number' || typeof o.structural_similarity !== 'number') return null;
  return { content_similarity: o.content_similarity, structural_similarity: o.structural_similarity };
}

export interface PScore { content: number | null; structure: number | null; pairs: number; judgedPairs: number; replies: (JudgeVerdict | null)[] }

export async function pScore(format: Format, preds: string[], golds: string[], chat: ChatBatchFn): Promise<PScore> {
  if (preds.length !== golds.length) throw new Error(`${preds.length} prediction(s) for ${golds.length} reference(s)`);
  const requests = preds.flatMap((p, i) => [[p, golds[i], 'pred-gold'], [golds[i], p, 'gold-pred']].map(([a, b, order]) => ({
    id: `pair-${i}-${order}`,
    messages: [{ role: 'system' as const, content: JUDGE_SYSTEM }, { role: 'user' as const, content: `: ${judgePrompt(format, a, b)}` }],
  })));
  const texts = await chat(requests);
  const replies = texts.map((t) => (t === null ? null : parseJudgeReply(t)));
  let content = 0;
  let structure = 0;
  let count = 0;
  for (let i = 0; i < replies.length; i += 2) {
    const [x, y] = [replies[i], replies[i + 1]];
    if (!x || !y) continue;
    content += x.content_similarity + y.content_similarity;
    structure += x.structural_similarity + y.structural_similarity;
    count += 2;
  }
  return { content: count ? content / count : null, structure: count ? structure / count : null, pairs: preds.length, judgedPairs: count / 2, replies };
}
