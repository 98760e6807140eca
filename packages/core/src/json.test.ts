import { describe, expect, it } from 'vitest';
import { parseJson } from './json.js';

describe('strict JSON with positions', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, 2.5e3, null, true, "x\\u00e9"]}')).toEqual({ ok: true, value: { a: [1, 2500, null, true, 'xé'] } });
  });
  it.each([
    ['{"a": NaN}', 1, 7],
    ['[1, 2,]', 1, 7],
    ['{"a": 1}\n{"b": 2}', 2, 1],
    ['{\n  "a": 01}', 2, 9],
    ['{"a": "unterminated', 1, 20],
    ['// comment\n{}', 1, 1],
  ])('%j fails at line %i, column %i', (text, line, column) => {
    const r = parseJson(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.line, r.column]).toEqual([line, column]);
  });
});
