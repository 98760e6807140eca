/**
 * H-Score for LaTeX tables, after the reference's `score/latex_scores.py`: the first `tabular`
 * environment's cells (split on `&` and `\\`, macros dropped with their argument groups, any group
 * skipped), its caption (the first group after `\caption`), its row and column counts, and its
 * column-alignment string.
 *
 * The reference reads the alignment string by walking the `{|l|c|r|}` argument while skipping every
 * group, and that argument is itself a group: the string is always empty, so the alignment terms
 * are the constants 0 (Levenshtein similarity to an empty gold) and 1 (difflib of two empty
 * strings). reference mode keeps that; fixed mode reads the column spec inside the group (nested
 * groups such as `p{2cm}` still count as their letter).
 */
import { parseLatex, type LatexNode } from './latex-nodes.js';
import { difflibSimilarity, levenshteinSimilarity } from './sequence-matcher.js';
import type { HScore, ScoreMode } from './types.js';

export interface LatexArtifacts { tabular_alignment_string: string; data_table: string[][]; caption: string; num_rows: number; num_cols: number }

type Visitor = { skip?: (n: LatexNode) => boolean; pre?: (n: LatexNode) => void; post?: (n: LatexNode) => void };

/** The reference's walk: pre-order over argument lists, then child lists; a skipped node's subtree is not visited. */
function walk(nodes: (LatexNode | null)[], v: Visitor): void {
  for (const n of nodes) {
    if (!n || v.skip?.(n)) continue;
    v.pre?.(n);
    if (n.kind === 'macro') walk(n.args, v);
    else if (n.kind === 'env') { walk(n.args, v); walk(n.nodes, v); } else if (n.kind === 'group' || n.kind === 'math') walk(n.nodes, v);
    v.post?.(n);
  }
}

function findTabular(nodes: LatexNode[]): Extract<LatexNode, { kind: 'env' }> | null {
  let found: Extract<LatexNode, { kind: 'env' }> | null = null;
  walk(nodes, { skip: () => found !== null, pre: (n) => { if (!found && n.kind === 'env' && n.name === 'tabular') found = n; } });
  return found;
}

/** Characters of non-group nodes (the reference's TabularAlignmentProcessor). */
function charsSkippingGroups(nodes: (LatexNode | null)[]): string {
  let s = '';
  walk(nodes, { skip: (n) => n.kind === 'group', pre: (n) => { if (n.kind === 'chars') s += n.chars; } });
  return s;
}

function alignment(tabular: Extract<LatexNode, { kind: 'env' }>, mode: ScoreMode): string {
  const arg = tabular.args[0] ?? null;
  if (mode === 'reference' || !arg || arg.kind !== 'group') return charsSkippingGroups([arg]);
  return charsSkippingGroups(arg.nodes);
}

/** Rows of cells: `&` ends a cell, `\\` a row; groups skipped, other macros add nothing. */
function tabularData(nodes: LatexNode[]): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  walk(nodes, {
    skip: (n) => n.kind === 'group',
    pre: (n) => {
      if (n.kind === 'chars') cell += n.chars;
      else if (n.kind === 'specials') {
        if (n.chars === '&') { row.push(cell); cell = ''; } else cell += n.chars;
      } else if (n.kind === 'macro' && n.name === '\\') {
        if (cell) row.push(cell);
        cell = '';
        rows.push(row);
        row = [];
      }
    },
  });
  if (cell) row.push(cell);
  if (row.length) rows.push(row);
  return rows;
}

/** Text of a node list as the reference's StringProcessor writes it: characters, specials and group delimiters. */
function stringOf(nodes: LatexNode[]): string {
  let s = '';
  walk(nodes, {
    pre: (n) => { if (n.kind === 'chars' || n.kind === 'specials') s += n.chars; else if (n.kind === 'group') s += n.open; },
    post: (n) => { if (n.kind === 'group') s += n.close; },
  });
  return s;
}

/** The first group visited after the first `\caption` macro has been left; "None" when there is none. */
function caption(nodes: LatexNode[]): string {
  let armed = false;
  let found: Extract<LatexNode, { kind: 'group' }> | null = null;
  walk(nodes, {
    pre: (n) => { if (armed && !found && n.kind === 'group') found = n; },
    post: (n) => { if (n.kind === 'macro' && n.name === 'caption') armed = true; },
  });
  return found ? stringOf((found as Extract<LatexNode, { kind: 'group' }>).nodes) : 'None';
}

const strip = (s: string) => s.replace(/^\s+|\s+$/gu, '');

export function latexArtifacts(src: string, mode: ScoreMode = 'reference'): LatexArtifacts {
  const nodes = parseLatex(src);
  const tabular = findTabular(nodes);
  if (!tabular) return { tabular_alignment_string: '', data_table: [], caption: 'None', num_rows: 0, num_cols: 0 };
  const table = tabularData(tabular.nodes).map((r) => r.map(strip).filter(Boolean)).filter((r) => r.length);
  return {
    tabular_alignment_string: alignment(tabular, mode),
    data_table: table,
    caption: caption(nodes),
    num_rows: table.length,
    num_cols: table.length ? Math.max(...table.map((r) => r.length)) : 0,
  };
}

export interface LatexScore extends HScore { artifacts: { pred: LatexArtifacts; gold: LatexArtifacts } }

/** content = caption match + data Levenshtein + data difflib (max 3); structure = alignment Levenshtein + alignment difflib + rows match + cols match (max 4). */
export function scoreLatex(pred: string, gold: string, opts: { mode?: ScoreMode } = {}): LatexScore {
  const mode = opts.mode ?? 'reference';
  const p = latexArtifacts(pred, mode);
  const g = latexArtifacts(gold, mode);
  const sub = {
    alignment_levenshtein_score: levenshteinSimilarity(p.tabular_alignment_string, g.tabular_alignment_string),
    alignment_difflib_score: difflibSimilarity(p.tabular_alignment_string, g.tabular_alignment_string),
    data_levenshtein_score: levenshteinSimilarity(p.data_table.flat(), g.data_table.flat()),
    data_difflib_score: difflibSimilarity(p.data_table.flat(), g.data_table.flat()),
    caption_match_score: p.caption === g.caption ? 1 : 0,
    num_rows_match: p.num_rows === g.num_rows ? 1 : 0,
    num_cols_match: p.num_cols === g.num_cols ? 1 : 0,
  };
  return {
    content: sub.caption_match_score + sub.data_levenshtein_score + sub.data_difflib_score,
    structure: sub.alignment_levenshtein_score + sub.alignment_difflib_score + sub.num_rows_match + sub.num_cols_match,
    sub,
    artifacts: { pred: p, gold: g },
  };
}
