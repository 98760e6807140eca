/** JSONSchemaBench (MaskBench) splits: one schema per line with labelled instances. */
import { datasetFile } from '../files.js';
import { getManifest } from '../manifest.js';
import { readJsonl } from '../table.js';

export const JSONSCHEMABENCH_SPLITS = ['Github_trivial', 'Github_easy', 'Glaiveai2K', 'Handwritten', 'Synthesized'] as const;
export type JsonSchemaBenchSplit = (typeof JSONSCHEMABENCH_SPLITS)[number];

export interface JsonSchemaBenchEntry {
  file: string;
  description: string;
  meta: Record<string, unknown>;
  schema: unknown;
  tests: { description: string; valid: boolean; data: unknown }[];
}

export async function loadJsonSchemaBench(split: JsonSchemaBenchSplit): Promise<JsonSchemaBenchEntry[]> {
  if (!JSONSCHEMABENCH_SPLITS.includes(split)) throw new Error(`unknown JSONSchemaBench split '${split}'; splits: ${JSONSCHEMABENCH_SPLITS.join(', ')}`);
  return readJsonl<JsonSchemaBenchEntry>(await datasetFile(getManifest('jsonschemabench'), `${split}.jsonl`));
}
