/** A column-oriented table for tabular datasets, plus the helpers loaders share. */
import { readFile } from 'node:fs/promises';

export type Column =
  | { name: string; kind: 'numeric'; values: Float64Array } // NaN marks a missing value
  | { name: string; kind: 'categorical'; values: (string | null)[] }; // null marks a missing value

export interface Table {
  columns: Column[];
  rows: number;
}

export function column(t: Table, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`table has no column ${name}; columns: ${t.columns.map((x) => x.name).join(', ')}`);
  return c;
}

/** Builds a table from string records; `missing` tokens become NaN / null; a bad number names its line. */
export function tableFromRecords(file: string, names: string[], kinds: ('numeric' | 'categorical')[],
  records: { line: number; fields: string[] }[], missing: string[]): Table {
  const columns: Column[] = names.map((name, j) => kinds[j] === 'numeric'
    ? { name, kind: 'numeric', values: new Float64Array(records.length) }
    : { name, kind: 'categorical', values: new Array<string | null>(records.length) });
  records.forEach(({ line, fields }, i) => {
    if (fields.length !== names.length) throw new Error(`${file}:${line}: ${fields.length} fields, expected ${names.length}`);
    columns.forEach((c, j) => {
      const raw = fields[j].trim();
      const isMissing = missing.includes(raw);
      if (c.kind === 'numeric') {
        const v = isMissing ? NaN : Number(raw);
        if (!isMissing && !Number.isFinite(v)) throw new Error(`${file}:${line}: field ${c.name} is ${JSON.stringify(raw)}, not a number`);
        c.values[i] = v;
      } else {
        c.values[i] = isMissing ? null : raw;
      }
    });
  });
  return { columns, rows: records.length };
}

/** Reads a JSON Lines file; a line that is not JSON is an error naming the file and line. */
export async function readJsonl<T>(file: string): Promise<T[]> {
  const text = await readFile(file, 'utf8');
  const out: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON: ${(e as Error).message}`);
    }
  });
  return out;
}
