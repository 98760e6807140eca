/**
 * A prediction file against a reference file, as the reference's scripts do: the mean content and
 * structure H-Score over pairs (line i of one with line i of the other), and each sub-score's mean.
 */
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
  const mean = (f: (s: HScore) => number) => perItem.reduce((a, s) => a + f(s), 0) / perItem.length;
  const sub = Object.fromEntries(Object.keys(perItem[0].sub).map((k) => [k, mean((s) => s.sub[k])]));
  return { n: perItem.length, content: mean((s) => s.content), structure: mean((s) => s.structure), sub, perItem };
}
