/**
 * California Housing (the handson-ml2 CSV): nine numeric columns, ocean_proximity categorical,
 * 207 empty total_bedrooms (NaN here; imputation is the caller's choice, fit on training rows).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { datasetFile } from '../files.js';
import { getManifest } from '../manifest.js';
import { tableFromRecords, type Table } from '../table.js';

export const HOUSING_TARGET = 'median_house_value';

export function parseHousing(text: string, file: string): { table: Table; y: Float64Array } {
  const rows = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const header = rows[0];
  const target = header.indexOf(HOUSING_TARGET);
  if (target < 0) throw new Error(`${file}:1: no ${HOUSING_TARGET} column in the header`);
  const names = header.filter((_, j) => j !== target);
  const kinds = names.map((n) => (n === 'ocean_proximity' ? 'categorical' : 'numeric') as 'numeric' | 'categorical');
  const y = new Float64Array(rows.length - 1);
  const records = rows.slice(1).map((r, i) => {
    y[i] = Number(r[target]);
    if (!Number.isFinite(y[i])) throw new Error(`${file}:${i + 2}: ${HOUSING_TARGET} is ${JSON.stringify(r[target])}`);
    return { line: i + 2, fields: r.filter((_, j) => j !== target) };
  });
  return { table: tableFromRecords(file, names, kinds, records, ['']), y };
}

export async function loadCaliforniaHousing(): Promise<{ table: Table; y: Float64Array }> {
  const p = await datasetFile(getManifest('california-housing'), 'housing.csv');
  return parseHousing(await readFile(p, 'utf8'), p);
}
