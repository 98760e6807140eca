/**
 * H-Score scoring throughput per format on tables of 10, 50 and 200 rows (6 columns): the gold
 * against a copy with 10% of its cells edited, reference mode, all in one process.
 * `node dist/bench/scoring.bench.js` measures in three fresh processes; suite strucbench-throughput records it.
 */
import { fileURLToPath } from 'node:url';
import { benchMain, Rng } from '@repro/core';
import { corrupt } from '../corrupt.js';
import { SCORERS } from '../corpus.js';
import { RENDERERS, type SimpleTable, type TableDoc } from '../render.js';
import { FORMATS } from '../types.js';

export const SIZES = [10, 50, 200] as const;

function syntheticTable(rng: Rng, rows: number): SimpleTable {
  const header = ['', 'PTS', 'REB', 'AST', 'MIN', 'FG_PCT'];
  return {
    caption: `box score, ${rows} rows`,
    header,
    rows: Array.from({ length: rows }, (_, i) => [`Player ${i + 1}`, ...header.slice(1).map(() => String(rng.int(40)))]),
  };
}

const pairs = new Map<string, [string, string]>();
const rng = new Rng(1, 'strucbench-bench');
for (const size of SIZES) {
  const doc: TableDoc = { first: syntheticTable(rng, size), second: syntheticTable(rng, size) };
  for (const f of FORMATS) pairs.set(`${f}_${size}`, [corrupt(doc, RENDERERS[f], f, 'cell-edits', 0.1, rng), RENDERERS[f](doc)]);
}

await benchMain(fileURLToPath(import.meta.url), {
  name: 'strucbench-scoring',
  time: 1000,
  iterations: 3,
  tasks: Object.fromEntries([...pairs].map(([name, [pred, gold]]) => [name, () => { SCORERS[name.split('_')[0] as 'table'](pred, gold); }])),
});
