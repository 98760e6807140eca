/**
 * FormatCoT: turn a target table into format instructions, then into a generation prompt. The
 * paper has a model write format descriptions of target outputs (which become the instructions of
 * its fine-tuning data); here the description is derived from the parsed target, so it is exact and
 * needs no model: how many tables, their columns in order, their row counts, and each format's
 * delimiters. `formatDescriptionPrompt` is the model-written variant's prompt.
 */
import { parseHtml, textOf, type HtmlNode } from './html.js';
import { latexArtifacts } from './latex.js';
import { tableArtifacts, teamAndPlayerFixed } from './table.js';
import type { Format } from './types.js';

const list = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(', ');

function textInstructions(target: string): string {
  const [team, player] = teamAndPlayerFixed(target).map(tableArtifacts);
  const one = (name: string, t: ReturnType<typeof tableArtifacts>) =>
    `- A "${name}:" section: a header row with the ${t.num_cols} column(s) ${list(t.column_names)}, then ${t.data_rows.length} data row(s).`;
  return [
    'Write two tables as plain text.',
    one('Team', team),
    one('Player', player),
    '- Each row starts and ends with "|" and separates cells with " | "; rows are separated by " <NEWLINE> ".',
    '- Keep the column order; leave a cell empty rather than dropping it.',
  ].join('\n');
}

function htmlInstructions(target: string): string {
  const tables: string[] = [];
  const visit = (nodes: HtmlNode[]) => {
    for (const n of nodes) {
      if (n.type !== 'el') continue;
      if (n.name === 'table') {
        const rows: HtmlNode[][] = [];
        const collect = (xs: HtmlNode[]) => { for (const x of xs) if (x.type === 'el') { if (x.name === 'tr') rows.push(x.children); else collect(x.children); } };
        collect(n.children);
        const header = (rows[0] ?? []).filter((c) => c.type === 'el' && c.name === 'th').map(textOf);
        tables.push(`- A <table> whose first <tr> holds ${header.length} <th> header cell(s) ${list(header)}, followed by ${Math.max(0, rows.length - 1)} <tr> row(s) of <td> cells.`);
      } else visit(n.children);
    }
  };
  visit(parseHtml(target));
  return [`Write ${tables.length} HTML table(s), one after another, with no other text.`, ...tables,
    '- Use only <table>, <tr>, <th> and <td>; one cell per column in every row.'].join('\n');
}

function latexInstructions(target: string): string {
  const a = latexArtifacts(target, 'fixed');
  return [
    'Write one LaTeX table: \\begin{table}, \\centering, a tabular, \\caption, \\end{table}.',
    `- \\begin{tabular}{${a.tabular_alignment_string}}: ${a.num_cols} column(s).`,
    `- ${a.num_rows} row(s) in all, the first the header ${list(a.data_table[0] ?? [])}; cells separated by " & ", each row ended by " \\\\", \\hline after the header.`,
    `- The caption: ${JSON.stringify(a.caption)}.`,
  ].join('\n');
}

export function formatInstructions(format: Format, target: string): string {
  return { table: textInstructions, html: htmlInstructions, latex: latexInstructions }[format](target);
}

const NAMES: Record<Format, string> = { table: 'a plain-text table', html: 'HTML', latex: 'LaTeX' };

/** The generation prompt: the task, its input, and (FormatCoT) the format instructions. */
export function generationPrompt(format: Format, task: { instruction?: string; input: string }, instructions?: string): string {
  return [
    task.instruction ?? `Generate ${NAMES[format]} that presents the information in the input.`,
    instructions ? `\nFormat instructions:\n${instructions}` : '',
    `\nInput:\n${task.input}`,
    `\nOutput only the ${NAMES[format]}.`,
  ].join('\n').replace(/\n{3,}/g, '\n\n');
}

/** The model-written variant: ask a model to describe a target's format, to use as `instructions`. */
export function formatDescriptionPrompt(format: Format, target: string): string {
  return `Here is a target output in ${NAMES[format]}:\n\n${target}\n\nDescribe its format precisely enough that someone could reproduce the same structure from the same data: the tables, their columns in order, the number of rows, the delimiters and markup. Do not restate the cell values.`;
}
