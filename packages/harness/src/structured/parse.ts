/**
 * Stage 2: parse strictly (RFC 8259: NaN, Infinity, comments and trailing commas are errors), with
 * the error's offset, line and column. The `python` dialect reproduces Python's `json.loads` for the
 * tools that use it (lm-evaluation-harness, OpenAI evals): it also reads the bare tokens `NaN`,
 * `Infinity` and `-Infinity`.
 */
// The light entry point: validation workers parse with this module, and @repro/core's index would
// cost each of them a second to load.
import { parseJson, type JsonErrorPosition } from '@repro/core/json';
import { NOT_JSON, readPythonJson } from './python-json.js';

export type ParseResult = { ok: true; value: unknown; nonFinite?: boolean } | ({ ok: false } & JsonErrorPosition);

/** A failed parse's position alone (without `ok`), as samples and worker replies carry it. */
export function errorPosition({ message, offset, line, column }: JsonErrorPosition): JsonErrorPosition {
  return { message, offset, line, column };
}

export function parseStrict(text: string, dialect: 'rfc8259' | 'python' = 'rfc8259'): ParseResult {
  const r = parseJson(text);
  if (r.ok || dialect === 'rfc8259') return r;
  const value = readPythonJson(text);
  return value === NOT_JSON ? r : { ok: true, value, nonFinite: true };
}
