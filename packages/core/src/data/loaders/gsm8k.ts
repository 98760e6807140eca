/** GSM8K: questions with worked answers whose final answer follows "#### ". */
import { datasetFile } from '../files.js';
import { getManifest } from '../manifest.js';
import { readJsonl } from '../table.js';

export interface Gsm8kItem { id: string; question: string; answer: string; final: string }

/** The final answer of a GSM8K solution: the text after "#### ", commas removed. */
export function gsm8kFinal(answer: string): string {
  const at = answer.lastIndexOf('#### ');
  if (at < 0) throw new Error(`GSM8K answer has no '#### ' marker: ${JSON.stringify(answer.slice(-60))}`);
  return answer.slice(at + 5).trim().replace(/,/g, '');
}

export async function loadGsm8k(split: 'train' | 'test'): Promise<Gsm8kItem[]> {
  const p = await datasetFile(getManifest('gsm8k'), `${split}.jsonl`);
  const rows = await readJsonl<{ question: string; answer: string }>(p);
  return rows.map((r, i) => ({ id: `${split}-${i}`, question: r.question, answer: r.answer, final: gsm8kFinal(r.answer) }));
}

export interface Gsm8kSolutionRow {
  question: string;
  ground_truth: string;
  [model: string]: unknown;
}

/** The GPT-3 solutions published with GSM8K (one row per test question, one column per model). */
export async function loadGsm8kSolutions(): Promise<Gsm8kSolutionRow[]> {
  return readJsonl<Gsm8kSolutionRow>(await datasetFile(getManifest('gsm8k'), 'example_model_solutions.jsonl'));
}
