/**
 * H-Score for raw text tables (Rotowire style: a `Team:` section and a `Player:` section of `|`
 * rows), after the reference's `score/table_scores.py`.
 *
 * reference mode keeps the reference's section finder, which works on Python indices: a missing
 * `team`, `player` or `|` gives -1, which Python slicing reads as "from the end", so a prediction
 * without a Player section loses the last cell of its Team table. fixed mode treats a missing
 * section as empty and never cuts a table short.
 */
import { findAfter, pySlice } from './pyslice.js';
import { difflibSimilarity, levenshteinSimilarity } from './sequence-matcher.js';
import type { HScore, ScoreMode } from './types.js';

export interface TableArtifacts { num_rows: number; num_cols: number; column_names: string[]; data_rows: string[][] }

const NEWLINE = /\n|<NEWLINE>|<newline>/;

/** Python's `str.strip()` (whitespace at both ends). */
const strip = (s: string) => s.replace(/^\s+|\s+$/gu, '');

/** Rows split on newlines (real or `<NEWLINE>`), cells on `|`; separator rows and empty edge columns dropped. */
export function tableArtifacts(raw: string): TableArtifacts {
  let rows = raw.split(NEWLINE).map((r) => r.split('|').map(strip));
  // A row whose characters are all '-' or '=' (an empty row counts) is a separator.
  rows = rows.filter((r) => ![...r.join('')].every((c) => c === '-' || c === '='));
  if (rows.length && !rows.some((r) => r[0])) rows = rows.map((r) => r.slice(1));
  if (rows.length && !rows.some((r) => r[r.length - 1])) rows = rows.map((r) => r.slice(0, -1));
  if (!rows.length) return { num_rows: 0, num_cols: 0, column_names: [], data_rows: [] };
  return { num_rows: rows.length, num_cols: Math.max(...rows.map((r) => r.length)), column_names: rows[0], data_rows: rows.slice(1) };
}

/** The raw Team and Player tables of a text, found the reference's way (Python index arithmetic). */
export function teamAndPlayerReference(text: string): [string, string] {
  const lower = text.toLowerCase();
  const teamStart = lower.indexOf('team');
  const playerStart = findAfter(lower, teamStart, 'player');
  const teamOpen = findAfter(lower, teamStart, '|');
  const teamClose = pySlice(text, undefined, playerStart).lastIndexOf('|');
  const playerOpen = findAfter(lower, playerStart, '|');
  const playerClose = text.lastIndexOf('|');
  return [pySlice(text, teamOpen, teamClose + 1), pySlice(text, playerOpen, playerClose + 1)];
}

/** The same, with a missing marker meaning an empty section. */
export function teamAndPlayerFixed(text: string): [string, string] {
  const lower = text.toLowerCase();
  const teamStart = lower.indexOf('team');
  const playerStart = lower.indexOf('player', Math.max(0, teamStart));
  const section = (from: number, to: number) => {
    if (from < 0) return '';
    const body = text.slice(from, to);
    const open = body.indexOf('|');
    const close = body.lastIndexOf('|');
    return open < 0 ? '' : body.slice(open, close + 1);
  };
  return [section(teamStart, playerStart < 0 ? text.length : playerStart), section(playerStart, text.length)];
}

const flatten = (rows: string[][]) => rows.flat();

export function scoreArtifacts(p: TableArtifacts, g: TableArtifacts): Record<string, number> {
  return {
    num_rows_match: p.num_rows === g.num_rows ? 1 : 0,
    num_cols_match: p.num_cols === g.num_cols ? 1 : 0,
    columns_levenshtein_score: levenshteinSimilarity(p.column_names, g.column_names),
    columns_difflib_score: difflibSimilarity(p.column_names, g.column_names),
    data_levenshtein_score: levenshteinSimilarity(flatten(p.data_rows), flatten(g.data_rows)),
    data_difflib_score: difflibSimilarity(flatten(p.data_rows), flatten(g.data_rows)),
  };
}

export interface TableScore extends HScore { artifacts: { pred: { team: TableArtifacts; player: TableArtifacts }; gold: { team: TableArtifacts; player: TableArtifacts } } }

/**
 * Sub-scores are the mean of the Team and Player tables' (the reference's `pd.DataFrame(...).mean(1)`);
 * content = data Levenshtein + data difflib (max 2); structure = rows match + cols match + column
 * Levenshtein + column difflib (max 4).
 */
export function scoreTable(pred: string, gold: string, opts: { mode?: ScoreMode } = {}): TableScore {
  const split = (opts.mode ?? 'reference') === 'reference' ? teamAndPlayerReference : teamAndPlayerFixed;
  const [pt, pp] = split(pred).map(tableArtifacts);
  const [gt, gp] = split(gold).map(tableArtifacts);
  const team = scoreArtifacts(pt, gt);
  const player = scoreArtifacts(pp, gp);
  const sub = Object.fromEntries(Object.keys(team).map((k) => [k, (team[k] + player[k]) / 2]));
  return {
    content: sub.data_levenshtein_score + sub.data_difflib_score,
    structure: sub.num_rows_match + sub.num_cols_match + sub.columns_levenshtein_score + sub.columns_difflib_score,
    sub,
    artifacts: { pred: { team: pt, player: pp }, gold: { team: gt, player: gp } },
  };
}
