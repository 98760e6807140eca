/**
 * A prediction file against a reference file, as the reference's scripts do: the mean content and
 * structure H-Score over pairs (line i of one with line i of the other), and each sub-score's mean.
 */
import { readFileSync } from 'node:fs';
import { mean } from '@repro/core';
import { readStrucBenchItems } from './data-file.js';
import { scoreHtml } from './html.js';
import { scoreLatex } from './latex.js';
import { scoreTable } from './table.js';
import type { Format, HScore, ScoreMode } from './types.js';

export const SCORERS: Record<Format, (pred: string, gold: string, opts?: { mode?: ScoreMode }) => HScore> = {
  table: scoreTable,
  html: scoreHtml,
  latex: scoreLatex,
};

export interface CorpusScore { n: number; content: number; structure: number; sub: Record<string, number>; perItem: HScore[] }

export function scoreCorpus(format: Format, preds: string[], golds: string[], opts: { mode?: ScoreMode } = {}): CorpusScore {
  if (preds.length !== golds.length) throw new Error(`${preds.length} prediction(s) for ${golds.length} reference(s): the files must pair line by line`);
  if (!preds.length) throw new Error('no predictions to score');
  const perItem = preds.map((p, i) => SCORERS[format](p, golds[i], opts));
  const avg = (f: (s: HScore) => number) => mean(perItem.map(f));
  const sub = Object.fromEntries(Object.keys(perItem[0].sub).map((k) => [k, avg((s) => s.sub[k])]));
  return { n: perItem.length, content: avg((s) => s.content), structure: avg((s) => s.structure), sub, perItem };
}

/** Python's `readlines()`: lines with their line endings kept (the reference scores them so). */
function readLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * A prediction file and a reference file, read as the reference scripts read them: predictions one
 * per line; references one per line from a `.txt` or `.data` file, or the `output` field of each
 * item of a `.json` array. Errors name the file.
 */
export function readCorpusFiles(predFile: string, refFile: string): { preds: string[]; golds: string[] } {
  const preds = readLines(predFile);
  let golds: string[];
  if (/\.(txt|data)$/.test(refFile)) golds = readLines(refFile);
  else if (refFile.endsWith('.json')) golds = readStrucBenchItems(refFile).map((it) => it.output);
  else throw new Error(`${refFile}: the reference file must end in .txt, .data or .json, as the reference scripts require`);
  return { preds, golds };
}
