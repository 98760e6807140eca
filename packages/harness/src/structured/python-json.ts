/**
 * Python's `json.loads` dialect: JSON plus the bare tokens `NaN`, `Infinity` and `-Infinity`
 * (parse.ts falls back to it for the `python` dialect).
 */

/** What readPythonJson returns for text that is not JSON even in Python's dialect. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

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

/** The value of `text` read as Python reads it, or NOT_JSON. */
export function readPythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The marker is written escaped (a raw control character is not JSON) and compared decoded.
    const marker = '\u0000nonfinite:';
    const marked = markNonFinite(text, '\\u0000nonfinite:');
    if (marked === null) return NOT_JSON;
    try {
      return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(marker) ? NON_FINITE[v.slice(marker.length)] : v));
    } catch {
      return NOT_JSON;
    }
  }
}
