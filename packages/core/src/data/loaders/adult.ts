/**
 * UCI Adult. Fields are separated by ", "; missing values are "?". The test file's first line is
 * "|1x3 Cross validator" and its labels end with "." (">50K."), which are stripped so train and
 * test share one label vocabulary.
 */
import { readFile } from 'node:fs/promises';
import { datasetFile } from '../files.js';
import { getManifest } from '../manifest.js';
import { tableFromRecords, type Table } from '../table.js';

export const ADULT_COLUMNS = ['age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation',
  'relationship', 'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country'] as const;
const NUMERIC = new Set(['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week']);

export interface AdultSplit { table: Table; y: Int32Array }

export function parseAdult(text: string, file: string): AdultSplit {
  const records: { line: number; fields: string[] }[] = [];
  const labels: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('|')) return; // blank lines and the test file's "|1x3 Cross validator"
    const fields = l.split(',').map((s) => s.trim());
    const label = fields.pop()!.replace(/\.$/, '');
    if (label !== '>50K' && label !== '<=50K') throw new Error(`${file}:${i + 1}: label ${JSON.stringify(label)} is neither >50K nor <=50K`);
    labels.push(label === '>50K' ? 1 : 0);
    records.push({ line: i + 1, fields });
  });
  const kinds = ADULT_COLUMNS.map((c) => (NUMERIC.has(c) ? 'numeric' : 'categorical') as 'numeric' | 'categorical');
  return { table: tableFromRecords(file, [...ADULT_COLUMNS], kinds, records, ['?']), y: Int32Array.from(labels) };
}

export async function loadAdult(): Promise<{ train: AdultSplit; test: AdultSplit }> {
  const m = getManifest('adult');
  const read = async (name: string) => {
    const p = await datasetFile(m, name);
    return parseAdult(await readFile(p, 'utf8'), p);
  };
  return { train: await read('adult.data'), test: await read('adult.test') };
}
