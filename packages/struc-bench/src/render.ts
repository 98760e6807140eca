/**
 * Tables as data, written out in Struc-Bench's three formats: raw text (Rotowire style: a `Team:`
 * and a `Player:` section of `|` rows joined by `<NEWLINE>`), HTML and LaTeX. The raw-text scorer
 * needs both sections, so a document holds two tables; HTML writes both, LaTeX the first (its
 * scorer reads the first `tabular`).
 */
import type { Format } from './types.js';

export interface SimpleTable { caption: string; header: string[]; rows: string[][] }
export interface TableDoc { first: SimpleTable; second: SimpleTable }

const textRow = (cells: string[]) => `| ${cells.join(' | ')} |`;

function textTable(t: SimpleTable): string {
  return [textRow(t.header), ...t.rows.map(textRow)].join(' <NEWLINE> ');
}

export function renderText(doc: TableDoc): string {
  return `Team: <NEWLINE> ${textTable(doc.first)} <NEWLINE> Player: <NEWLINE> ${textTable(doc.second)}`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function htmlTable(t: SimpleTable): string {
  const head = `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}${body}</table>`;
}

export function renderHtml(doc: TableDoc): string {
  return htmlTable(doc.first) + htmlTable(doc.second);
}

const tex = (s: string) => s.replace(/([&%$#_{}])/g, '\\$1');

export function renderLatex(doc: TableDoc): string {
  const t = doc.first;
  const spec = t.header.map((_, i) => (i === 0 ? 'l' : 'r')).join('');
  const row = (cells: string[]) => `${cells.map(tex).join(' & ')} \\\\`;
  return `\\begin{table}\\centering\\begin{tabular}{${spec}}\\hline ${row(t.header)} \\hline ${t.rows.map(row).join(' ')} \\hline\\end{tabular}\\caption{${tex(t.caption)}}\\end{table}`;
}

export const RENDERERS: Record<Format, (doc: TableDoc) => string> = { table: renderText, html: renderHtml, latex: renderLatex };
