/**
 * Controlled corruptions of a gold table at a strength s in (0, 1], for measuring how H-Score
 * responds. Table-level ones act on the data before it is written out; text-level ones on the
 * written output. s is the share of cells, rows or columns touched (at least one), or of the text
 * cut; `empty-output` ignores s.
 */
import { Rng } from '@repro/core';
import type { SimpleTable, TableDoc } from './render.js';
import type { Format } from './types.js';

export const CORRUPTIONS = [
  'cell-edits', 'dropped-rows', 'duplicated-rows', 'dropped-columns', 'swapped-columns', 'renamed-headers',
  'broken-delimiters', 'truncated-output', 'empty-output',
] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

const count = (n: number, s: number) => (n === 0 ? 0 : Math.min(n, Math.max(1, Math.round(s * n))));

/** k distinct indices of [0, n), seeded. */
function pick(rng: Rng, n: number, k: number): number[] {
  return Array.from(rng.permutation(n).slice(0, k)).sort((a, b) => a - b);
}

/** A wrong value of the same kind: a number shifted by 1-50%, a string with its letters scrambled. */
function editCell(rng: Rng, v: string): string {
  const x = Number(v);
  if (v.trim() !== '' && Number.isFinite(x)) {
    const d = Math.max(1, Math.round(Math.abs(x) * (0.01 + 0.49 * rng.float())));
    return String(rng.float() < 0.5 ? x - d : x + d);
  }
  const chars = [...v];
  if (chars.length < 2) return `${v}x`;
  const out = (rng.shuffle(chars) as string[]).join('');
  return out === v ? `${v}x` : out;
}

function corruptTable(t: SimpleTable, c: Corruption, s: number, rng: Rng): SimpleTable {
  const rows = t.rows.map((r) => [...r]);
  const header = [...t.header];
  switch (c) {
    case 'cell-edits': {
      const cells = rows.flatMap((r, i) => r.map((_, j) => [i, j] as const)).filter(([, j]) => j > 0);
      for (const k of pick(rng, cells.length, count(cells.length, s))) {
        const [i, j] = cells[k];
        rows[i][j] = editCell(rng, rows[i][j]);
      }
      return { ...t, header, rows };
    }
    case 'dropped-rows': {
      const drop = new Set(pick(rng, rows.length, count(rows.length, s)));
      return { ...t, header, rows: rows.filter((_, i) => !drop.has(i)) };
    }
    case 'duplicated-rows': {
      const dup = new Set(pick(rng, rows.length, count(rows.length, s)));
      return { ...t, header, rows: rows.flatMap((r, i) => (dup.has(i) ? [r, [...r]] : [r])) };
    }
    case 'dropped-columns': {
      // the row-label column stays; at most all the others go
      const drop = new Set(pick(rng, header.length - 1, count(header.length - 1, s)).map((j) => j + 1));
      const keep = (_: unknown, j: number) => !drop.has(j);
      return { ...t, header: header.filter(keep), rows: rows.map((r) => r.filter(keep)) };
    }
    case 'swapped-columns': {
      // swap disjoint pairs of data columns: s of the columns move
      const cols = pick(rng, header.length - 1, count(header.length - 1, s)).map((j) => j + 1);
      for (let k = 0; k + 1 < cols.length; k += 2) {
        const [a, b] = [cols[k], cols[k + 1]];
        [header[a], header[b]] = [header[b], header[a]];
        for (const r of rows) [r[a], r[b]] = [r[b], r[a]];
      }
      return { ...t, header, rows };
    }
    case 'renamed-headers': {
      for (const j of pick(rng, header.length - 1, count(header.length - 1, s)).map((x) => x + 1)) header[j] = `${header[j].replace(/[-_]/g, ' ').toUpperCase()} (renamed)`;
      return { ...t, header, rows };
    }
    default:
      return { ...t, header, rows };
  }
}

const DELIMITER: Record<Format, RegExp> = { table: /\|/g, html: /<\/t[dh]>/g, latex: / & /g };
const BROKEN: Record<Format, string> = { table: ' ', html: '', latex: ' ' };

function corruptText(text: string, format: Format, c: Corruption, s: number, rng: Rng): string {
  if (c === 'empty-output') return '';
  if (c === 'truncated-output') return text.slice(0, Math.floor(text.length * (1 - s)));
  if (c !== 'broken-delimiters') return text;
  const hits = [...text.matchAll(DELIMITER[format])].map((m) => [m.index!, m[0].length] as const);
  const chosen = new Set(pick(rng, hits.length, count(hits.length, s)));
  let out = '';
  let last = 0;
  hits.forEach(([at, len], k) => {
    if (!chosen.has(k)) return;
    out += text.slice(last, at) + BROKEN[format];
    last = at + len;
  });
  return out + text.slice(last);
}

export const TEXT_LEVEL: ReadonlySet<Corruption> = new Set(['broken-delimiters', 'truncated-output', 'empty-output']);

/** The prediction: the gold document corrupted by `c` at strength `s`, written in `format`. */
export function corrupt(doc: TableDoc, render: (d: TableDoc) => string, format: Format, c: Corruption, s: number, rng: Rng): string {
  if (TEXT_LEVEL.has(c)) return corruptText(render(doc), format, c, s, rng);
  return render({ first: corruptTable(doc.first, c, s, rng), second: corruptTable(doc.second, c, s, rng) });
}
