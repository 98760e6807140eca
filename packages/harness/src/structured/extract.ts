/**
 * Stage 1 of scoring: find the JSON text in a model completion. Each mode is a different tool's
 * idea of where the JSON is, so a user can score the same outputs the way each of them would:
 *
 * - `raw`: the whole completion (promptfoo's `is-json`, OpenAI evals' `json_match`).
 * - `fence`: the body of the first ```json (or bare ```) code fence.
 * - `scan`: the first balanced `{...}` or `[...]`, string- and escape-aware.
 * - `lmeval`: lm-evaluation-harness `jsonschema_bench`'s cleaning,
 *   `text.strip().strip("```").strip("json").strip()`. Python's `strip(chars)` removes any of the
 *   characters, so `null` becomes `ull` (and fails); its parse is Python's `json.loads`, which
 *   accepts NaN and Infinity, so this mode asks for the Python dialect.
 * - `promptfoo`: promptfoo's `contains-json` scanner: from each `{`, count braces without regard to
 *   strings; at the first balance point (or the end of the text, where it appends the missing `}`)
 *   try to parse; a failed candidate at a balance point ends the scan from that `{`.
 */

export const EXTRACT_MODES = ['raw', 'fence', 'scan', 'lmeval', 'promptfoo'] as const;
export type ExtractMode = (typeof EXTRACT_MODES)[number];

export interface Extraction {
  mode: ExtractMode;
  /** Whether a JSON candidate was found (it may still fail to parse). */
  found: boolean;
  /** The candidate text, as handed to the parser. */
  text: string;
  /** [start, end) of the candidate in the completion; null when the mode rewrote it. */
  span: [number, number] | null;
  /** Non-space text after the candidate. */
  trailing: string;
  /** The model stopped at its token limit (finish reason `length`). */
  truncated: boolean;
  /** The parser dialect this mode implies: Python's json.loads accepts NaN and Infinity. */
  dialect: 'rfc8259' | 'python';
  /** promptfoo mode: closing braces it appended. */
  autoClosed?: number;
}

const PY_WHITESPACE = /[\s\u001c-\u001f\u0085]/u;

/** Python's `str.strip(chars)`: drop any of `chars` from both ends (whitespace when omitted). */
export function pyStrip(s: string, chars?: string): string {
  const drop = (c: string) => (chars === undefined ? PY_WHITESPACE.test(c) : chars.includes(c));
  let a = 0;
  let b = s.length;
  while (a < b && drop(s[a])) a++;
  while (b > a && drop(s[b - 1])) b--;
  return s.slice(a, b);
}

function result(mode: ExtractMode, completion: string, span: [number, number] | null, truncated: boolean, text?: string): Extraction {
  if (!span) return { mode, found: text !== undefined, text: text ?? '', span, trailing: '', truncated, dialect: mode === 'lmeval' ? 'python' : 'rfc8259' };
  return { mode, found: true, text: text ?? completion.slice(span[0], span[1]), span, trailing: completion.slice(span[1]).trim(), truncated, dialect: 'rfc8259' };
}

/** The end (exclusive) of the balanced value opening at `start`, string-aware; -1 if it never closes. */
export function balancedEnd(s: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (!stack.length) return i + 1;
    }
  }
  return -1;
}

function scan(s: string): [number, number] | null {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '{' && s[i] !== '[') continue;
    const end = balancedEnd(s, i);
    if (end > 0) return [i, end];
  }
  return null;
}

const FENCE = /```[ \t]*(?:json5|json|JSON)?[ \t]*\r?\n?/g;

function fence(s: string): [number, number] | null {
  FENCE.lastIndex = 0;
  const open = FENCE.exec(s);
  if (!open) return null;
  const start = open.index + open[0].length;
  const close = s.indexOf('```', start);
  // An unclosed fence (a truncated completion) runs to the end.
  return [start, close < 0 ? s.length : close];
}

/** promptfoo's candidate parse; its YAML-in-JSON-mode parser is replaced by strict JSON (see README). */
function promptfooParses(candidate: string): boolean {
  try {
    const v: unknown = JSON.parse(candidate);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

function promptfoo(s: string): { span: [number, number]; text: string; autoClosed: number } | null {
  const MAX = 100_000;
  for (let start = 0; start < s.length; start++) {
    if (s[start] !== '{') continue;
    let open = 1;
    let close = 0;
    const limit = Math.min(start + MAX, s.length);
    for (let cur = start + 1; cur < limit && open > close;) {
      if (s[cur] === '{') open++;
      else if (s[cur] === '}') close++;
      cur++;
      if (!(open === close || cur === s.length || cur === limit)) continue;
      const missing = open > close ? open - close : 0;
      const text = s.slice(start, cur) + '}'.repeat(missing);
      if (promptfooParses(text)) return { span: [start, cur], text, autoClosed: missing };
      if (open === close) break;
    }
  }
  return null;
}

export function extractJson(completion: string, mode: ExtractMode, finishReason?: string | null): Extraction {
  const truncated = finishReason === 'length';
  switch (mode) {
    case 'raw': return result(mode, completion, [0, completion.length], truncated);
    case 'fence': return result(mode, completion, fence(completion), truncated);
    case 'scan': return result(mode, completion, scan(completion), truncated);
    case 'lmeval': return result(mode, completion, null, truncated, pyStrip(pyStrip(pyStrip(pyStrip(completion), '`'), 'json')));
    case 'promptfoo': {
      const hit = promptfoo(completion);
      if (!hit) return result(mode, completion, null, truncated);
      return { ...result(mode, completion, hit.span, truncated, hit.text), autoClosed: hit.autoClosed };
    }
    default: throw new Error(`unknown extract mode ${JSON.stringify(mode)}; modes: ${EXTRACT_MODES.join(', ')}`);
  }
}
