/** What the validation pool and its workers exchange, and the one-item step both sides share. */
import type { JsonErrorPosition } from '@repro/core/json';
import { DRAFTS, validateWith, type Draft, type SchemaCompiler } from './comply.js';

export type ComplyStatus = 'valid' | 'invalid' | 'not-compiled' | 'timeout' | 'error';

export interface ComplyOutcome {
  /** The schema compiled (declared coverage). */
  declared: boolean;
  status: ComplyStatus;
  draft?: Draft;
  normalised?: string[];
  compileMs?: number;
  compileError?: string;
  errors?: string[];
  /** The instance was sent as text and that text is not JSON (it then counts as `invalid`). */
  parseError?: JsonErrorPosition;
}

/** How a batch carries each instance: its value, or the JSON text it came from in either dialect. */
export const PAYLOAD = { value: 0, rfc8259: 1, python: 2 } as const;

/**
 * A batch in columns (one array per field, not an object per item: cloning a few arrays across the
 * thread boundary is cheaper than cloning thousands of small objects). Text travels as text and the
 * worker parses it: cloning a string is one copy, while cloning a value walks it on both sides.
 */
export interface ComplyBatch { id: number; schemas: [string, unknown][]; hashes: string[]; payloads: unknown[]; kinds: Uint8Array }

/**
 * A worker's answer: one code per item (status and draft packed, see `packOutcome`), and the rest of
 * an outcome (errors, compile details, parse errors) only for the items that have any.
 */
export interface ComplyReply { id: number; codes: Uint8Array; extras: [number, Partial<ComplyOutcome>][] }

const STATUSES: ComplyStatus[] = ['valid', 'invalid', 'not-compiled'];

/** The code of a worker's outcome, and its fields that the code does not carry (null when none). */
export function packOutcome(o: ComplyOutcome): { code: number; extra: Partial<ComplyOutcome> | null } {
  const code = STATUSES.indexOf(o.status) * 8 + DRAFTS.indexOf(o.draft ?? '2020-12');
  if (!(o.errors || o.compileError || o.normalised || o.compileMs || o.parseError)) return { code, extra: null };
  const extra: Partial<ComplyOutcome> = {};
  if (o.normalised) extra.normalised = o.normalised;
  if (o.compileMs) extra.compileMs = o.compileMs;
  if (o.compileError) extra.compileError = o.compileError;
  if (o.errors) extra.errors = o.errors;
  if (o.parseError) extra.parseError = o.parseError;
  return { code, extra };
}

export function unpackOutcome(code: number, extra: Partial<ComplyOutcome> | undefined): ComplyOutcome {
  const status = STATUSES[code >> 3];
  const o: ComplyOutcome = { declared: status !== 'not-compiled', status, draft: DRAFTS[code & 7] };
  return extra ? Object.assign(o, extra) : o;
}

/**
 * One item: compile (or find cached) and check. `parseError` says the instance was text that did not
 * parse: the schema is still compiled (declared coverage counts it) and the item is `invalid`.
 */
export function complyOne(compiler: SchemaCompiler, hash: string, schema: unknown, instance: unknown, parseError?: JsonErrorPosition): ComplyOutcome {
  const fresh = compiler.size;
  const c = compiler.compile(schema, hash);
  const o: ComplyOutcome = { declared: c.ok, status: 'not-compiled', draft: c.draft };
  // Compile time and normalisations are reported once, by the item that paid for them (they would
  // travel back from the workers with every item otherwise).
  if (compiler.size > fresh) {
    if (c.normalised.length) o.normalised = c.normalised;
    o.compileMs = c.compileMs;
  }
  if (!c.ok) o.compileError = c.error;
  else if (parseError) o.status = 'invalid';
  else {
    const v = validateWith(c, instance);
    o.status = v.valid ? 'valid' : 'invalid';
    if (v.errors) o.errors = v.errors;
  }
  if (parseError) o.parseError = parseError;
  return o;
}
