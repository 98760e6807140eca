/** What every H-Score function returns, and the two ways of computing it. */

/** `reference` reproduces the Python code, quirks included; `fixed` corrects them. Never mix the two in one column. */
export type ScoreMode = 'reference' | 'fixed';

export const SCORE_MODES: readonly ScoreMode[] = ['reference', 'fixed'];

export type Format = 'table' | 'html' | 'latex';

export const FORMATS: readonly Format[] = ['table', 'html', 'latex'];

export interface HScore {
  /** Content H-Score (table and HTML max 2, LaTeX max 3). */
  content: number;
  /** Structure H-Score (table max 4, HTML max 3, LaTeX max 4). */
  structure: number;
  /** Every sub-score under the reference's name. */
  sub: Record<string, number>;
}
