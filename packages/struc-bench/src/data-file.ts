/**
 * Struc-Bench's data files (`table_test.json`, `html_test.json`, `latex_test.json` in the paper's
 * release): a JSON array of `{"instruction"?, "input", "output"}`. The scoring scripts read only
 * `output` (the reference), so only `output` is required here; generation needs `input` and checks
 * for it itself.
 */
import { readFileSync } from 'node:fs';
import { parseJson } from '@repro/core';

export interface StrucBenchItem { instruction?: string; input?: string; output: string }

/** Reads a Struc-Bench data file; errors name the file, and the line and column or the item. */
export function readStrucBenchItems(file: string): StrucBenchItem[] {
  const r = parseJson(readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(`${file}: not JSON: line ${r.line}, column ${r.column}: ${r.message}`);
  if (!Array.isArray(r.value)) throw new Error(`${file}: expected a JSON array of {"input", "output"} items`);
  return r.value.map((x, i) => {
    const o = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
    if (typeof o.output !== 'string') throw new Error(`${file}: item ${i} has no string "output"`);
    for (const k of ['input', 'instruction'] as const) {
      if (o[k] !== undefined && typeof o[k] !== 'string') throw new Error(`${file}: item ${i}: "${k}" must be a string`);
    }
    const item: StrucBenchItem = { output: o.output };
    if (typeof o.instruction === 'string') item.instruction = o.instruction;
    if (typeof o.input === 'string') item.input = o.input;
    return item;
  });
}
