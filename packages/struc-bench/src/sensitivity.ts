/**
 * The metric-sensitivity study behind suite `strucbench-sensitivity`: gold tables built from real
 * rows of a tabular dataset (seeded choice of rows and columns), predictions made from them by each
 * corruption at each strength, and the mean content and structure H-Score in both modes. The paper
 * never shows how its metric responds; this does.
 */
import { mean, Rng, type Table } from '@repro/core';
import { CORRUPTIONS, corrupt, type Corruption } from './corrupt.js';
import { SCORERS } from './corpus.js';
import { RENDERERS, type SimpleTable, type TableDoc } from './render.js';
import { SCORE_MODES, type Format, type ScoreMode } from './types.js';

export interface SensitivityConfig {
  /** Gold documents per run. */
  documents: number;
  /** Data rows per table. */
  rows: number;
  /** Columns per table besides the row label. */
  columns: number;
  strengths: number[];
}

export const SENSITIVITY_DEFAULTS: SensitivityConfig = { documents: 20, rows: 10, columns: 5, strengths: [0.1, 0.25, 0.5, 0.75, 1] };

function cell(t: Table, j: number, i: number): string {
  const c = t.columns[j];
  if (c.kind === 'numeric') {
    const v = c.values[i];
    return Number.isNaN(v) ? '' : Number.isInteger(v) ? String(v) : v.toFixed(2);
  }
  return c.values[i] ?? '';
}

/** One table: `rows` random rows, `columns` random columns, labelled by their row number. */
export function sampleTable(t: Table, name: string, rng: Rng, rows: number, columns: number): SimpleTable {
  const chosen = Array.from(rng.permutation(t.columns.length).slice(0, Math.min(columns, t.columns.length)));
  const picked = Array.from({ length: rows }, () => rng.int(t.rows));
  return {
    caption: `${name}: ${rows} rows`,
    header: ['', ...chosen.map((j) => t.columns[j].name)],
    rows: picked.map((i) => [`row ${i + 1}`, ...chosen.map((j) => cell(t, j, i))]),
  };
}

export function sampleDocs(t: Table, name: string, seed: number, cfg: SensitivityConfig): TableDoc[] {
  const rng = new Rng(seed, `strucbench-gold/${name}`);
  return Array.from({ length: cfg.documents }, () => ({ first: sampleTable(t, name, rng, cfg.rows, cfg.columns), second: sampleTable(t, name, rng, cfg.rows, cfg.columns) }));
}

export interface SensitivityCell { corruption: Corruption; strength: number; mode: ScoreMode; content: number; structure: number }
export interface SensitivityResult { format: Format; identity: Record<ScoreMode, { content: number; structure: number }>; cells: SensitivityCell[] }

export function runSensitivity(format: Format, docs: TableDoc[], seed: number, strengths: number[]): SensitivityResult {
  const render = RENDERERS[format];
  const golds = docs.map(render);
  const identity = Object.fromEntries(SCORE_MODES.map((mode) => {
    const s = golds.map((g) => SCORERS[format](g, g, { mode }));
    return [mode, { content: mean(s.map((x) => x.content)), structure: mean(s.map((x) => x.structure)) }];
  })) as SensitivityResult['identity'];
  const cells: SensitivityCell[] = [];
  for (const corruption of CORRUPTIONS) {
    for (const strength of strengths) {
      const rng = new Rng(seed, `strucbench-corrupt/${format}/${corruption}/${strength}`);
      const preds = docs.map((d) => corrupt(d, render, format, corruption, strength, rng));
      for (const mode of SCORE_MODES) {
        const s = preds.map((p, i) => SCORERS[format](p, golds[i], { mode }));
        cells.push({ corruption, strength, mode, content: mean(s.map((x) => x.content)), structure: mean(s.map((x) => x.structure)) });
      }
    }
  }
  return { format, identity, cells };
}

/** Metric name of one cell: `content_ref_cell_edits_50` (strength in percent). */
export function sensitivityMetric(kind: 'content' | 'structure', mode: ScoreMode, corruption: Corruption, strength: number): string {
  return `${kind}_${mode === 'reference' ? 'ref' : 'fixed'}_${corruption.replace(/-/g, '_')}_${Math.round(strength * 100)}`;
}
