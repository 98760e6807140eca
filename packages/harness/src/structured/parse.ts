/**
 * Stage 2: parse strictly (RFC 8259: NaN, Infinity, comments and trailing commas are errors), with
 * the error's offset, line and column. The `python` dialect reproduces Python's `json.loads` for the
 * tools that use it (lm-evaluation-harness, OpenAI evals): it also reads the bare tokens `NaN`,
 * `Infinity` and `-Infinity`.
 */
import { parseJson, type JsonErrorPosition } from '@repro/core';

export type ParseResult = { ok: true; value: unknown; nonFinite?: boolean } | ({ ok: false } & JsonErrorPosition);

const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Rewrites bare NaN/Infinity tokens (outside strings) into marker strings; null when there are none. */
function markNonFinite(text: string, marker: string): string | null {
  let out = '';
  let last = 0;
  let inString = false;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') { inString = true; continue; }
    for (const tok of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(tok, i)) {
        out += `${text.slice(last, i)}"${marker}${tok}"`;
        i += tok.length - 1;
        last = i + 1;
        found = true;
        break;
      }
    }
  }
  return found ? out + text.slice(last) : null;
}

export function parseStrict(text: string, dialect: 'rfc8259' | 'python' = 'rfc8259'): ParseResult {
  const r = parseJson(text);
  if (r.ok || dialect === 'rfc8259') return r;
  // The marker is written escaped (a raw control character is not JSON) and compared decoded.
  const marker = '\u0000nonfinite:';
  const marked = markNonFinite(text, '\\u0000nonfinite:');
  if (marked === null) return r;
  try {
    const value: unknown = JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(marker) ? NON_FINITE[v.slice(marker.length)] : v));
    return { ok: true, value, nonFinite: true };
  } catch {
    return r;
  }
}
