/**
 * Stage 4: accuracy against a gold JSON value.
 *
 * - structure F1: precision and recall over the sets of typed key paths (`$.a[0].b:number`) of the
 *   prediction and the gold; array indices are kept, so a missing element is a missing path;
 * - content accuracy: over the gold's leaves, the share whose path holds an equal leaf in the
 *   prediction (numbers within a relative tolerance, strings NFC-normalised and trimmed);
 * - exact match: the two values equal under the same leaf rules, with no extra keys;
 * - `jsonMatch`: OpenAI evals' `json_match`, as its Python reads: keys from both sides, None never
 *   matches, lists equal in length and order, leaves by Python `==` (so `True == 1` and `1 == 1.0`).
 */

export interface AccuracyOptions { relTol?: number }

export interface Accuracy { structureF1: number; structurePrecision: number; structureRecall: number; contentAccuracy: number; exact: boolean }

type Leaf = string | number | boolean | null;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Every typed path of a JSON value (containers included) and its leaves by path. */
export function typedPaths(v: unknown): { paths: Set<string>; leaves: Map<string, Leaf> } {
  const paths = new Set<string>();
  const leaves = new Map<string, Leaf>();
  const walk = (x: unknown, at: string) => {
    paths.add(`${at}:${typeName(x)}`);
    if (Array.isArray(x)) x.forEach((e, i) => walk(e, `${at}[${i}]`));
    else if (x && typeof x === 'object') for (const [k, e] of Object.entries(x)) walk(e, `${at}.${JSON.stringify(k)}`);
    else leaves.set(at, x as Leaf);
  };
  walk(v, '$');
  return { paths, leaves };
}

export function leafEqual(a: Leaf | undefined, b: Leaf | undefined, relTol = 1e-6): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    return Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
  }
  if (typeof a === 'string' && typeof b === 'string') return a.normalize('NFC').trim() === b.normalize('NFC').trim();
  return a === b;
}

export function accuracy(pred: unknown, gold: unknown, opts: AccuracyOptions = {}): Accuracy {
  const relTol = opts.relTol ?? 1e-6;
  const p = typedPaths(pred);
  const g = typedPaths(gold);
  let common = 0;
  for (const x of p.paths) if (g.paths.has(x)) common++;
  const precision = p.paths.size ? common / p.paths.size : 0;
  const recall = g.paths.size ? common / g.paths.size : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  let right = 0;
  for (const [at, leaf] of g.leaves) if (p.leaves.has(at) && leafEqual(p.leaves.get(at), leaf, relTol)) right++;
  const contentAccuracy = g.leaves.size ? right / g.leaves.size : 0;
  const exact = p.paths.size === g.paths.size && common === g.paths.size && right === g.leaves.size && p.leaves.size === g.leaves.size;
  return { structureF1: f1, structurePrecision: precision, structureRecall: recall, contentAccuracy, exact };
}

/** Python `==` between two JSON leaves: bool is an int subclass, ints and floats compare by value. */
function pyEqual(a: unknown, b: unknown): boolean {
  const num = (x: unknown) => (typeof x === 'boolean' ? Number(x) : x);
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return num(a) === num(b);
  return a === b;
}

/** OpenAI evals `json_match(sampled, correct)`; pass `undefined` for a sample that did not parse. */
export function jsonMatch(sampled: unknown, correct: unknown): boolean {
  if (sampled === null || sampled === undefined || correct === null || correct === undefined) return false;
  if (Array.isArray(sampled)) {
    if (!Array.isArray(correct) || sampled.length !== correct.length) return false;
    return sampled.every((s, i) => jsonMatch(s, correct[i]));
  }
  if (typeof sampled === 'object') {
    if (typeof correct !== 'object' || Array.isArray(correct)) return false;
    const s = sampled as Record<string, unknown>;
    const c = correct as Record<string, unknown>;
    const keys = new Set([...Object.keys(s), ...Object.keys(c)]);
    return [...keys].every((k) => jsonMatch(s[k], c[k]));
  }
  return pyEqual(sampled, correct);
}
