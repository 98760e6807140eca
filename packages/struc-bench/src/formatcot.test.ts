import { describe, expect, it } from 'vitest';
import { Rng } from '@repro/core';
import { corrupt, CORRUPTIONS } from './corrupt.js';
import { formatInstructions, generationPrompt } from './formatcot.js';
import { RENDERERS, type TableDoc } from './render.js';
import { scoreHtml } from './html.js';
import { scoreLatex } from './latex.js';
import { scoreTable } from './table.js';

const doc: TableDoc = {
  first: { caption: 'Teams & wins', header: ['', 'Wins', 'Losses'], rows: [['Hawks', '46', '12'], ['Magic', '19', '41'], ['Heat', '30', '30'], ['Nets', '20', '40']] },
  second: { caption: 'Players', header: ['', 'Points'], rows: [['Al Horford', '17'], ['Nikola Vucevic', '21']] },
};

describe('renderers', () => {
  it('write documents every scorer reads back exactly', () => {
    expect(scoreTable(RENDERERS.table(doc), RENDERERS.table(doc))).toMatchObject({ content: 2, structure: 4 });
    expect(scoreHtml(RENDERERS.html(doc), RENDERERS.html(doc))).toMatchObject({ content: 2, structure: 3 });
    const l = scoreLatex(RENDERERS.latex(doc), RENDERERS.latex(doc), { mode: 'fixed' });
    expect(l).toMatchObject({ content: 3, structure: 4 });
    // `\&` is a macro to pylatexenc, and the reference's caption text keeps no macros
    expect(l.artifacts.gold.caption).toBe('Teams  wins');
    expect(l.artifacts.gold.data_table[1]).toEqual(['Hawks', '46', '12']);
  });
});

describe('FormatCoT', () => {
  it('derives the columns, row counts and delimiters of each format from the target', () => {
    const t = formatInstructions('table', RENDERERS.table(doc));
    expect(t).toContain('"Wins", "Losses"');
    expect(t).toContain('then 4 data row(s)');
    expect(t).toContain('then 2 data row(s)');
    const h = formatInstructions('html', RENDERERS.html(doc));
    expect(h).toMatch(/Write 2 HTML table/);
    expect(h).toContain('followed by 4 <tr> row(s)');
    const x = formatInstructions('latex', RENDERERS.latex(doc));
    expect(x).toContain('\\begin{tabular}{lrr}: 3 column(s)');
    expect(x).toContain('5 row(s) in all');
    const p = generationPrompt('latex', { input: 'the data' }, x);
    expect(p).toContain('Format instructions:');
    expect(p).toContain('Input:\nthe data');
    expect(generationPrompt('html', { instruction: 'Do it.', input: 'd' })).not.toContain('Format instructions');
  });
});

describe('corruptions', () => {
  const rng = () => new Rng(5, 'c');
  it('touch the share of rows, columns or text the strength asks for', () => {
    const rows = (s: string) => scoreTable(s, s).artifacts.pred.team.num_rows;
    expect(rows(corrupt(doc, RENDERERS.table, 'table', 'dropped-rows', 0.5, rng()))).toBe(1 + 2);
    expect(rows(corrupt(doc, RENDERERS.table, 'table', 'duplicated-rows', 0.25, rng()))).toBe(1 + 5);
    const cols = scoreTable(corrupt(doc, RENDERERS.table, 'table', 'dropped-columns', 1, rng()), '').artifacts.pred.team.num_cols;
    expect(cols).toBe(1);
    expect(corrupt(doc, RENDERERS.html, 'html', 'truncated-output', 0.5, rng()).length).toBe(Math.floor(RENDERERS.html(doc).length / 2));
    expect(corrupt(doc, RENDERERS.latex, 'latex', 'empty-output', 0.1, rng())).toBe('');
    expect(corrupt(doc, RENDERERS.latex, 'latex', 'broken-delimiters', 1, rng())).not.toContain(' & ');
  });

  it('are deterministic for a seed and lower the scores as strength grows', () => {
    for (const c of CORRUPTIONS) expect(corrupt(doc, RENDERERS.table, 'table', c, 0.5, rng())).toBe(corrupt(doc, RENDERERS.table, 'table', c, 0.5, rng()));
    const gold = RENDERERS.table(doc);
    const weak = scoreTable(corrupt(doc, RENDERERS.table, 'table', 'cell-edits', 0.1, rng()), gold).content;
    const strong = scoreTable(corrupt(doc, RENDERERS.table, 'table', 'cell-edits', 1, rng()), gold).content;
    expect(strong).toBeLessThan(weak);
    expect(weak).toBeLessThan(2);
  });
});
